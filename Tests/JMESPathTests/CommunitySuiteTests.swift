import Foundation
import JMESPath
import Testing

/// JMESPath Community's compliance suite (jmespath-community/jmespath.test, tests/*.json),
/// read from $JMESPATH_COMMUNITY_SUITE_DIR. The suite carries no license, so it is not in
/// this repository and the test is skipped (saying so) without it; CommunitySpecTests and
/// the differential fuzz against jmespath-community are what CI always runs. In
/// `--dialect community`, every case passes except `Self.excluded`.
struct CommunitySuiteTests {
  static let directory: URL? = ProcessInfo.processInfo.environment["JMESPATH_COMMUNITY_SUITE_DIR"]
    .flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }

  static var suiteFiles: [URL] {
    guard let directory else { return [] }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { $0.hasSuffix(".json") }.sorted().map {
      directory.appendingPathComponent($0)
    }
  }

  /// file: expression → why the case is not run. Each contradicts the specification's text.
  static let excluded: [String: String] = [:]

  static func check(_ c: ComplianceTests.Case) -> String? {
    do {
      let result = try Expression(c.expression, dialect: .community).evaluate(c.given)
      switch c.expected {
      case .result(let expected):
        return result == expected ? nil : "expected \(expected), got \(result)"
      case .error(let kind):
        return "expected error \(kind), got result \(result)"
      case .bench:
        return nil
      }
    } catch {
      if case .error(let kind) = c.expected, kind == error.kind.rawValue { return nil }
      return "unexpected error \(error)"
    }
  }

  @Test(
    "the community suite passes in the community dialect",
    .enabled(
      if: !suiteFiles.isEmpty,
      "JMESPath Community's suite not found: set JMESPATH_COMMUNITY_SUITE_DIR to its tests/"))
  func communitySuite() throws {
    try #require(
      !Self.suiteFiles.isEmpty, "no community suite files (JMESPATH_COMMUNITY_SUITE_DIR)")
    let cases = try ComplianceTests.loadCases(from: Self.suiteFiles)
    var failed = 0
    var skipped = 0
    for c in cases {
      if Self.excluded["\(c.file): \(c.expression)"] != nil {
        skipped += 1
        continue
      }
      if let problem = Self.check(c) {
        failed += 1
        Issue.record("\(c.file): \(c.expression): \(problem)")
      }
    }
    print(
      "JMESPath Community suite: \(cases.count - failed - skipped) passed, \(failed) failed, \(skipped) excluded"
    )
    #expect(cases.count >= 1_000)
    #expect(failed == 0)
  }
}
