import JMESPath
import Testing

/// JMESPath Community's additions, case by case from its specification's text (JEP-11a let,
/// JEP-13/14/18 functions, JEP-15 string slices, JEP-16 arithmetic, JEP-17 root, JEP-19
/// pipes, JEP-21 ternary), and how the three dialects differ.
struct CommunitySpecTests {
  static let document: JSON = try! JSONReader.parse(
    """
    {"a": {"b": 1}, "c": {"d": 2}, "n": 10, "m": 3, "f": 2.5, "s": "subject string",
     "first_choice": "WA",
     "states": [{"name": "WA", "cities": ["Seattle", "Olympia"]},
                {"name": "NY", "cities": ["Albany"]}],
     "items": [{"repo": "x", "tag": "v1"}, {"repo": "y", "tag": "v2"}, {"repo": "x", "tag": "v3"},
               {"tag": "untagged"}],
     "foo": [[0, 1], [2, 3], [4, 5]], "t": true, "e": ""}
    """)

  /// Expression → result (as JSON text), in the community dialect.
  static let community: [(String, String)] = [
    // arithmetic: precedence, associativity, unary, Unicode operators, int/float
    ("a.b + c.d", "3"), ("n - m", "7"), ("n * m", "30"), ("n / `4`", "2.5"), ("n % m", "1"),
    ("n // m", "3"), ("n − m − `1`", "6"), ("n × m", "30"), ("n ÷ `4`", "2.5"),
    ("a.b + c.d × c.d", "5"), ("(a.b + c.d) × c.d", "6"), ("-n + +m", "-7"), ("-`1` - +`2`", "-3"),
    ("`-7` // `2`", "-4"), ("`-7` % `2`", "1"), ("`7` % `-2`", "-1"), ("f * `2`", "5"),
    ("n > m + `5`", "true"), ("{ab: a.b, cd: c.d} | ab + cd", "3"),
    // let: bindings, shadowing, scope ends with the let, bindings see the outer scope
    ("let $x = n in $x", "10"), ("let $x = n, $y = m in [$x, $y]", "[10,3]"),
    ("let $x = 'outer' in [let $x = 'inner' in $x, $x]", #"["inner","outer"]"#),
    ("let $a = 'top' in let $a = 'in', $b = $a in $b", #""top""#),
    ("let $foo = foo[*] in $foo[0]", "[0,1]"),
    (
      "states[*].[let $s = name in cities[*].[@, $s]][][]",
      #"[["Seattle","WA"],["Olympia","WA"],["Albany","NY"]]"#
    ),
    ("let", "null"), ("{let: n}.let", "10"),  // without a $variable, `let` is a field name
    // $: the root, from inside a projection and a filter
    ("states[?name == $.first_choice].cities[]", #"["Seattle","Olympia"]"#),
    ("states[*].[name, $.n]", #"[["WA",10],["NY",10]]"#),
    // ternary: falsy values, nesting to the right, precedence around || && and |
    ("t ? 'yes' : 'no'", #""yes""#), ("e ? 'yes' : 'no'", #""no""#),
    ("`[]` ? 'yes' : 'no'", #""no""#), ("`0` ? 'yes' : 'no'", #""yes""#),
    ("`false` ? 'a' : t ? 'b' : 'c'", #""b""#), ("t || `false` ? 'a' : 'b'", #""a""#),
    ("`false` ? n | m : m", "3"), ("t ? n : m | [@]", "[10]"),
    // string slices
    ("s[0:7]", #""subject""#), ("s[::-1]", #""gnirts tcejbus""#), ("'foo'[1:]", #""oo""#),
    ("s[:3].length(@)", "3"),
    // pipes evaluate null's right side; sub-expressions stop at null (JEP-19)
    ("`null` | [@]", "[null]"), ("`null` | {v: @}", #"{"v":null}"#), ("missing.[@]", "null"),
    // raw strings: \\ is one backslash
    (#"'\\'"#, #""\\""#),
    // functions
    ("items(a)", #"[["b",1]]"#), ("from_items(items(c))", #"{"d":2}"#),
    ("zip(`[1, 2, 3]`, `[\"a\", \"b\"]`)", #"[[1,"a"],[2,"b"]]"#),
    (
      "group_by(items, &repo)",
      #"{"x":[{"repo":"x","tag":"v1"},{"repo":"x","tag":"v3"}],"y":[{"repo":"y","tag":"v2"}]}"#
    ),
    ("find_first(s, 'string')", "8"), ("find_first(s, 's', `1`)", "8"),
    ("find_last(s, 's')", "8"), ("find_first(s, 'nope')", "null"), ("find_first(s, '')", "null"),
    ("lower('ÉCOLE')", #""école""#), ("upper(s)", #""SUBJECT STRING""#),
    ("pad_left('7', `3`, '0')", #""007""#), ("pad_right('ab', `4`)", #""ab  ""#),
    ("pad_left(s, `3`)", #""subject string""#),
    ("replace('aabaa', 'aa', '-')", #""-b-""#), ("replace('aabaa', 'aa', '-', `1`)", #""-baa""#),
    ("split('a/b/c', '/')", #"["a","b","c"]"#), ("split('a/b/c', '/', `1`)", #"["a","b/c"]"#),
    ("split('abc', '')", #"["a","b","c"]"#), ("split('a/b', '/', `0`)", #"["a/b"]"#),
    ("trim('  x  ')", #""x""#), ("trim_left('vv1.0', 'v')", #""1.0""#),
    ("trim_right('a//', '/')", #""a""#), ("trim('xyx', 'x')", #""y""#),
  ]

  /// Expression → error kind, in the community dialect.
  static let communityErrors: [(String, String)] = [
    ("$undefined", "undefined-variable"),
    ("[let $x = n in $x, $x]", "undefined-variable"),
    ("foo.$x", "syntax"), ("let $x = n", "syntax"), ("let $x n", "syntax"),
    ("n / `0`", "not-a-number"), ("n // `0`", "not-a-number"), ("n % `0`", "not-a-number"),
    ("n + s", "invalid-type"), ("-s", "invalid-type"), ("+e", "invalid-type"),
    ("t ? n", "syntax"), ("t ? n :", "syntax"),
    ("group_by(items, &tag == 'v1')", "invalid-type"), ("group_by(a, &b)", "invalid-type"),
    ("pad_left(s, `1.5`)", "invalid-value"), ("pad_left(s, `-1`)", "invalid-value"),
    ("pad_left(s, `20`, '--')", "invalid-value"), ("pad_right(s, `1e15`)", "invalid-value"),
    ("split(s, ' ', `-1`)", "invalid-value"),
    ("replace(s, 's', 'S', `0.5`)", "invalid-value"),
    ("find_first(s, 's', `1.5`)", "invalid-value"),
    ("find_first(s)", "invalid-arity"), ("trim(s, 'a', 'b')", "invalid-arity"),
    ("from_items(`[[1, 2]]`)", "invalid-type"), ("items(foo)", "invalid-type"),
    ("zip(s)", "invalid-type"), ("lower(n)", "invalid-type"),
  ]

  static func json(_ text: String) -> JSON { try! JSONReader.parse(text) }

  @Test(arguments: community)
  func communityResults(_ expression: String, _ expected: String) throws {
    #expect(
      try Expression(expression, dialect: .community).evaluate(Self.document) == Self.json(expected)
    )
  }

  @Test(arguments: communityErrors)
  func communityErrorKinds(_ expression: String, _ kind: String) {
    #expect {
      _ = try Expression(expression, dialect: .community).evaluate(Self.document)
    } throws: { ($0 as? JMESPathError)?.kind.rawValue == kind }
  }

  /// Where the editions disagree, the default dialect gives jmespath.py's result.
  @Test(arguments: [
    (#"'\\'"#, #""\\\\""#), ("`null` | [@]", "null"), ("`null` | {v: @}", "null"),
    ("missing.to_string(@)", #""null""#), ("s[0:7]", "null"),
    ("foo[0][0:1].to_string(@)", #""[0]""#),
  ])
  func defaultDialectFollowsJMESPathPy(_ expression: String, _ expected: String) throws {
    #expect(try Expression(expression).evaluate(Self.document) == Self.json(expected))
  }

  /// The same expressions in the community dialect, for contrast.
  @Test func communityDialectDiffersThere() throws {
    #expect(
      try Expression("missing.to_string(@)", dialect: .community).evaluate(Self.document) == .null)
    #expect(
      try Expression("foo[0][0:1].to_string(@)", dialect: .community).evaluate(Self.document)
        == ["0"])
  }

  /// The additions only give meaning to what standard JMESPath rejects, and strict keeps
  /// rejecting it.
  @Test(arguments: [
    "n + m", "-n", "let $x = n in $x", "$", "$.n", "t ? n : m", "split(s, ' ')", "n × m",
  ])
  func additionsWorkInDefaultButNotStrict(_ expression: String) throws {
    _ = try Expression(expression).evaluate(Self.document)
    _ = try Expression(expression, dialect: .community).evaluate(Self.document)
    #expect(throws: JMESPathError.self) { try Expression(expression, dialect: .strict) }
  }

  @Test func anUnboundVariableIsReportedWhereItIsWritten() {
    do {
      _ = try Expression("[let $x = n in $x, $x]", dialect: .community).evaluate(Self.document)
      Issue.record("no error")
    } catch {
      #expect(error.kind == .undefinedVariable)
      #expect(
        error.caretDiagram(for: "[let $x = n in $x, $x]")
          == "[let $x = n in $x, $x]\n                   ^")
    }
  }

  @Test func strictDialectHasNoStringOrdering() throws {
    #expect(try Expression("'a' < 'b'", dialect: .strict).evaluate(.null) == .null)
    #expect(try Expression("'a' < 'b'").evaluate(.null) == true)
  }
}
