import Foundation
import JMESPath
import SeededRandom
import Shell
import Testing

/// Seeded random lines for the command-language parser and the output renderer: nothing may
/// crash, every error carries a column inside the line. REGSH_FUZZ_ITERATIONS makes it longer.
struct CommandLanguageFuzzTests {
  static let iterations =
    Int(ProcessInfo.processInfo.environment["REGSH_FUZZ_ITERATIONS"] ?? "") ?? 20_000

  static let fragments: [String] = [
    "manifests", "az", "acr", "repository", "show-manifests", "delete", "sync", "tags", "use", " ",
    " ", "\t",
    "|", "||", ";", "'", "\"", "`", "\\", "[", "]", "{", "}", "(", ")", "?", "==", "null",
    "--query", "-o",
    "tsv", "[?tags==null].digest", "@", "&", "é", "😀", "\n", "$x", "'a b'", "\"q\\\"q\"", "`[1]`",
    ",", ":",
  ]

  @Test func randomLinesNeverCrashTheParser() {
    let language = CommandLanguage(commandNames: [
      "manifests", "az", "sync", "tags", "use", "delete",
    ])
    var random = SeededRandom(seed: 0xC0_11AB)
    var parsed = 0
    for _ in 0..<Self.iterations {
      var line = ""
      for _ in 0..<(1 + random.next() % 10) { line += random.pick(Self.fragments) }
      _ = language.needsContinuation(line)
      do {
        let pipelines = try language.parse(line)
        parsed += 1
        for pipeline in pipelines { #expect(!pipeline.stages.isEmpty, "\(line)") }
      } catch {
        #expect(
          (0...line.unicodeScalars.count).contains(error.column), "\(line): column \(error.column)")
        _ = error.caretDiagram(for: line)
      }
    }
    #expect(parsed > Self.iterations / 20, "only \(parsed) lines parsed")
  }

  @Test func everyFormatRendersArbitraryDocuments() throws {
    var random = SeededRandom(seed: 0xF0_4A7)
    let scalars: [JSON] = [
      .null, true, false, 0, -1, 2.5, "", "x", "tab\there", "\u{1B}[2J", "é😀", "None",
    ]
    func document(_ depth: Int) -> JSON {
      switch random.next() % (depth > 3 ? 1 : 4) {
      case 0: return random.pick(scalars)
      case 1: return .array((0..<random.next() % 4).map { _ in document(depth + 1) })
      default:
        var object = JSONObject()
        for _ in 0..<random.next() % 4 {
          object[random.pick(["id", "digest", "tags", "Type", "é", ""])] = document(depth + 1)
        }
        return .object(object)
      }
    }
    for _ in 0..<(Self.iterations / 10) {
      let value = document(0)
      for format in OutputFormat.allCases {
        for fromQuery in [false, true] {
          let text = OutputRenderer(format: format, color: false, fromQuery: fromQuery).render(
            value)
          #expect(
            !text.unicodeScalars.contains("\u{1B}"), "\(format) let an escape character through")
        }
      }
    }
  }
}
