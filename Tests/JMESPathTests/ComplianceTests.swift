import Foundation
import JMESPath
import Testing

/// The official JMESPath compliance suite (../shared/jmespath-compliance, or
/// $JMESPATH_COMPLIANCE_DIR): every case must pass, and the run prints `N passed, M failed`.
struct ComplianceTests {
  static let directory: URL = {
    if let path = ProcessInfo.processInfo.environment["JMESPATH_COMPLIANCE_DIR"], !path.isEmpty {
      return URL(fileURLWithPath: path)
    }
    // Tests/JMESPathTests/ComplianceTests.swift → the package root → its sibling shared/.
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("shared/jmespath-compliance")
  }()

  static var suiteFiles: [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { $0.hasSuffix(".json") }.sorted().map {
      directory.appendingPathComponent($0)
    }
  }

  struct Case {
    let file: String
    let expression: String
    let given: JSON
    let expected: Expected
    enum Expected {
      case result(JSON)
      case error(String)
      case bench
    }
  }

  static func loadCases(from files: [URL] = suiteFiles) throws -> [Case] {
    var cases: [Case] = []
    for url in files {
      let bytes = [UInt8](try Data(contentsOf: url))
      guard case .array(let groups) = try JSONReader.parse(bytes) else { continue }
      for group in groups {
        for item in group["cases"].arrayValue ?? [] {
          let expected: Case.Expected
          if let error = item["error"].stringValue {
            expected = .error(error)
          } else if item.objectValue?["result"] != nil {
            expected = .result(item["result"])
          } else {
            expected = .bench
          }
          cases.append(
            Case(
              file: url.lastPathComponent, expression: item["expression"].stringValue ?? "",
              given: group["given"], expected: expected))
        }
      }
    }
    return cases
  }

  /// nil when the case passes, else what went wrong.
  static func check(_ c: Case) -> String? {
    do {
      let result = try Expression(c.expression).evaluate(c.given)
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
    "every case of the official compliance suite passes",
    .enabled(
      if: !suiteFiles.isEmpty || ProcessInfo.processInfo.environment["CI"] != nil,
      "compliance suite not found; set JMESPATH_COMPLIANCE_DIR (never skipped in CI)"))
  func officialSuite() throws {
    try #require(!Self.suiteFiles.isEmpty, "no compliance files in \(Self.directory.path)")
    let cases = try Self.loadCases()
    var failed = 0
    for c in cases {
      if let problem = Self.check(c) {
        failed += 1
        Issue.record("\(c.file): \(c.expression): \(problem)")
      }
    }
    print(
      "JMESPath compliance (\(Self.directory.path)): \(cases.count - failed) passed, \(failed) failed"
    )
    #expect(cases.count >= 908)
    #expect(failed == 0)
  }
}
