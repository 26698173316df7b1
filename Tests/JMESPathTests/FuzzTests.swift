import Foundation
import JMESPath
import SeededRandom
import Testing

/// Seeded random inputs for the expression parser, the interpreter and the JSON reader.
/// Nothing may crash; every failure must be a typed error. The default run is short; set
/// REGSH_FUZZ_ITERATIONS (scripts/fuzz does) for a long one, and REGSH_FUZZ_SEED to replay.
struct FuzzTests {
  static let iterations =
    Int(ProcessInfo.processInfo.environment["REGSH_FUZZ_ITERATIONS"] ?? "") ?? 20_000
  static let seed =
    UInt64(ProcessInfo.processInfo.environment["REGSH_FUZZ_SEED"] ?? "") ?? 0x5EED_2026

  static let fragments: [String] = [
    "foo", "bar", "tags", "digest", "a", "_x9", "\"quoted\"", "\"\\u00e9\"", "'raw'", "'\\''",
    "`null`",
    "`[1,2]`", "`{\"a\":1}`", "`\"s\"`", "`1.5`", ".", ".", "[", "]", "[?", "[]", "[*]", "*", "{",
    "}",
    "(", ")", ",", ":", "|", "||", "&&", "!", "@", "&", "==", "!=", "<", "<=", ">", ">=", "0", "-1",
    "2", "::", "length(", "sort_by(", "max_by(", "join(", "to_number(", "abs(", "merge(", "map(",
    "not_null(", "contains(", "sum(", "reverse(", "keys(", " ", "\t", "`", "'", "\"", "\\", "é",
    "😀",
    // JMESPath Community's syntax and functions.
    "+", "-", "−", "×", "÷", "/", "//", "%", "?", "=", "$", "$x", "let ", "let $x = ", " in ",
    "split(", "group_by(", "pad_left(", "find_first(", "zip(", "items(",
  ]

  static let documents: [JSON] = [
    .null, true, 1, 2.5, "string", [], [:],
    try! JSONReader.parse(
      #"{"foo": {"bar": [1, 2, {"tags": null}]}, "tags": ["a", "b"], "a": [[1, [2]], {"x": "y"}],"#
        + #" "digest": "sha256:aa", "_x9": [{"a": 3}, {"a": -1}], "quoted": "q", "é": 1}"#),
  ]

  @Test func randomExpressionsNeverCrash() {
    var random = SeededRandom(seed: Self.seed)
    var compiled = 0
    for _ in 0..<Self.iterations {
      var expression = ""
      for _ in 0..<(1 + random.below(12)) { expression += random.pick(Self.fragments) }
      compiled += Self.exercise(expression, &random) ? 1 : 0
    }
    // The generator must reach the interpreter, not only the error paths.
    #expect(
      compiled > Self.iterations / 50, "only \(compiled) of \(Self.iterations) expressions compiled"
    )
  }

  @Test func mutatedComplianceExpressionsNeverCrash() throws {
    let seeds = try Self.complianceExpressions()
    try #require(!seeds.isEmpty)
    var random = SeededRandom(seed: Self.seed ^ 0xC0FFEE)
    for _ in 0..<Self.iterations {
      var scalars = Array(random.pick(seeds).unicodeScalars)
      for _ in 0..<(1 + random.below(3)) {
        let position = scalars.isEmpty ? 0 : random.below(scalars.count + 1)
        switch random.below(3) {
        case 0 where position < scalars.count: scalars.remove(at: position)
        case 1: scalars.insert(contentsOf: random.pick(Self.fragments).unicodeScalars, at: position)
        default:
          if position < scalars.count {
            scalars[position] = random.pick(Array("[]{}().,|&!@*?:'`\"\\".unicodeScalars))
          }
        }
      }
      _ = Self.exercise(String(String.UnicodeScalarView(scalars)), &random)
    }
  }

  /// Compiles and evaluates; returns whether it compiled. Any error must be typed and a
  /// syntax error must point inside the expression.
  static func exercise(_ expression: String, _ random: inout SeededRandom) -> Bool {
    do {
      let compiled = try Expression(expression, dialect: random.pick(Dialect.allCases))
      for document in documents where random.below(3) == 0 || document == documents.last! {
        do {
          let result = try compiled.evaluate(document)
          _ = JSONWriter().bytes(result)
        } catch {
          #expect(error.kind != .syntax, "\(expression): syntax error at run time")
        }
      }
      return true
    } catch {
      if error.kind == .syntax {
        let length = expression.unicodeScalars.count
        #expect(
          (0...length).contains(error.position ?? -1),
          "\(expression): position \(String(describing: error.position))")
      }
      return false
    }
  }

  @Test func mutatedJSONNeverCrashesAndRoundTrips() {
    var random = SeededRandom(seed: Self.seed ^ 0xF00D)
    let samples =
      Self.documents.map { Array(JSONWriter().bytes($0)) } + [
        Array(#"{"a":"\u00e9\ud83d\ude00\n","b":[1e5,-0.5,{"c":null}],"d":true}"#.utf8)
      ]
    let alphabet =
      Array(#"{}[]",:0123456789-+.eEtrufalsn\ "#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]
    var accepted = 0
    for _ in 0..<Self.iterations {
      var bytes = random.pick(samples)
      for _ in 0..<(1 + random.below(4)) {
        let position = random.below(bytes.count + 1)
        switch random.below(4) {
        case 0 where position < bytes.count: bytes.remove(at: position)
        case 1: bytes.insert(random.pick(alphabet), at: position)
        case 2 where position < bytes.count: bytes[position] = random.pick(alphabet)
        default: bytes = Array(bytes.prefix(position))
        }
      }
      do throws(JSONSyntaxError) {
        let value = try JSONReader.parse(bytes)
        accepted += 1
        let again = try JSONReader.parse(JSONWriter(style: .compact).bytes(value))
        #expect(again == value, "round trip changed \(String(decoding: bytes, as: UTF8.self))")
      } catch {
        #expect(error.offset <= bytes.count)
        #expect(error.line >= 1 && error.column >= 1)
      }
    }
    #expect(accepted > 0)
  }

  static func complianceExpressions() throws -> [String] {
    var expressions: [String] = []
    for url in ComplianceTests.suiteFiles {
      guard case .array(let groups) = try JSONReader.parse([UInt8](try Data(contentsOf: url)))
      else { continue }
      for group in groups {
        for item in group["cases"].arrayValue ?? [] {
          if let e = item["expression"].stringValue { expressions.append(e) }
        }
      }
    }
    return expressions.isEmpty ? ["foo.bar", "[?a==`1`].b", "sort_by(@, &x)"] : expressions
  }
}
