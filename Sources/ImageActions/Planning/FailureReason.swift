/// Why a change the registry was asked for did not happen, or happened other than planned.
public enum FailureReason: Sendable, Hashable, CustomStringConvertible {
  /// The request failed: the registry's answer or the transport's error, as text.
  case request(String)
  /// DELETE answered 404: gone already, or deleted by an earlier attempt whose answer was lost.
  case answered404

  public init(_ error: any Error) { self = .request("\(error)") }

  public var description: String {
    switch self {
    case .request(let text): text
    case .answered404: "the registry answered 404"
    }
  }
}
