import Foundation
import JMESPath
import TestSupport
import Testing

@testable import Shell

/// The dialects and the registry functions as users meet them: `regsh query` run as a
/// process, and the shell's pipelines over the demo registry.
struct QueryLanguageTests {
  static let manifests = QueryCommandTests.manifests

  @Test func queryDialectFlagChoosesTheEdition() throws {
    let community = try RegshProcess.run(
      ["query", "-c", "--dialect", "community", "`null` | [@]"], stdin: "{}")
    #expect(community.stdout == "[null]\n", "\(community.stderr)")
    let standard = try RegshProcess.run(["query", "-c", "`null` | [@]"], stdin: "{}")
    #expect(standard.stdout == "null\n")
    let arithmetic = try RegshProcess.run(
      ["query", "length(@) * `2` - `1`"], stdin: Self.manifests)
    #expect(arithmetic.stdout == "5\n")
    let bad = try RegshProcess.run(["query", "--dialect", "jp", "@"], stdin: "{}")
    #expect(bad.status != 0 && bad.stderr.contains("--dialect"))
    let both = try RegshProcess.run(
      ["query", "--strict", "--dialect", "community", "@"], stdin: "{}")
    #expect(both.status != 0 && both.stderr.contains("cannot be combined"))
  }

  @Test func strictHasNoExtensions() throws {
    for expression in ["ago('1d')", "`1` + `2`", "let $x = @ in $x", "split('a', 'b')"] {
      let r = try RegshProcess.run(["query", "--strict", expression], stdin: "{}")
      #expect(r.status == 1, "\(expression): \(r.stdout)")
    }
  }

  @Test func agoFiltersByAgeWithAFixedClock() throws {
    let expression = "[?timestamp < ago('1d12h')].digest"
    let r = try RegshProcess.run(
      ["query", "-c", expression], stdin: Self.manifests,
      environment: ["REGSH_NOW": "2018-07-14T12:00:00Z"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "[\"sha256:aa\",\"sha256:bb\"]\n")
    let now = try RegshProcess.run(
      ["query", "now()"], stdin: "{}", environment: ["REGSH_NOW": "2018-07-14T14:00:00+02:00"])
    #expect(now.stdout == "\"2018-07-14T12:00:00.0000000Z\"\n")
  }

  @Test func aBadDurationIsInvalidValueWithTheCaret() throws {
    let r = try RegshProcess.run(["query", "[?timestamp < ago('15p')]"], stdin: Self.manifests)
    #expect(r.status == 1)
    #expect(
      r.stderr == """
        error: invalid-value: ago() expected a duration such as 30d, 1d12h, 90m or P30D: \
        unknown unit 'p' in '15p' (units: ns, us, ms, s, m, h, d)
        [?timestamp < ago('15p')]
                      ^

        """)
    let clock = try RegshProcess.run(
      ["query", "now()"], stdin: "{}", environment: ["REGSH_NOW": "tomorrow"])
    #expect(clock.status == 1 && clock.stderr.contains("REGSH_NOW='tomorrow'"), "\(clock.stderr)")
  }

  /// `manifests REPO | [?timestamp < ago(…)]` in the shell, over the demo registry.
  @Test func shellPipelinesCallTheRegistryFunctions() throws {
    let home = try TemporaryDirectory()
    var env = ["REGSH_HOME": home.url.path]
    #expect(try RegshProcess.run(["demo"], stdin: "", environment: env).status == 0)
    let line =
      "use myregistry; sync -o none; manifests acr-helloworld | [?timestamp < ago('30d')].digest | length(@)"
    env["REGSH_NOW"] = "9999-01-01T00:00:00Z"
    let future = try RegshProcess.run(["-c", line], environment: env)
    #expect(future.stdout == "4\n", "\(future.stderr)")
    env["REGSH_NOW"] = "1971-01-01T00:00:00Z"
    let past = try RegshProcess.run(["-c", line], environment: env)
    #expect(past.stdout == "0\n", "\(past.stderr)")
    let viaQuery = try RegshProcess.run(
      [
        "-c",
        "use myregistry; manifests acr-helloworld --query \"[?timestamp < ago('1d')] | length(@)\"",
      ],
      environment: env)
    #expect(viaQuery.stdout == "0\n", "\(viaQuery.stderr)")
  }

