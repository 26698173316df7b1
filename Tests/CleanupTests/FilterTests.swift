import Cleanup
import Testing

/// `--filter REPO_REGEX:TAG_REGEX` as acr reads it.
@Suite struct FilterTests {
  static let cases:
    [(filter: String, repository: String, tag: String, repositoryMatches: Bool, tagMatches: Bool)] =
      [
        // The repository part is wrapped as ^…$ with no group, as acr does: `a|b` is
        // "starts with a" or "ends with b".
        ("a|b:.*", "a", "x", true, true),
        ("a|b:.*", "abc", "x", true, true),
        ("a|b:.*", "cab", "x", true, true),
        ("a|b:.*", "c", "x", false, true),
        ("app:.*", "app2", "x", false, true),
        ("app:.*", "my/app", "x", false, true),
        // The tag part is searched anywhere: v1 also matches v10 and dev-v1-x.
        ("app:v1", "app", "v1", true, true),
        ("app:v1", "app", "v10", true, true),
        ("app:v1", "app", "dev-v1-x", true, true),
        ("app:v1", "app", "v2", true, false),
        ("app:^v1$", "app", "v10", true, false),
        // Lookahead and lookbehind work.
        ("app:v1(?!-a)", "app", "v1-b", true, true),
        ("app:v1(?!-a)", "app", "v1-a", true, false),
        ("app:(?<!-[a])v", "app", "x-av", true, false),
        ("app:(?<!-[a])v", "app", "x-bv", true, true),
      ]

  @Test(arguments: cases)
  func matching(
    _ text: String, _ repository: String, _ tag: String, _ repositoryMatches: Bool,
    _ tagMatches: Bool
  ) throws {
    let filter = try PurgeFilter(parsing: text)
    #expect(filter.matches(repository: repository) == repositoryMatches)
    #expect(filter.matches(tag: tag) == tagMatches)
  }

  /// The split is at the first `:` outside `(?…)` and `[…]`.
  static let splits: [(filter: String, repository: String, tag: String)] = [
    ("app:v1", "app", "v1"),
    ("team/app:.*", "team/app", ".*"),
    ("(?:a|b):v1", "(?:a|b)", "v1"),
    ("[:a]pp:x:y", "[:a]pp", "x:y"),
    ("app:(?<!:)v", "app", "(?<!:)v"),
  ]

  @Test(arguments: splits)
  func splitting(_ text: String, _ repository: String, _ tag: String) throws {
    let filter = try PurgeFilter(parsing: text)
    #expect(filter.repositoryPattern == repository)
    #expect(filter.tagPattern == tag)
  }

  static let refused: [(filter: String, message: String)] = [
    ("app", "unable to correctly parse filter flag"),
    (":v1", "missing repository name/expression"),
    ("app:", "missing tag name/expression"),
    ("app(:v1", "invalid regular expression"),
    ("app:v1(", "invalid regular expression"),
  ]

  @Test(arguments: refused)
  func refusedWithAcrsMessages(_ text: String, _ message: String) {
    #expect {
      try PurgeFilter(parsing: text)
    } throws: { error in
      "\(error)".contains(message)
    }
  }
}
