import Foundation
import MetadataCache
import Testing

/// Which tag patterns can match a tag at all ([A-Za-z0-9_][A-Za-z0-9._-]{0,127}): a
/// protection rule whose pattern matches none would protect nothing.
struct TagPatternTests {
  @Test(arguments: [
    "v*", "*", "latest", "release-[0-9]*", "*.x", "[!.]*", "_x", "?", "v1.?", "[[:digit:]]*",
    "*-rc", "[]a]", "\\v1", String(repeating: "a", count: 128),
    "*" + String(repeating: "a", count: 127),
  ])
  func aPatternThatSomeTagMatchesIsAccepted(_ pattern: String) throws {
    let tag = try #require(TagPattern.example(matching: pattern))
    // The example is a tag, and the pattern matches it.
    #expect(tag.wholeMatch(of: /[A-Za-z0-9_][A-Za-z0-9._-]{0,127}/) != nil, "\(tag)")
    #expect(fnmatch(pattern, tag, 0) == 0)
  }

  @Test(arguments: [
    ".*", "-x", "v1/*", "acr-helloworld@sha256:0a2e", "sha256:*", "[.-]", "[", "a[", "\\*",
    "", "[[:space:]]", "v 1", String(repeating: "a", count: 129),
    // A star that must supply the first character leaves room for 127 more only.
    "*." + String(repeating: "a", count: 127),
  ])
  func aPatternThatNoTagMatchesIsRefused(_ pattern: String) {
    #expect(TagPattern.example(matching: pattern) == nil)
  }
}
