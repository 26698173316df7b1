import JMESPath
import Testing

/// One or more cases for every rule of grammar/jmespath.abnf, evaluated against `document`.
struct GrammarTests {
  static let document: JSON = try! JSONReader.parse(
    """
    {"repository": "acr-helloworld",
     "manifests": [
       {"digest": "sha256:aa", "tags": ["v1"], "imageSize": 100, "arch": "amd64"},
       {"digest": "sha256:bb", "tags": null, "imageSize": 250, "arch": "arm64"},
       {"digest": "sha256:cc", "tags": ["latest", "v3"], "imageSize": 50, "arch": "amd64"}
     ],
     "nested": [[1, 2], [3, [4, 5]], 6],
     "map": {"a": {"n": 1}, "b": {"n": 2}, "c": {"x": 0}},
     "quoted key": {"with.dot": true},
     "t": true, "f": false, "zero": 0, "empty": "", "none": null
    }
    """)

  static let cases: [(String, String)] = [
    // identifier, quoted-string, sub-expression
    ("repository", #""acr-helloworld""#),
    (#""quoted key"."with.dot""#, "true"),
    ("map.a.n", "1"),
    ("map.missing.n", "null"),
    // index-expression, negative index, out of range
    ("manifests[0].digest", #""sha256:aa""#),
    ("manifests[-1].digest", #""sha256:cc""#),
    ("manifests[7]", "null"),
    // slice-expression
    ("nested[0:2]", "[[1,2],[3,[4,5]]]"),
    ("nested[::-1]", "[6,[3,[4,5]],[1,2]]"),
    ("manifests[1:].digest", #"["sha256:bb","sha256:cc"]"#),
    ("nested[-2:]", "[[3,[4,5]],6]"),
    // wildcard (list and object projections), flatten
    ("manifests[*].arch", #"["amd64","arm64","amd64"]"#),
    ("map.*.n", "[1,2]"),
    ("nested[]", "[1,2,3,[4,5],6]"),
    ("nested[][]", "[1,2,3,4,5,6]"),
    ("manifests[].tags[]", #"["v1","latest","v3"]"#),
    // filter projections and comparators
    ("manifests[?tags==null].digest", #"["sha256:bb"]"#),
    ("manifests[?tags[0]==null].digest", #"["sha256:bb"]"#),
    ("manifests[?!tags].digest", #"["sha256:bb"]"#),
    ("manifests[?imageSize > `90`].digest", #"["sha256:aa","sha256:bb"]"#),
    ("manifests[?imageSize <= `100`].digest", #"["sha256:aa","sha256:cc"]"#),
    ("manifests[?arch != 'amd64'].digest", #"["sha256:bb"]"#),
    ("manifests[?digest < 'sha256:b'].digest", #"["sha256:aa"]"#),
    ("manifests[?digest >= 'sha256:bb'].digest", #"["sha256:bb","sha256:cc"]"#),
    // or, and, not, paren
    ("none || repository", #""acr-helloworld""#),
    ("t && zero", "0"),
    ("f && repository", "false"),
    ("!empty", "true"),
    ("!(t && f)", "true"),
    // multi-select list and hash
    ("manifests[0].[digest, arch]", #"["sha256:aa","amd64"]"#),
    ("manifests[*].{d: digest, size: imageSize}[0]", #"{"d":"sha256:aa","size":100}"#),
    ("none.[a, b]", "null"),
    // pipe, current node
    ("manifests[*].digest | [0]", #""sha256:aa""#),
    ("manifests | length(@)", "3"),
    // literals: JSON and raw strings
    ("`[1, {\"a\": null}]`", #"[1,{"a":null}]"#),
    ("'it\\'s'", #""it's""#),
    ("'\\n'", #""\\n""#),
    // function-expression with expression-type
    ("sort_by(manifests, &imageSize)[*].digest", #"["sha256:cc","sha256:aa","sha256:bb"]"#),
    ("max_by(manifests, &imageSize).digest", #""sha256:bb""#),
  ]

  @Test(arguments: cases)
  func evaluates(_ expression: String, _ expected: String) throws {
    let result = try Expression(expression).evaluate(Self.document)
    #expect(result == (try JSONReader.parse(expected)), "\(expression) → \(result)")
  }

  static let syntaxErrors: [(String, Int)] = [
    ("foo.", 4),
    ("foo[?a=b]", 6),
    ("[?tags==]", 8),
    ("foo | | bar", 6),
    ("'unterminated", 0),
    ("`{bad json}`", 0),
    ("foo bar", 4),
    ("a.{b}", 4),
    ("\"quoted\"(x)", 8),
    ("#", 0),
  ]

  @Test(arguments: syntaxErrors)
  func syntaxErrorPointsAtTheFailingColumn(_ expression: String, _ column: Int) {
    #expect {
      try Expression(expression)
    } throws: { error in
      let e = error as! JMESPathError
      return e.kind == .syntax && e.position == column
    }
  }

  @Test func caretDiagramUnderlinesTheColumn() {
    do {
      _ = try Expression("[?tags==]")
      Issue.record("expected a syntax error")
    } catch {
      #expect(error.caretDiagram(for: "[?tags==]") == "[?tags==]\n        ^")
    }
  }

  @Test func stringOrderingIsOffInStrictMode() throws {
    let strict = try Expression("manifests[?digest < 'sha256:b'].digest", options: .strict)
    #expect(try strict.evaluate(Self.document) == [])
    #expect(try Expression("'a' < 'b'", options: .strict).evaluate(.null) == .null)
    #expect(try Expression("'a' < 'b'").evaluate(.null) == true)
  }

  @Test func stringsCompareByCodePointNotCanonicalEquivalence() throws {
    // "é" precomposed (U+00E9) and decomposed (e + U+0301) are equal to Swift, not to JMESPath.
    let doc: JSON = ["a": .string("\u{E9}"), "b": .string("e\u{301}")]
    #expect(try search("a == b", in: doc) == false)
    #expect(try search("length(b)", in: doc) == 2)
    #expect(try search("reverse(b)", in: doc) == .string("\u{301}e"))
    // U+FF5E sorts after U+1F600's first code unit in UTF-16 but before it by code point.
    #expect(
      try search("sort(@)", in: ["\u{1F600}", "\u{FF5E}", "z"]) == ["z", "\u{FF5E}", "\u{1F600}"])
  }

  @Test func deepExpressionsAreErrorsNotCrashes() {
    let nested =
      String(repeating: "(", count: 100_000) + "a" + String(repeating: ")", count: 100_000)
    let chain = Array(repeating: "@", count: 100_000).joined(separator: " | ")
    let nots = String(repeating: "!", count: 100_000) + "a"
    let brackets =
      String(repeating: "[", count: 100_000) + "a" + String(repeating: "]", count: 100_000)
    for expression in [nested, chain, nots, brackets] {
      #expect(throws: JMESPathError.self) { try Expression(expression) }
    }
  }

  @Test func compiledExpressionIsSharedAcrossThreads() async throws {
    let expression = try Expression("manifests[?imageSize > `60`].digest | length(@)")
    let results = await withTaskGroup(of: JSON.self) { group in
      for _ in 0..<64 {
        group.addTask { (try? expression.evaluate(Self.document)) ?? .null }
      }
      var all: [JSON] = []
      for await r in group { all.append(r) }
      return all
    }
    #expect(results.count == 64)
    #expect(results.allSatisfy { $0 == 2 })
  }
}
