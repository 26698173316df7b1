import Foundation

extension URLError {
  /// The error URLSession would give for `code`, down to its description: on Linux a
  /// cancelled request's `localizedDescription` is "cancelled", and the shell shows it.
  static func loopback(_ code: Code) -> URLError {
    let descriptions: [Code: String] = [
      .cancelled: "cancelled",
      .timedOut: "The request timed out.",
      .cannotConnectToHost: "Could not connect to the server.",
      .networkConnectionLost: "The network connection was lost.",
      .cannotFindHost: "A server with the specified hostname could not be found.",
    ]
    return URLError(
      code, userInfo: descriptions[code].map { [NSLocalizedDescriptionKey: $0] } ?? [:])
  }
}
