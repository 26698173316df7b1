/// A command that cannot run as asked; the message says what to do instead.
public enum ShellError: Error, CustomStringConvertible {
  case usage(String)
  case failed(String)

  public var description: String {
    switch self {
    case .usage(let message), .failed(let message): message
    }
  }
}
