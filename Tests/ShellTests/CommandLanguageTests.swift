import JMESPath
import Testing

@testable import Shell

/// The command language of `grammar/regsh.ebnf`: what a line parses into, and where its
/// errors point.
struct CommandLanguageTests {
  static let language = CommandLanguage(commandNames: [
    "az", "sync", "repositories", "tags", "manifests", "delete", "untag", "export", "restore",
    "help", "use", "registry", "login", "logout", "history", "exit", "protect", "audit",
  ])

  static func command(_ name: String, _ arguments: String...) -> Stage {
    .command(name: name, arguments: arguments)
  }

  static func expression(_ source: String) -> Stage { .expression(source) }

  /// A line and the stages of each of its pipelines.
  struct Case: Sendable, CustomTestStringConvertible {
    let line: String
    let pipelines: [[Stage]]
    init(_ line: String, _ pipelines: [Stage]...) {
      self.line = line
      self.pipelines = pipelines
    }
    var testDescription: String { line.debugDescription }
  }

  static let cases: [Case] = [
    // The cleanup workflow, in one pipeline.
    Case(
      "manifests acr-helloworld | [?tags==null].digest | delete --yes",
      [
        command("manifests", "acr-helloworld"), expression("[?tags==null].digest"),
        command("delete", "--yes"),
      ]),
    // An az command line, quoted as a shell script would quote it.
    Case(
      #"az acr repository show-manifests -n reg --repository "my repo" --query "[?tags==null].digest" -o tsv"#,
      [
        command(
          "az", "acr", "repository", "show-manifests", "-n", "reg", "--repository", "my repo",
          "--query", "[?tags==null].digest", "-o", "tsv")
      ]),
    // `||` is JMESPath's or, never a pipe.
    Case("a || b", [expression("a || b")]),
    Case("tags || `[]`", [command("tags", "||", "`[]`")]),
    Case("[?a || b] | [0]", [expression("[?a || b] | [0]")]),
    // A `|` inside quotes or brackets is part of the expression.
    Case("[?a=='x|y'].b", [expression("[?a=='x|y'].b")]),
    Case(#"[?"weird|name"=='v'] | length(@)"#, [expression(#"[?"weird|name"=='v'] | length(@)"#)]),
    Case("[?a==`\"x|y\"`]", [expression("[?a==`\"x|y\"`]")]),
    Case("{a: b || c, d: (e | f)}", [expression("{a: b || c, d: (e | f)}")]),
    // Consecutive expression stages are one expression, kept exactly as written.
    Case("sort_by(@, &timestamp) | [0]", [expression("sort_by(@, &timestamp) | [0]")]),
    Case("  [*].digest|[0]  ", [expression("[*].digest|[0]")]),
    Case(
      "manifests r | sort_by(@, &timestamp) | [-1].digest | delete",
      [
        command("manifests", "r"), expression("sort_by(@, &timestamp) | [-1].digest"),
        command("delete"),
      ]),
    // JMESPath's own quoting is left for JMESPath.
    Case(#"[?name=='it\'s'].tags"#, [expression(#"[?name=='it\'s'].tags"#)]),
    Case(#""my field" | [0]"#, [expression(#""my field" | [0]"#)]),
    // Quotes and escapes in commands, as a shell removes them.
    Case(#"tags 'a b' "c d" e\ f"#, [command("tags", "a b", "c d", "e f")]),
    Case(#"tags 'it''s' "say \"hi\"" \'"#, [command("tags", "its", #"say "hi""#, "'")]),
    Case(
      #"tags "a\\b" "\$x" "\n" 'back\slash'"#,
      [command("tags", #"a\b"#, "$x", #"\n"#, #"back\slash"#)]),
    Case(#"tags '' """#, [command("tags", "", "")]),
    Case("tags 'a|b' \"c;d\" e\\|f", [command("tags", "a|b", "c;d", "e|f")]),
    Case("tags a\\\nb", [command("tags", "ab")]),
    Case("tags a \\\n b \\\n", [command("tags", "a", "b")]),
    // Unquoted brackets and backticks in an argument are kept as JMESPath text.
    Case(
      "manifests r --query [?tags==null].digest -o tsv",
      [command("manifests", "r", "--query", "[?tags==null].digest", "-o", "tsv")]),
    Case(
      "manifests r --query [?name=='a b' || x] | delete",
      [command("manifests", "r", "--query", "[?name=='a b' || x]"), command("delete")]),
    // A command name only counts as the first word, written bare.
    Case("tags[0]", [expression("tags[0]")]),
    Case("tags.name", [expression("tags.name")]),
    Case("@.tags", [expression("@.tags")]),
    Case(#""tags""#, [expression(#""tags""#)]),
    Case("history|[0]", [command("history"), expression("[0]")]),
    Case("exit", [command("exit")]),
    // `;` separates pipelines; empty ones are dropped.
    Case(
      "use myregistry; manifests r | [0]; exit",
      [command("use", "myregistry")], [command("manifests", "r"), expression("[0]")],
      [command("exit")]),
    Case(";; tags r ;;", [command("tags", "r")]),
    Case("[0]; [1]", [expression("[0]")], [expression("[1]")]),
    Case("tags ';' x", [command("tags", ";", "x")]),
    Case("", ),
    Case("   ;  ", ),
    // Multi-line input, as the REPL joins continued lines.
    Case(
      "[?tags==null\n].digest\n| delete", [expression("[?tags==null\n].digest"), command("delete")]),
  ]

  @Test(arguments: cases)
  func parses(_ c: Case) throws {
    let pipelines = try Self.language.parse(c.line)
    #expect(pipelines.map(\.stages) == c.pipelines)
    // What the parser hands on as an expression is JMESPath the engine compiles.
    for case .expression(let source) in pipelines.flatMap(\.stages) {
      #expect(throws: Never.self) { try Expression(source) }
    }
  }

  /// Any word survives quoting the way a script quotes it for sh: in single quotes (a
  /// quote written `'\''`) or in double quotes (`"`, `\`, `$` and backtick escaped).
  @Test(arguments: [
    "", "a b", "it's", #"say "hi""#, "x|y", "a;b", "a||b", "[?a", "`x", #"\"#, "$HOME", "tab\there",
    "new\nline", "é 日本", "}])",
  ])
  func quotedWordsComeBackAsTheyWere(_ word: String) throws {
    var single = "'"
    var double = "\""
    for character in word {
      single += character == "'" ? #"'\''"# : String(character)
      double += "\"\\$`".contains(character) ? "\\" + String(character) : String(character)
    }
    single += "'"
    double += "\""
    for quoted in [single, double] {
      let pipelines = try Self.language.parse("tags \(quoted) \(quoted)")
      #expect(pipelines.map(\.stages) == [[Self.command("tags", word, word)]], "\(quoted)")
    }
  }

  @Test func aBareExpressionQueriesThePreviousResult() throws {
    let pipelines = try Self.language.parse("manifests r; [?tags==null].digest | delete")
    #expect(pipelines.map(\.queriesPreviousResult) == [false, true])
  }

  @Test func stageColumnsPointIntoTheLine() throws {
    let line = "manifests r | [?tags==null] | [0].digest | delete --yes"
    let pipeline = try #require(try Self.language.parse(line).first)
    #expect(pipeline.stageColumns == [0, 14, 43])
    // A JMESPath error position inside the expression plus its column is the line's column.
    #expect(Array(line.unicodeScalars)[14 + 1] == "?")
  }

  /// A line that does not parse, and where the caret goes (0-based, Unicode scalars).
  struct ErrorCase: Sendable, CustomTestStringConvertible {
    let line: String
    let kind: CommandLanguageError.Kind
    let column: Int
    init(_ line: String, _ kind: CommandLanguageError.Kind, _ column: Int) {
      self.line = line
      self.kind = kind
      self.column = column
    }
    var testDescription: String { line.debugDescription }
  }

  static let errorCases: [ErrorCase] = [
    ErrorCase("a || | b", .emptyStage, 5),
    ErrorCase("a ||", .emptyStage, 4),
    ErrorCase("| a", .emptyStage, 0),
    ErrorCase("a |", .emptyStage, 2),
    ErrorCase("a |  ; b", .emptyStage, 2),
    ErrorCase("a | | b", .emptyStage, 4),
    ErrorCase("tags r |", .emptyStage, 7),
    ErrorCase("[?a=='x]", .unclosedQuote, 5),
    ErrorCase("[?a==`x]", .unclosedQuote, 5),
    ErrorCase(#"tags "my repo"#, .unclosedQuote, 5),
    ErrorCase("tags it's", .unclosedQuote, 7),
    ErrorCase(#"tags "a\"#, .unclosedQuote, 5),
    ErrorCase("[?a==b", .unclosedBracket, 0),
    ErrorCase("foo(bar, [1, 2)", .mismatchedBracket, 14),
    ErrorCase("sort_by(@, &x", .unclosedBracket, 7),
    ErrorCase("{a: [b}", .mismatchedBracket, 6),
    ErrorCase("manifests r --query [?a", .unclosedBracket, 20),
    ErrorCase("tags r\\", .trailingBackslash, 6),
    ErrorCase("tags é 'x", .unclosedQuote, 7),
  ]

  @Test(arguments: errorCases)
  func reportsErrorsWithTheirColumn(_ c: ErrorCase) {
    #expect {
      try Self.language.parse(c.line)
    } throws: { error in
      guard let error = error as? CommandLanguageError else { return false }
      return error.kind == c.kind && error.column == c.column
    }
  }

  @Test func caretDiagramPointsAtTheColumn() throws {
    let line = "manifests r | [?tags==null"
    let error = try #require(throws: CommandLanguageError.self) { try Self.language.parse(line) }
    #expect(error.caretDiagram(for: line) == line + "\n" + String(repeating: " ", count: 14) + "^")
    let twoLines = "manifests r |\n sort_by(@, &x"
    let second = try #require(throws: CommandLanguageError.self) {
      try Self.language.parse(twoLines)
    }
    #expect(second.caretDiagram(for: twoLines) == " sort_by(@, &x\n        ^")
  }

  static let continuationCases: [(String, Bool)] = [
    ("manifests r", false),
    ("[?tags==null", true),
    ("[?name=='a", true),
    ("tags \"my repo", true),
    ("tags it's", true),
    (#"[?name=='it\'s'"#, true),
    (#"[?name=='it\'s']"#, false),
    ("sort_by(@, &timestamp", true),
    ("{a: [b, `[`]", true),
    ("manifests r |", true),
    ("manifests r | ", true),
    ("tags r \\", true),
    ("[?a]]", false),  // a stray closer is JMESPath's to report
    ("foo(bar]", false),  // mismatched: more lines cannot fix it
    ("| a", false),
    ("a || | b", false),
    ("", false),
  ]

  @Test(arguments: continuationCases)
  func knowsWhenALineContinues(_ text: String, _ continues: Bool) {
    #expect(Self.language.needsContinuation(text) == continues)
  }

  @Test func aContinuedLineParsesWhole() throws {
    var text = "manifests r |"
    #expect(Self.language.needsContinuation(text))
    text += "\n[?tags==null"
    #expect(Self.language.needsContinuation(text))
    text += "\n].digest"
    #expect(!Self.language.needsContinuation(text))
    #expect(
      try Self.language.parse(text).map(\.stages) == [
        [Self.command("manifests", "r"), Self.expression("[?tags==null\n].digest")]
      ])
  }
}
