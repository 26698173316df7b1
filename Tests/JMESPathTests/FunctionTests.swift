import JMESPath
import Testing

/// Every built-in function: results, and the argument checks declared in its signature.
struct FunctionTests {
  static let document: JSON = try! JSONReader.parse(
    """
    {"n": -3.5, "i": -7, "nums": [3, 1.5, 2], "strs": ["b", "a", "c"], "s": "registry",
     "o": {"x": 1, "y": "two"}, "p": {"y": 3, "z": 4}, "empty": [], "mixed": [1, "a"],
     "people": [{"name": "b", "age": 30}, {"name": "a", "age": 20}, {"name": "c", "age": 30}]}
    """)

  static let results: [(String, String)] = [
    ("abs(n)", "3.5"), ("abs(i)", "7"),
    ("avg(nums)", "2.1666666666666665"), ("avg(empty)", "null"),
    ("ceil(n)", "-3"), ("floor(n)", "-4"), ("ceil(`2`)", "2"),
    ("contains(strs, 'a')", "true"), ("contains(s, 'gist')", "true"), ("contains(s, 'x')", "false"),
    ("ends_with(s, 'try')", "true"), ("starts_with(s, 'reg')", "true"),
    ("starts_with(s, 'x')", "false"),
    ("join(', ', strs)", #""b, a, c""#), ("join('', empty)", #""""#),
    ("keys(o)", #"["x","y"]"#), ("values(o)", #"[1,"two"]"#),
    ("length(s)", "8"), ("length(nums)", "3"), ("length(o)", "2"), ("length('\u{2713}x')", "2"),
    ("map(&age, people)", "[30,20,30]"), ("map(&missing, people)", "[null,null,null]"),
    ("max(nums)", "3"), ("max(strs)", #""c""#), ("max(empty)", "null"),
    ("min(nums)", "1.5"), ("min(strs)", #""a""#),
    ("max_by(people, &age).name", #""b""#), ("min_by(people, &name).name", #""a""#),
    ("merge(o, p)", #"{"x":1,"y":3,"z":4}"#), ("merge(o)", #"{"x":1,"y":"two"}"#),
    ("not_null(missing, `null`, s)", #""registry""#), ("not_null(missing)", "null"),
    ("reverse(strs)", #"["c","a","b"]"#), ("reverse(s)", #""yrtsiger""#),
    ("sort(nums)", "[1.5,2,3]"), ("sort(strs)", #"["a","b","c"]"#),
    ("sort_by(people, &age)[*].name", #"["a","b","c"]"#),
    ("sum(nums)", "6.5"), ("sum(empty)", "0"), ("sum(`[1, 2]`)", "3"),
    ("to_array(s)", #"["registry"]"#), ("to_array(nums)", "[3,1.5,2]"),
    ("to_number('12')", "12"), ("to_number('1.5e1')", "15"), ("to_number('abc')", "null"),
    ("to_number(`true`)", "null"), ("to_number(i)", "-7"),
    ("to_string(o)", #""{\"x\":1,\"y\":\"two\"}""#), ("to_string(s)", #""registry""#),
    ("type(s)", #""string""#), ("type(nums)", #""array""#), ("type(`null`)", #""null""#),
    ("type(o)", #""object""#), ("type(`true`)", #""boolean""#), ("type(n)", #""number""#),
  ]

  @Test(arguments: results)
  func returns(_ expression: String, _ expected: String) throws {
    let result = try Expression(expression).evaluate(Self.document)
    #expect(result == (try JSONReader.parse(expected)), "\(expression) → \(result)")
  }

  static let errors: [(String, JMESPathError.Kind)] = [
    ("abs(s)", .invalidType), ("abs()", .invalidArity), ("abs(n, n)", .invalidArity),
    ("avg(mixed)", .invalidType), ("sum(strs)", .invalidType), ("max(mixed)", .invalidType),
    ("join(', ', nums)", .invalidType), ("keys(s)", .invalidType), ("length(`1`)", .invalidType),
    ("map(people, &age)", .invalidType), ("sort_by(people, &o)", .invalidType),
    ("sort_by(`[{\"a\": 1}, {\"a\": \"x\"}]`, &a)", .invalidType),
    ("merge()", .invalidArity), ("not_null()", .invalidArity), ("sort(mixed)", .invalidType),
    ("to_upper(s)", .unknownFunction), ("starts_with(s)", .invalidArity),
    ("type(&s)", .invalidType),
  ]

  @Test(arguments: errors)
  func rejects(_ expression: String, _ kind: JMESPathError.Kind) {
    #expect {
      try Expression(expression).evaluate(Self.document)
    } throws: { error in
      (error as? JMESPathError)?.kind == kind
    }
  }

  @Test func typeErrorSaysWhatWasExpectedAndFound() {
    do {
      _ = try Expression("abs(s)").evaluate(Self.document)
      Issue.record("expected an error")
    } catch {
      #expect(error.message.contains("expected argument 1 to be number"))
      #expect(error.message.contains("received string"))
    }
  }

  @Test func unknownFunctionSuggestsTheNearestName() {
    #expect {
      try Expression("lenght(s)")
    } throws: { error in
      (error as? JMESPathError)?.message.contains("did you mean length()") == true
    }
  }

  @Test func sortIsStable() throws {
    let people = try Expression("sort_by(people, &age)[*].name").evaluate(Self.document)
    #expect(people == ["a", "b", "c"])
    let byAgeDesc = try Expression("reverse(sort_by(people, &age))[*].name").evaluate(Self.document)
    #expect(byAgeDesc == ["c", "b", "a"])
  }

  @Test func integerSumOverflowContinuesInDouble() throws {
    let result = try search("sum(@)", in: [.int(Int.max), .int(1)])
    #expect(result == .double(Double(Int.max) + 1))
  }
}
