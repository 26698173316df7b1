/// A command that cannot run as asked; the message says what to do instead.
public enum ShellError: Error, CustomStringConvertible {
  case usage(String)
  case failed(String)
  /// A confirmation was needed and there is no terminal to ask on (az's wording).
  case noTerminalForPrompt
  /// The person answered no (az's wording; exit status 1, as az).
  case cancelled
  /// An az command failed: printed as az prints its errors.
  case az(String)

  public var description: String {
    switch self {
    case .usage(let message), .failed(let message), .az(let message): message
    case .noTerminalForPrompt:
      "Unable to prompt for confirmation as no tty available. Use --yes."
    case .cancelled: "Operation cancelled."
    }
  }
}

extension ShellError {
  /// The refusals whose text az scripts and people know: printed as az prints them.
  var isAzMessage: Bool {
    switch self {
    case .cancelled, .noTerminalForPrompt, .az: true
    default: false
    }
  }
}
