import Foundation

/// Whether a protection rule's tag pattern (shell wildcards, matched with `fnmatch`) can
/// match any tag at all. A tag is `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}` (the distribution
/// spec), so `acr-helloworld@sha256:…`, `.*` or `v1/*` protect nothing: a rule that holds
/// one looks like protection and is none, and is refused when it is added.
public enum TagPattern {
  /// The characters a tag may start with, and the ones it may hold after that.
  static let first = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
  static let rest = first + [".", "-"]
  static let maximumLength = 128

  /// One piece of a pattern: `*`, or a pattern that matches exactly one character
  /// (`?`, `[…]`, `\x`, a literal).
  enum Piece {
    case star
    case one(String)
  }

  /// A tag the pattern matches, or nil when it matches none. The tag is built piece by piece
  /// and then checked against the whole pattern with `fnmatch` itself, so a pattern is
  /// never accepted on the word of this parser alone.
  public static func example(matching pattern: String) -> String? {
    let pieces = split(pattern)
    let single = pieces.filter { if case .one = $0 { true } else { false } }.count
    var tag = ""
    var sawStar = false
    for piece in pieces {
      switch piece {
      case .star:
        sawStar = true
      case .one(let text):
        if tag.isEmpty {
          if let character = character(matching: text, from: first) {
            tag.append(character)
          } else if sawStar, let character = character(matching: text, from: rest) {
            // A star before it supplies a first character.
            tag.append(first[0])
            tag.append(character)
          } else {
            return nil
          }
        } else {
          guard let character = character(matching: text, from: rest) else { return nil }
          tag.append(character)
        }
      }
    }
    // Only stars: one character of the first kind.
    if single == 0 {
      guard sawStar else { return nil }
      tag = String(first[0])
    }
    guard tag.count <= maximumLength, fnmatch(pattern, tag, 0) == 0 else { return nil }
    return tag
  }

  /// The first of `candidates` that the one-character pattern matches.
  static func character(matching piece: String, from candidates: [Character]) -> Character? {
    candidates.first { fnmatch(piece, String($0), 0) == 0 }
  }

  /// The pattern in pieces, as fnmatch reads it: `\` escapes the next character; `[`
  /// opens a bracket expression up to its `]` (a `]` first, after `!` or `^`, is a member;
  /// `[:alpha:]`, `[.x.]` and `[=x=]` are read whole); an unclosed `[` is a literal.
  static func split(_ pattern: String) -> [Piece] {
    let characters = Array(pattern)
    var pieces: [Piece] = []
    var index = 0
    while index < characters.count {
      let character = characters[index]
      switch character {
      case "*":
        pieces.append(.star)
        index += 1
      case "\\" where index + 1 < characters.count:
        pieces.append(.one(String(characters[index...index + 1])))
        index += 2
      case "[":
        if let end = bracketEnd(characters, from: index) {
          pieces.append(.one(String(characters[index...end])))
          index = end + 1
        } else {
          pieces.append(.one("\\["))
          index += 1
        }
      default:
        pieces.append(.one(character == "\\" ? "\\\\" : String(character)))
        index += 1
      }
    }
    return pieces
  }

  /// The index of the `]` that closes the bracket expression opening at `start`.
  static func bracketEnd(_ characters: [Character], from start: Int) -> Int? {
    var index = start + 1
    if index < characters.count, characters[index] == "!" || characters[index] == "^" {
      index += 1
    }
    // A `]` right after the opening (or its negation) is a member, not the end.
    if index < characters.count, characters[index] == "]" { index += 1 }
    while index < characters.count {
      if characters[index] == "[", index + 1 < characters.count,
        [":", ".", "="].contains(characters[index + 1])
      {
        let kind = characters[index + 1]
        var close = index + 2
        while close + 1 < characters.count,
          !(characters[close] == kind && characters[close + 1] == "]")
        {
          close += 1
        }
        if close + 1 < characters.count {
          index = close + 2
          continue
        }
        return nil
      }
      if characters[index] == "]" { return index }
      index += 1
    }
    return nil
  }
}
