import Foundation

/// One `--filter REPO_REGEX:TAG_REGEX` of `acr purge`. The repository part is matched
/// whole (acr wraps it as `^…$`, with no group: `a|b` means "starts with a, or ends with
/// b", as in acr); the tag part is searched anywhere in the tag (`v1` also matches `v10`).
/// Lookahead and lookbehind work, as in acr's regexp2.
public struct PurgeFilter: Sendable, CustomStringConvertible {
  public let repositoryPattern: String
  public let tagPattern: String
  let repository: NSRegularExpression
  let tag: NSRegularExpression
  let repositoryLiteral: String?
  let tagLiteral: String?

  public var description: String { "\(repositoryPattern):\(tagPattern)" }

  /// Why a filter is refused, in acr's words where acr has them.
  public struct ParseError: Error, Equatable, CustomStringConvertible {
    public let description: String
  }

  public init(parsing text: String) throws(ParseError) {
    guard let colon = Self.splitPoint(text) else {
      throw ParseError(description: "unable to correctly parse filter flag \"\(text)\"")
    }
    repositoryPattern = String(text[..<colon])
    tagPattern = String(text[text.index(after: colon)...])
    guard !repositoryPattern.isEmpty else {
      throw ParseError(description: "missing repository name/expression in filter \"\(text)\"")
    }
    guard !tagPattern.isEmpty else {
      throw ParseError(description: "missing tag name/expression in filter \"\(text)\"")
    }
    repository = try Self.compile("^" + repositoryPattern + "$", shown: repositoryPattern)
    tag = try Self.compile(tagPattern, shown: tagPattern)
    repositoryLiteral = Self.literal(repositoryPattern)
    tagLiteral = Self.literal(tagPattern)
  }

  static func compile(_ pattern: String, shown: String) throws(ParseError) -> NSRegularExpression {
    do {
      return try NSRegularExpression(pattern: pattern)
    } catch {
      throw ParseError(description: "invalid regular expression \"\(shown)\" in --filter")
    }
  }

  /// The first `:` outside `(?…)` groups and `[…]` classes (a lookbehind or a class may
  /// hold one); nil when there is none.
  static func splitPoint(_ text: String) -> String.Index? {
    var depth = 0  // open `(?` groups
    var plainGroups: [Bool] = []  // for each open `(`, whether it was a `(?`
    var inClass = false
    var index = text.startIndex
    while index < text.endIndex {
      let character = text[index]
      if character == "\\" {
        index = text.index(after: index)
        if index < text.endIndex { index = text.index(after: index) }
        continue
      }
      if inClass {
        if character == "]" { inClass = false }
      } else {
        switch character {
        case "[": inClass = true
        case "(":
          let next = text.index(after: index)
          let special = next < text.endIndex && text[next] == "?"
          plainGroups.append(special)
          if special { depth += 1 }
        case ")":
          if let special = plainGroups.popLast(), special { depth -= 1 }
        case ":" where depth == 0:
          return index
        default: break
        }
      }
      index = text.index(after: index)
    }
    return nil
  }

  public func matches(repository name: String) -> Bool {
    if let literal = repositoryLiteral { return name == literal }
    if repositoryPattern == ".*" { return true }
    return repository.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
  }

  public func matches(tag name: String) -> Bool {
    // `.*` and plain names are most filters; the regex engine is the slow path of a
    // million-tag purge.
    if tagPattern == ".*" { return true }
    if let literal = tagLiteral { return name.contains(literal) }
    return tag.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
  }

  /// The pattern itself when it has no regular-expression syntax at all.
  static func literal(_ pattern: String) -> String? {
    pattern.contains(where: { "\\^$.|?*+()[]{}".contains($0) }) ? nil : pattern
  }

}
