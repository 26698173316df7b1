import Foundation

/// A repository or tag name pattern of a policy file: a regular expression, a glob or an
/// exact name. Every kind matches the whole name, so `v1` never selects `v10` by accident
/// (a policy is read later by someone else than its author; unanchored regexes surprise).
public struct NamePattern: Sendable, CustomStringConvertible {
  public enum Kind: String, Sendable { case regex, glob, exact }

  public let kind: Kind
  public let text: String
  let expression: NSRegularExpression?
  let shortcut: Shortcut?
  /// A regex that needs no regex engine (`v[0-9]+`), for ASCII names.
  let simple: SimpleExpression?

  public var description: String { "\(kind.rawValue) \(text)" }

  public struct Invalid: Error, CustomStringConvertible {
    public let description: String
  }

  public init(_ kind: Kind, _ text: String) throws(Invalid) {
    self.kind = kind
    self.text = text
    shortcut = Self.shortcut(kind, text)
    simple = kind == .regex && shortcut == nil ? SimpleExpression(text) : nil
    let pattern: String?
    switch kind {
    case .exact: pattern = nil
    // \A and \z: ICU's ^ and $ would also match around a final line end ("v1\n").
    case .regex: pattern = "\\A(?:" + text + ")\\z"
    case .glob: pattern = Self.globExpression(text)
    }
    guard let pattern else {
      expression = nil
      return
    }
    do {
      expression = try NSRegularExpression(pattern: pattern)
    } catch {
      throw Invalid(description: "invalid regular expression '\(text)'")
    }
  }

  public func matches(_ name: String) -> Bool {
    switch shortcut {
    case .equal(let literal): return name == literal
    case .everything: return true
    case .prefix(let prefix):
      return name.hasPrefix(prefix) && !name.dropFirst(prefix.count).contains("/")
    case nil: break
    }
    if let simple, let answer = simple.matches(name) { return answer }
    guard let expression else { return name == text }
    return expression.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
  }

  /// Patterns that need no regex engine (most of them, and the engine is what a million
  /// tags would spend their time in).
  enum Shortcut: Sendable {
    case equal(String)
    case everything
    /// A glob `prefix*`: the prefix, then anything but `/`.
    case prefix(String)
  }

  static func shortcut(_ kind: Kind, _ text: String) -> Shortcut? {
    let special: Set<Character> = [
      "\\", "^", "$", ".", "|", "?", "*", "+", "(", ")", "[", "]", "{", "}",
    ]
    switch kind {
    case .exact: return .equal(text)
    case .regex:
      if text == ".*" { return .everything }
      return text.contains(where: special.contains) ? nil : .equal(text)
    case .glob:
      if text == "**" { return .everything }
      if !text.contains(where: { $0 == "*" || $0 == "?" }) { return .equal(text) }
      if text.last == "*", !text.dropLast().contains(where: { $0 == "*" || $0 == "?" }) {
        return .prefix(String(text.dropLast()))
      }
      return nil
    }
  }

  /// A glob as repositories are named: `*` stays within one path segment, `**` crosses
  /// them, `?` is one character.
  static func globExpression(_ glob: String) -> String {
    var out = "\\A"
    var characters = Array(glob)[...]
    while let character = characters.popFirst() {
      switch character {
      case "*":
        if characters.first == "*" {
          characters.removeFirst()
          out += ".*"
        } else {
          out += "[^/]*"
        }
      case "?": out += "[^/]"
      default: out += NSRegularExpression.escapedPattern(for: String(character))
      }
    }
    return out + "\\z"
  }
}