  /// A session reads REGSH_NOW from its own environment, not only the process's.
  @Test func aSessionsClockIsItsEnvironmentsREGSH_NOW() async throws {
    let session = Session(environment: [
      "REGSH_NOW": "2018-07-12T15:52:00Z", "REGSH_HOME": "/nonexistent",
    ])
    #expect(try session.compile("ago('1d')").evaluate(.null) == "2018-07-11T15:52:00.0000000Z")
  }

  @Test func theDialectIsASetting() throws {
    let r = try RegshProcess.run(
      [
        "-c",
        "`null` | [@] | type(@); set dialect community; `null` | [@] | type(@); set; set dialect strict; `1` + `2`",
      ])
    #expect(r.stdout == "\"null\"\n\"array\"\ndialect community\n", "\(r.stdout)")
    #expect(r.status == 1 && r.stderr.contains("error: syntax"), "\(r.stderr)")
    let fromEnvironment = try RegshProcess.run(
      ["-c", "set"], environment: ["REGSH_DIALECT": "strict"])
    #expect(fromEnvironment.stdout == "dialect strict\n")
  }

  @Test func helpFunctionsListsEveryFunctionWithItsSignature() throws {
    let r = try RegshProcess.run(["-c", "help functions"])
    #expect(r.status == 0)
    let table = Session.functionTable(.default)
    #expect(table.names.count >= 26 + 15 + 7)
    for function in table.all {
      let line = r.stdout.split(separator: "\n").first { $0.hasPrefix("  \(function.signature) ") }
      #expect(line != nil, "no line for \(function.signature)")
      #expect(!function.summary.isEmpty, "\(function.name) has no example")
    }
    // Every example is an expression that compiles: the text after the first ": ", up to
    // a " → " that gives its result.
    let session = Session(environment: ["REGSH_HOME": "/nonexistent"])
    for function in table.all {
      guard let colon = function.summary.range(of: ": ") else {
        Issue.record("\(function.name)'s summary has no example: \(function.summary)")
        continue
      }
      let example = String(function.summary[colon.upperBound...])
        .components(separatedBy: " → ")[0]
      #expect(throws: Never.self, "\(function.name): \(example)") {
        _ = try session.compile(example)
      }
    }
    #expect(r.stdout.contains("ago(string)"))
    #expect(r.stdout.contains("split(string, string[, number])"))
  }

  /// Completion in a later pipeline stage reads the shape of the command stage's documents
  /// from the real cache, before anything has run (`_` is empty here).
  @Test func laterStagesCompleteFieldsFromTheCache() throws {
    let home = try TemporaryDirectory()
    let env = ["REGSH_HOME": home.url.path]
    #expect(try RegshProcess.run(["demo"], stdin: "", environment: env).status == 0)
    #expect(
      try RegshProcess.run(["-c", "use myregistry; sync -o none"], environment: env).status == 0)
    let session = Session(environment: env)
    session.currentRegistry = "myregistry"
    let source = SessionCompletionSource(session: session)
    let detail = source.fields(producedBy: ["manifests", "acr-helloworld", "--detail"])
    #expect(detail.contains("layers") && detail.contains("imageSize"), "\(detail)")
    #expect(source.lastResultFields().isEmpty)
    let completer = Completer(source: source)
    #expect(
      completer.complete("manifests acr-helloworld | [?tags==null].dig").candidates == [".digest"])
    #expect(
      completer.complete("manifests acr-helloworld --detail | [?tags==null].config").candidates
        == [".configDigest"])
  }
}
