import JMESPath
import Testing

/// The JSON value type, reader and writer.
struct JSONTests {
  @Test(arguments: [
    ("1", "1"), ("1.0", "1"), ("-0", "0"), ("1.5", "1.5"), ("1e3", "1000"), ("0.1", "0.1"),
    ("123456789012345678", "123456789012345678"), ("1e300", "1e+300"), ("2.5e-8", "2.5e-08"),
    (#""a\u00e9\ud83d\ude00\n""#, #""aé😀\n""#), (#"{"b":1,"a":2}"#, #"{"b":1,"a":2}"#),
    ("[ ]", "[]"), (" {} ", "{}"), (#""\u0001""#, #""\u0001""#),
    ("[true,false,null]", "[true,false,null]"),
  ])
  func roundTrips(_ input: String, _ compact: String) throws {
    let value = try JSONReader.parse(input)
    #expect(JSONWriter(style: .compact).string(value) == compact)
    #expect(try JSONReader.parse(JSONWriter().string(value)) == value)
  }

  @Test func prettyPrintsWithTwoSpacesAndKeepsKeyOrder() throws {
    let value = try JSONReader.parse(#"{"z":[1,{}],"a":[]}"#)
    #expect(JSONWriter().string(value) == "{\n  \"z\": [\n    1,\n    {}\n  ],\n  \"a\": []\n}")
  }

  @Test func floatsRoundTrip() throws {
    for d in [0.1, 1.0 / 3.0, 123.456e-7, Double.pi, 5e-324, 1.7976931348623157e308] {
      let text = JSONWriter(style: .compact).string(.double(d))
      #expect(try JSONReader.parse(text).numberValue == d, "\(d) → \(text)")
    }
  }

  @Test func numbersCompareByValueButBooleansAreNotNumbers() {
    #expect(JSON.int(1) == JSON.double(1.0))
    #expect(JSON.bool(true) != JSON.int(1))
    #expect(JSON.object(["a": 1, "b": 2]) == JSON.object(["b": 2, "a": 1]))
    #expect(JSON.array([1, 2]) != JSON.array([2, 1]))
  }

  static let invalid: [(String, Int, Int)] = [
    ("", 1, 1), ("{", 1, 2), ("[1,]", 1, 4), ("{\"a\" 1}", 1, 6), ("[1]\n x", 2, 2),
    ("tru", 1, 1), ("01", 1, 1), ("1.", 1, 3), ("-", 1, 2), ("\"abc", 1, 1), ("\"\\x\"", 1, 2),
    ("\"\\ud800\"", 1, 8), ("[1 2]", 1, 4), ("{\"a\":1,}", 1, 8), ("\"\u{1}\"", 1, 2),
    ("NaN", 1, 1),
  ]

  @Test(arguments: invalid)
  func invalidInputGivesLineAndColumn(_ input: String, _ line: Int, _ column: Int) {
    #expect {
      try JSONReader.parse(input)
    } throws: { error in
      let e = error as! JSONSyntaxError
      return e.line == line && e.column == column
    }
  }

  @Test func invalidUTF8IsAnError() {
    #expect(throws: JSONSyntaxError.self) { try JSONReader.parse([0x22, 0xFF, 0xFE, 0x22]) }
  }

  @Test func deepDocumentsAreErrorsNotCrashes() {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(throws: JSONSyntaxError.self) { try JSONReader.parse(deep) }
    let deepObjects =
      String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000)
    #expect(throws: JSONSyntaxError.self) { try JSONReader.parse(deepObjects) }
    let allowed =
      String(repeating: "[", count: JSONReader.maximumDepth)
      + String(repeating: "]", count: JSONReader.maximumDepth)
    #expect(throws: Never.self) { try JSONReader.parse(allowed) }
  }

  @Test func duplicateKeysKeepTheLastValue() throws {
    #expect(try JSONReader.parse(#"{"a":1,"b":2,"a":3}"#) == ["a": 3, "b": 2])
  }

  @Test func asciiOnlyEscapesNonASCII() throws {
    let value: JSON = .string("é😀")
    #expect(JSONWriter(style: .compact, asciiOnly: true).string(value) == #""\u00e9\ud83d\ude00""#)
  }

  /// Strings are scanned eight bytes at a time: a character to escape is found at every
  /// offset of a word, next to plain bytes and to bytes that only look close (space, DEL,
  /// `!`, `[`, `]`, non-ASCII).
  @Test func everyCharacterToEscapeIsFoundAtEveryOffset() {
    let escapes: [(Unicode.Scalar, String)] = [
      ("\u{0}", #"\u0000"#), ("\u{1}", #"\u0001"#), ("\u{1F}", #"\u001f"#), ("\n", #"\n"#),
      ("\t", #"\t"#), ("\"", #"\""#), ("\\", #"\\"#), (" ", " "), ("\u{7F}", "\u{7F}"),
      ("!", "!"), ("[", "["), ("]", "]"), ("é", "é"), ("#", "#"),
    ]
    for (character, escaped) in escapes {
      for offset in 0..<20 {
        let before = String(repeating: "a", count: offset)
        let after = String(repeating: "b", count: 19 - offset)
        let text = before + String(character) + after
        #expect(
          JSONWriter(style: .compact).string(.string(text)) == "\"\(before)\(escaped)\(after)\"",
          "\(character.escaped(asASCII: true)) at \(offset)")
      }
    }
  }
}
