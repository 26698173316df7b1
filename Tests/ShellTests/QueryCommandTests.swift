import Foundation
import TestSupport
import Testing

/// `regsh query` as DESIGN.md's command-line contract states it, run as a real process.
struct QueryCommandTests {
  static let manifests = """
    [{"digest": "sha256:aa", "tags": ["v1"], "timestamp": "2018-07-11T10:00:00Z"},
     {"digest": "sha256:bb", "tags": null, "timestamp": "2018-07-12T10:00:00Z"},
     {"digest": "sha256:cc", "tags": null, "timestamp": "2018-07-13T10:00:00Z"}]
    """

  @Test func filtersStandardInputAndIndentsByTwo() throws {
    let r = try RegshProcess.run(["query", "[?tags==null].digest"], stdin: Self.manifests)
    #expect(r.status == 0)
    #expect(r.stdout == "[\n  \"sha256:bb\",\n  \"sha256:cc\"\n]\n")
    #expect(r.stderr.isEmpty)
  }

  @Test func readsAFileAndPrintsCompactAndUnquoted() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "regsh-query-\(UUID()).json")
    try Data(Self.manifests.utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let compact = try RegshProcess.run(["query", "-f", file.path, "-c", "[?tags==null].digest"])
    #expect(compact.stdout == "[\"sha256:bb\",\"sha256:cc\"]\n")
    let unquoted = try RegshProcess.run(["query", "-f", file.path, "-u", "[0].digest"])
    #expect(unquoted.stdout == "sha256:aa\n")
    // -u only affects strings.
    let number = try RegshProcess.run(["query", "-f", file.path, "-u", "length(@)"])
    #expect(number.stdout == "3\n")
  }

  @Test func stringOrderingAndStrict() throws {
    let expression = "[?timestamp < '2018-07-12'].digest"
    let loose = try RegshProcess.run(["query", "-c", expression], stdin: Self.manifests)
    #expect(loose.stdout == "[\"sha256:aa\"]\n")
    let strict = try RegshProcess.run(
      ["query", "-c", "--strict", expression], stdin: Self.manifests)
    #expect(strict.stdout == "[]\n")
  }

  @Test func syntaxErrorExitsOneWithKindAndCaret() throws {
    let r = try RegshProcess.run(["query", "[?tags==]"], stdin: Self.manifests)
    #expect(r.status == 1)
    #expect(r.stdout.isEmpty)
    let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.first?.hasPrefix("error: syntax: ") == true)
    #expect(lines.count >= 3 && lines[1] == "[?tags==]" && lines[2] == "        ^", "\(r.stderr)")
  }

  @Test(arguments: [
    ("abs('x')", "invalid-type"), ("nope(@)", "unknown-function"),
    ("abs(`1`, `2`)", "invalid-arity"),
    ("[::0]", "invalid-value"), ("foo.", "syntax"),
  ])
  func expressionErrorsNameTheirKind(_ expression: String, _ kind: String) throws {
    let r = try RegshProcess.run(["query", expression], stdin: "{}")
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix("error: \(kind): "), "\(r.stderr)")
  }

  @Test(arguments: ["", "{", "[1,]", "{\"a\": tru}", "\u{FF}", "[1] 2"])
  func inputThatIsNotJSONExitsTwo(_ input: String) throws {
    let r = try RegshProcess.run(["query", "@"], stdin: input)
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("error: invalid-json: "), "\(r.stderr)")
    #expect(r.stderr.contains("line "))
  }

  @Test func missingFileIsAnInputError() throws {
    let r = try RegshProcess.run(["query", "-f", "/nonexistent/regsh.json", "@"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("/nonexistent/regsh.json"))
  }

  @Test func expressionErrorWinsOverBadInput() throws {
    // The expression is compiled before the input is read, as jp does.
    let r = try RegshProcess.run(["query", "foo["], stdin: "not json")
    #expect(r.status == 1)
  }

  @Test func deeplyNestedInputIsAnErrorNotACrash() throws {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    let r = try RegshProcess.run(["query", "@"], stdin: deep)
    #expect(r.status == 2)
    #expect(r.stderr.contains("nested deeper"))
    // One argument may hold at most 128 KiB on Linux; 60,000 levels is still far past the limit.
    let deepExpression =
      String(repeating: "(", count: 60_000) + "@" + String(repeating: ")", count: 60_000)
    let e = try RegshProcess.run(["query", deepExpression], stdin: "{}")
    #expect(e.status == 1)
  }
}
