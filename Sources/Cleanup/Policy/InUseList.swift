import Foundation

/// Image references in use, as `kubectl get pods -A -o jsonpath='{..image}'` prints them:
/// separated by white space, `[host/]repository[:tag][@digest]`. The host is not compared
/// (a registry has several names; protecting too much is the safe mistake).
public struct InUseList: Sendable {
  public var source: String
  /// repository → tags in use.
  public var tags: [String: Set<String>] = [:]
  /// Digests in use, whichever repository names them.
  public var digests: Set<String> = []

  public init(source: String, text: String) {
    self.source = source
    for word in text.split(whereSeparator: { $0.isWhitespace || $0 == "'" || $0 == "\"" }) {
      var reference = Substring(word)
      if let at = reference.firstIndex(of: "@") {
        digests.insert(String(reference[reference.index(after: at)...]))
        continue
      }
      var tag = "latest"
      if let colon = reference.lastIndex(of: ":"), !reference[colon...].contains("/") {
        tag = String(reference[reference.index(after: colon)...])
        reference = reference[..<colon]
      }
      tags[Self.repository(reference), default: []].insert(tag)
    }
  }

  /// The repository of a reference: a first component with a dot, a colon or `localhost`
  /// is a registry host and is dropped.
  static func repository(_ reference: Substring) -> String {
    let parts = reference.split(separator: "/", maxSplits: 1)
    if parts.count == 2, parts[0].contains(".") || parts[0].contains(":") || parts[0] == "localhost"
    {
      return String(parts[1])
    }
    return String(reference)
  }
}
