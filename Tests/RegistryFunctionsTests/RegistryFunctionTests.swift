import Foundation
import JMESPath
import RegistryFunctions
import Testing

/// Every extension function through a real query, with the clock fixed at `now`.
struct RegistryFunctionTests {
  static let now = "2026-03-31T12:00:00.5000000Z"
  static let functions = RegistryFunctions.all(clock: .fixed(Instant(iso8601: now)!))

  static let manifests: JSON = try! JSONReader.parse(
    """
    [{"digest": "sha256:old", "tags": null, "timestamp": "2026-01-01T00:00:00.0000000Z"},
     {"digest": "sha256:mid", "tags": ["v1.9.0"], "timestamp": "2026-03-20T08:30:00.1234567Z"},
     {"digest": "sha256:new", "tags": ["v1.10.0", "latest"], "timestamp": "2026-03-31T11:00:00.0000000Z"}]
    """)

  static func run(_ expression: String, _ document: JSON = manifests, dialect: Dialect = .default)
    throws(JMESPathError) -> JSON
  {
    try Expression(expression, dialect: dialect, functions: functions).evaluate(document)
  }

  @Test(arguments: [
    ("now()", #""2026-03-31T12:00:00.5000000Z""#),
    ("ago('30d')", #""2026-03-01T12:00:00.5000000Z""#),
    ("ago('1d12h')", #""2026-03-30T00:00:00.5000000Z""#),
    ("ago('90m')", #""2026-03-31T10:30:00.5000000Z""#),
    ("ago('1.5h')", #""2026-03-31T10:30:00.5000000Z""#),
    ("ago('500ms')", #""2026-03-31T12:00:00.0000000Z""#),
    ("ago('0')", #""2026-03-31T12:00:00.5000000Z""#),
    ("ago('P30D')", #""2026-03-01T12:00:00.5000000Z""#),
    ("ago('PT12H')", #""2026-03-31T00:00:00.5000000Z""#),
    ("ago('P1W')", #""2026-03-24T12:00:00.5000000Z""#),
    // A calendar month before March 31 is the last day of February.
    ("ago('P1M')", #""2026-02-28T12:00:00.5000000Z""#),
    ("ago('P1Y1DT1M')", #""2025-03-30T11:59:00.5000000Z""#),
    ("to_epoch('1970-01-01T00:00:00Z')", "0"),
    ("to_epoch('2018-07-12T15:52:00Z')", "1531410720"),
    ("to_epoch('2018-07-12T17:52:00+02:00')", "1531410720"),
    ("to_epoch('2018-07-12T15:52:00.25Z')", "1531410720.25"),
    ("to_epoch('1969-12-31T23:59:59Z')", "-1"),
    ("to_epoch('2018-07-12')", "1531353600"),
    ("from_epoch(`1531410720`)", #""2018-07-12T15:52:00.0000000Z""#),
    ("from_epoch(`1531410720.25`)", #""2018-07-12T15:52:00.2500000Z""#),
    ("from_epoch(`-1`)", #""1969-12-31T23:59:59.0000000Z""#),
    ("from_epoch(to_epoch('2018-07-12T15:52:00.125Z'))", #""2018-07-12T15:52:00.1250000Z""#),
    (
      "semver('v1.2.3-rc.1+build.5')",
      #"{"major":1,"minor":2,"patch":3,"prerelease":"rc.1","build":"build.5"}"#
    ),
    ("semver('10.20.30')", #"{"major":10,"minor":20,"patch":30,"prerelease":null,"build":null}"#),
    ("semver('latest')", "null"), ("semver('1.2')", "null"), ("semver('01.2.3')", "null"),
    ("semver('1.2.3-')", "null"), ("semver('1.2.3-01')", "null"),
    ("semver_compare('1.10.0', '1.9.0')", "1"), ("semver_compare('v1.2.3', '1.2.3+b')", "0"),
    ("semver_compare('1.0.0-alpha', '1.0.0')", "-1"),
    ("semver_compare('1.0.0-alpha.1', '1.0.0-alpha.beta')", "-1"),
    ("semver_compare('1.0.0-beta.11', '1.0.0-beta.2')", "1"),
    ("semver_compare('1.0.0-rc.1', '1.0.0-rc.1.1')", "-1"),
    ("regex_test('team-a/web', '^team-a/')", "true"), ("regex_test('web', '^team-a/')", "false"),
    // In a raw string a lone backslash stays: the pattern is v[0-9]+\.[0-9]+
    ("regex_test('v1.2', 'v[0-9]+\\.[0-9]+')", "true"),
    ("regex_test('v1x2', 'v[0-9]+\\.[0-9]+')", "false"),
  ])
  func evaluates(_ expression: String, _ expected: String) throws {
    #expect(try Self.run(expression, .null) == (try JSONReader.parse(expected)))
  }

  /// The documents' own comparisons: string order is time order in the timestamps' format.
  @Test func filtersByAge() throws {
    #expect(try Self.run("[?timestamp < ago('30d')].digest") == ["sha256:old"])
    #expect(try Self.run("[?timestamp >= ago('P14D')].digest") == ["sha256:mid", "sha256:new"])
    #expect(
      try Self.run("[?to_epoch(timestamp) < to_epoch(ago('2h'))].digest") == [
        "sha256:old", "sha256:mid",
      ])
  }

  @Test func newestByVersion() throws {
    let newest = try Self.run(
      "[?tags].tags[] | [?semver(@)] | sort_by(@, &semver(@).minor) | [-1]")
    #expect(newest == "v1.10.0")
    #expect(
      try Self.run("[?tags].tags[] | [?semver(@) && semver_compare(@, '1.9.5') > `0`]")
        == ["v1.10.0"])
  }

  /// Bad arguments: JMESPath's error kinds, and a position for the caret.
  @Test(arguments: [
    ("ago('15p')", "invalid-value", "unknown unit 'p'"),
    ("ago('')", "invalid-value", "empty"),
    ("ago('30')", "invalid-value", "without a unit"),
    ("ago('d')", "invalid-value", "number"),
    ("ago('P')", "invalid-value", "no parts"),
    ("ago('P1X')", "invalid-value", "unknown unit 'X'"),
    ("ago('P0.5M')", "invalid-value", "whole"),
    ("ago('99999999999d')", "invalid-value", "too long"),
    ("ago('P99999999999999999999Y')", "invalid-value", "too long"),
    ("ago('P9999Y')", "invalid-value", "years 1–9999"),
    ("ago(`30`)", "invalid-type", "string"),
    ("ago()", "invalid-arity", "takes 1"),
    ("to_epoch('yesterday')", "invalid-value", "ISO 8601"),
    ("to_epoch('2018-02-30T00:00:00Z')", "invalid-value", "ISO 8601"),
    ("to_epoch('2018-07-12T25:00:00Z')", "invalid-value", "ISO 8601"),
    ("from_epoch('0')", "invalid-type", "number"),
    ("from_epoch(`1e300`)", "invalid-value", "years"),
    ("semver(`1`)", "invalid-type", "string"),
    ("semver_compare('1.0.0', 'latest')", "invalid-value", "argument 2"),
    ("regex_test('a', '(')", "invalid-value", "regular expression"),
    ("now(`1`)", "invalid-arity", "takes 0"),
  ])
  func rejects(_ expression: String, _ kind: String, _ words: String) {
    do {
      let result = try Self.run(expression, .null)
      Issue.record("\(expression) gave \(result)")
    } catch {
      #expect(error.kind.rawValue == kind, "\(expression): \(error)")
      #expect(error.message.contains(words), "\(expression): \(error.message)")
      #expect(error.position == 0, "\(expression): the caret goes under the function's name")
    }
  }

  /// Called per element (the argument is a field), the error still points at the call.
  @Test func runtimeErrorsPointAtTheCall() {
    do {
      _ = try Self.run("[*].ago(digest)")
      Issue.record("no error")
    } catch {
      #expect(error.kind == .invalidValue)
      #expect(error.position == 4)
      #expect(error.caretDiagram(for: "[*].ago(digest)") == "[*].ago(digest)\n    ^")
    }
  }

  /// A call with literal arguments is evaluated once, at compile time: the compiled
  /// expression holds its value, not a call.
  @Test func pureCallsWithLiteralArgumentsAreFoldedOnce() throws {
    let counter = Counter()
    let counting = FunctionDefinition(name: "count_calls", parameters: [[.string]], pure: true) {
      args in
      counter.increment()
      return args[0]
    }
    let expression = try Expression(
      "[?timestamp < count_calls('2026-03-01')].digest", functions: [counting])
    #expect(counter.value == 1)
    #expect(try expression.evaluate(Self.manifests) == ["sha256:old"])
    #expect(counter.value == 1)
    // With an argument from the document it is called per element.
    _ = try Expression("[*].count_calls(digest)", functions: [counting]).evaluate(Self.manifests)
    #expect(counter.value == 4)
  }

  @Test func hostFunctionsAreNotInTheStrictDialect() {
    #expect(throws: JMESPathError.self) { try Self.run("now()", .null, dialect: .strict) }
    #expect(throws: Never.self) { try Self.run("now()", .null, dialect: .community) }
  }

  @Test func hostFunctionsNeverReplaceBuiltIns() throws {
    let length = FunctionDefinition(name: "length", parameters: [[.any]]) { _ in 42 }
    #expect(try Expression("length('abc')", functions: [length]).evaluate(.null) == 3)
  }
}

final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var count = 0
  var value: Int { lock.withLock { count } }
  func increment() { lock.withLock { count += 1 } }
}
