import Foundation
import Testing

@testable import Cleanup

/// A policy's simple regexes are matched without ICU; every answer must be ICU's, whole
/// name against `\A(?:pattern)\z`, as `NamePattern` asks it.
@Suite struct SimpleExpressionTests {
  /// Patterns of the subset, and a few just outside it (declined, so ICU answers).
  static let patterns = [
    "v[0-9]+", "v\\d+", "[0-9]+\\.[0-9]+\\.[0-9]+", "v[0-9]{1,3}", "rc[0-9]?", "a.c",
    "[a-z_.-]+", "[-a]x", "release-[0-9]{2,}", "x{3}", "[A-Fa-f0-9]{4}-?", ".*-dev", "v1",
    "", "a*a*a*a*a*b", "sha256:[a-f0-9]{8}.*", "team/app[0-9]*", "\\.\\+\\*",
  ]
  static let declined = [
    "(a|b)", "a|b", "^v1", "v1$", "[^a]", "a+?", "a++", "\\w+", "[[:digit:]]", "a{,3}",
    "a{+3}", "[z-a]", "[a-9]", "é", "\\p{L}", "a**",
  ]

  static let alphabet = Array("av1c0-._x.b9Z\n\u{7F} é\r".unicodeScalars)

  @Test func everyAnswerIsICUs() throws {
    var generator = SystemRandomNumberGenerator()
    for pattern in Self.patterns {
      let simple = try #require(SimpleExpression(pattern), "\(pattern) is of the subset")
      let icu = try NSRegularExpression(pattern: "\\A(?:" + pattern + ")\\z")
      var names = ["", "v1", "v10", "v1\n", "v1.2.3", "rc", "rc1", "abc", "a\nc", "xxx", "é"]
      names += (0..<3000).map { _ in
        String(
          String.UnicodeScalarView(
            (0..<Int.random(in: 0...12, using: &generator)).map { _ in
              Self.alphabet.randomElement(using: &generator)!
            }))
      }
      names += ["sha256:0123abcd", "team/app42", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "1.22.333"]
      for name in names {
        let expected =
          icu.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
        if let answer = simple.matches(name) {
          #expect(answer == expected, "\(pattern) on \(name.debugDescription)")
        } else {
          // Declined only for what ICU must see: non-ASCII text.
          #expect(name.utf8.contains { $0 >= 0x80 })
        }
        let pattern = try NamePattern(.regex, pattern)
        #expect(pattern.matches(name) == expected, "\(pattern) on \(name.debugDescription)")
      }
    }
  }

  @Test func patternsBeyondTheSubsetAreLeftToICU() {
    for pattern in Self.declined {
      #expect(SimpleExpression(pattern) == nil, "\(pattern)")
    }
  }

  /// A whole name means the whole name: ICU's `$` would also match before a final line
  /// end, so `v1` selected a tag `v1\n` (and a glob `app*` a repository `app\n`).
  @Test func aFinalLineEndIsPartOfTheName() throws {
    for (kind, text, name) in [
      (NamePattern.Kind.regex, "v1", "v1\n"), (.regex, "v[0-9]+", "v1\n"), (.regex, "v.+", "v1\n"),
      (.glob, "app?", "app1\n"), (.glob, "a*/b", "a/b\n"),
    ] {
      #expect(try !NamePattern(kind, text).matches(name), "\(kind) \(text)")
      #expect(try NamePattern(kind, text).matches(String(name.dropLast())), "\(kind) \(text)")
    }
  }

  /// Memoised: a pattern that backtracks exponentially in a naive matcher answers at once.
  @Test func backtrackingIsBounded() throws {
    let simple = try #require(SimpleExpression("a*a*a*a*a*a*a*a*a*a*a*a*b"))
    #expect(simple.matches(String(repeating: "a", count: 120)) == false)
  }
}
