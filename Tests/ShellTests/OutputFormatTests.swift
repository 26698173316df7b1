import JMESPath
import Testing

@testable import Shell

/// `-o FORMAT` against what az prints for the same data.
struct OutputFormatTests {
  /// One rendering: a format, whether the result came from `--query`, a document, and the
  /// exact text expected on stdout.
  struct Case: Sendable, CustomTestStringConvertible {
    let format: OutputFormat
    let fromQuery: Bool
    let name: String
    let document: JSON
    let expected: String

    init(
      _ format: OutputFormat, _ origin: Origin, _ document: (name: String, value: JSON),
      _ expected: String
    ) {
      self.format = format
      self.fromQuery = origin == .query
      self.name = document.name
      self.document = document.value
      self.expected = expected
    }

    var testDescription: String { "\(format) \(fromQuery ? "--query " : "")\(name)" }
  }

  enum Origin { case command, query }
  static let command = Origin.command
  static let query = Origin.query

  /// The expected output, one string per line, each ending in a newline.
  static func lines(_ lines: String...) -> String { lines.map { $0 + "\n" }.joined() }

  static func document(_ name: String, _ text: String) -> (name: String, value: JSON) {
    (name, try! JSONReader.parse(text))
  }

  // MARK: Documents

  static let manifests = document(
    "manifests",
    #"[{"digest": "sha256:aa11", "tags": ["v1", "latest"], "timestamp": "2018-07-11T10:00:00Z"}, {"digest": "sha256:bb22", "tags": null, "timestamp": "2018-07-12T10:00:00Z"}]"#
  )
  static let queried = document(
    "queried",
    #"[{"timestamp": "2018-07-12T10:00:00Z", "digest": "sha256:bb22", "untagged": true}, {"timestamp": "2018-07-13T10:00:00Z", "digest": "sha256:cc33", "untagged": false}]"#
  )
  static let detail = document(
    "detail",
    #"{"name": "acr-helloworld", "id": "/subscriptions/x", "type": "repository", "etag": "e1", "imageSize": 1024, "ratio": 1.5, "changeableAttributes": {"deleteEnabled": true}, "tags": ["v1"], "os": null, "signed": false, "createdTime": "2018-07-11T10:00:00Z"}"#
  )
  static let digests = document(
    "digests", #"["sha256:bb22", "sha256:cc33"]"#)
  static let scalars = document(
    "scalars", #"["v1", null, true, 7, 2.5, ""]"#)
  static let rows = document(
    "rows",
    #"[["sha256:aa11", ["v1", "latest"], {"os": "linux"}, null, true, 1.0], ["sha256:bb22", [], {}, "x", false]]"#
  )
  static let padding = document(
    "padding", #"[{"name": " spaced ", "arch": "amd64"}, {"name": "b", "arch": ""}]"#)
  static let wide = document(
    "wide", #"[{"repository": "日本語", "tag": "v1"}, {"repository": "é", "tag": "latest"}]"#)
  static let string = document(
    "string", #""sha256:aa11""#)
  static let boolean = document(
    "boolean", #"true"#)
  static let number = document(
    "number", #"42"#)
  static let empty = document(
    "empty", #"[]"#)
  static let onlySkipped = document(
    "onlySkipped", #"[{"id": "x", "tags": ["v1"]}]"#)

  // MARK: tsv and table, as az prints them

  /// Generated once by formatting each document with knack 0.14.0's `format_tsv` and
  /// `format_table` (tabulate 0.10.0, wcwidth 0.7.0, Python 3.11): `--query` results as
  /// `OrderedDict`s with `is_query_active`, command results as plain dicts. Not included:
  /// `rows` after `--query`, where Python 3.11 spells a nested object `OrderedDict([...])`.
  static let knackCases: [Case] = [
    Case(
      .tsv, command, manifests,
      lines(
        "sha256:aa11\t2\t2018-07-11T10:00:00Z",
        "sha256:bb22\tNone\t2018-07-12T10:00:00Z",
      )),
    Case(
      .table, command, manifests,
      lines(
        "Digest       Timestamp",
        "-----------  --------------------",
        "sha256:aa11  2018-07-11T10:00:00Z",
        "sha256:bb22  2018-07-12T10:00:00Z",
      )),
    Case(
      .tsv, command, queried,
      lines(
        "sha256:bb22\t2018-07-12T10:00:00Z\tTrue",
        "sha256:cc33\t2018-07-13T10:00:00Z\tFalse",
      )),
    Case(
      .table, command, queried,
      lines(
        "Digest       Timestamp             Untagged",
        "-----------  --------------------  ----------",
        "sha256:bb22  2018-07-12T10:00:00Z  True",
        "sha256:cc33  2018-07-13T10:00:00Z  False",
      )),
    Case(
      .tsv, query, queried,
      lines(
        "2018-07-12T10:00:00Z\tsha256:bb22\tTrue",
        "2018-07-13T10:00:00Z\tsha256:cc33\tFalse",
      )),
    Case(
      .table, query, queried,
      lines(
        "Timestamp             Digest       Untagged",
        "--------------------  -----------  ----------",
        "2018-07-12T10:00:00Z  sha256:bb22  True",
        "2018-07-13T10:00:00Z  sha256:cc33  False",
      )),
    Case(
      .tsv, command, detail,
      lines(
        "\t2018-07-11T10:00:00Z\te1\t/subscriptions/x\t1024\tacr-helloworld\tNone\t1.5\tFalse\t1\trepository",
      )),
    Case(
      .table, command, detail,
      lines(
        "CreatedTime           ImageSize    Name            Ratio    Signed",
        "--------------------  -----------  --------------  -------  --------",
        "2018-07-11T10:00:00Z  1024         acr-helloworld  1.5      False",
      )),
    Case(
      .tsv, query, detail,
      lines(
        "acr-helloworld\t/subscriptions/x\trepository\te1\t1024\t1.5\t\t1\tNone\tFalse\t2018-07-11T10:00:00Z",
      )),
    Case(
      .table, query, detail,
      lines(
        "Name            ImageSize    Ratio    Signed    CreatedTime",
        "--------------  -----------  -------  --------  --------------------",
        "acr-helloworld  1024         1.5      False     2018-07-11T10:00:00Z",
      )),
    Case(
      .tsv, command, digests,
      lines(
        "sha256:bb22",
        "sha256:cc33",
      )),
    Case(
      .table, command, digests,
      lines(
        "Result",
        "-----------",
        "sha256:bb22",
        "sha256:cc33",
      )),
    Case(
      .tsv, command, scalars,
      lines(
        "v1",
        "None",
        "true",
        "7",
        "2.5",
        "",
      )),
    Case(
      .table, command, scalars,
      lines(
        "Result",
        "--------",
        "v1",
        "",
        "True",
        "7",
        "2.5",
        "",
      )),
    Case(
      .tsv, command, rows,
      lines(
        "sha256:aa11\t2\t\tNone\tTrue\t1.0",
        "sha256:bb22\t0\t\tx\tFalse",
      )),
    Case(
      .table, command, rows,
      lines(
        "Column1      Column2           Column3          Column4    Column5    Column6",
        "-----------  ----------------  ---------------  ---------  ---------  ---------",
        "sha256:aa11  ['v1', 'latest']  {'os': 'linux'}             True       1.0",
        "sha256:bb22  []                {}               x          False",
      )),
    Case(
      .tsv, command, padding,
      lines(
        "amd64\t spaced ",
        "\tb",
      )),
    Case(
      .table, command, padding,
      lines(
        "Arch    Name",
        "------  ------",
        "amd64   spaced",
        "        b",
      )),
    Case(
      .tsv, query, padding,
      lines(
        " spaced \tamd64",
        "b\t",
      )),
    Case(
      .table, query, padding,
      lines(
        "Name    Arch",
        "------  ------",
        "spaced  amd64",
        "b",
      )),
    Case(
      .tsv, command, wide,
      lines(
        "日本語\tv1",
        "é\tlatest",
      )),
    Case(
      .table, command, wide,
      lines(
        "Repository    Tag",
        "------------  ------",
        "日本語        v1",
        "é             latest",
      )),
    Case(
      .tsv, command, string,
      lines(
        "sha256:aa11",
      )),
    Case(
      .table, command, string,
      lines(
        "Result",
        "-----------",
        "sha256:aa11",
      )),
    Case(
      .tsv, command, boolean,
      lines(
        "true",
      )),
    Case(
      .table, command, boolean,
      lines(
        "Result",
        "--------",
        "True",
      )),
    Case(
      .tsv, command, number,
      lines(
        "42",
      )),
    Case(
      .table, command, number,
      lines(
        "Result",
        "--------",
        "42",
      )),
    Case(
      .tsv, command, empty,
      lines()),
    Case(
      .table, command, empty,
      lines(
        "",
      )),
    Case(
      .tsv, command, onlySkipped,
      lines(
        "x\t1",
      )),
    Case(
      .table, command, onlySkipped,
      lines(
        "",
      )),
  ]

  @Test(arguments: knackCases)
  func printsWhatAzPrints(_ c: Case) {
    let renderer = OutputRenderer(format: c.format, color: false, fromQuery: c.fromQuery)
    #expect(renderer.render(c.document) == c.expected)
  }

  // MARK: yaml

  /// Generated once with PyYAML 6.0.3: `yaml.safe_dump(doc, default_flow_style=False,
  /// allow_unicode=True, sort_keys=False)`, which is az's call except that az sorts keys
  /// and regsh keeps the document's order.
  static let yamlCases: [Case] = [
    Case(
      .yaml, command, manifests,
      lines(
        "- digest: sha256:aa11",
        "  tags:",
        "  - v1",
        "  - latest",
        "  timestamp: '2018-07-11T10:00:00Z'",
        "- digest: sha256:bb22",
        "  tags: null",
        "  timestamp: '2018-07-12T10:00:00Z'",
      )),
    Case(
      .yaml, command, queried,
      lines(
        "- timestamp: '2018-07-12T10:00:00Z'",
        "  digest: sha256:bb22",
        "  untagged: true",
        "- timestamp: '2018-07-13T10:00:00Z'",
        "  digest: sha256:cc33",
        "  untagged: false",
      )),
    Case(
      .yaml, command, detail,
      lines(
        "name: acr-helloworld",
        "id: /subscriptions/x",
        "type: repository",
        "etag: e1",
        "imageSize: 1024",
        "ratio: 1.5",
        "changeableAttributes:",
        "  deleteEnabled: true",
        "tags:",
        "- v1",
        "os: null",
        "signed: false",
        "createdTime: '2018-07-11T10:00:00Z'",
      )),
    Case(
      .yaml, command, digests,
      lines(
        "- sha256:bb22",
        "- sha256:cc33",
      )),
    Case(
      .yaml, command, scalars,
      lines(
        "- v1",
        "- null",
        "- true",
        "- 7",
        "- 2.5",
        "- ''",
      )),
    Case(
      .yaml, command, rows,
      lines(
        "- - sha256:aa11",
        "  - - v1",
        "    - latest",
        "  - os: linux",
        "  - null",
        "  - true",
        "  - 1.0",
        "- - sha256:bb22",
        "  - []",
        "  - {}",
        "  - x",
        "  - false",
      )),
    Case(
      .yaml, command, padding,
      lines(
        "- name: ' spaced '",
        "  arch: amd64",
        "- name: b",
        "  arch: ''",
      )),
    Case(
      .yaml, command, wide,
      lines(
        "- repository: 日本語",
        "  tag: v1",
        "- repository: é",
        "  tag: latest",
      )),
    Case(
      .yaml, command, string,
      lines(
        "sha256:aa11",
        "...",
      )),
    Case(
      .yaml, command, boolean,
      lines(
        "true",
        "...",
      )),
    Case(
      .yaml, command, number,
      lines(
        "42",
        "...",
      )),
    Case(
      .yaml, command, empty,
      lines(
        "[]",
      )),
    Case(
      .yaml, command, onlySkipped,
      lines(
        "- id: x",
        "  tags:",
        "  - v1",
      )),
  ]

  @Test(arguments: yamlCases)
  func printsYAMLAsPyYAML(_ c: Case) {
    #expect(OutputRenderer(format: .yaml).render(c.document) == c.expected)
  }

  /// libyaml alone would write emoji as `"\U0001F680"`; PyYAML (and so az) prints them.
  /// From PyYAML 6.0.3 as above; the private-use character checks that the stand-ins regsh
  /// uses while emitting never collide with the document's own.
  @Test func printsEmojiAsPyYAML() {
    let document: JSON = [
      "description": "ship it \u{1F680}", "labels": ["\u{1F433} whale", "\u{E000} private"],
    ]
    #expect(
      OutputRenderer(format: .yaml).render(document)
        == Self.lines(
          "description: ship it \u{1F680}", "labels:", "- \u{1F433} whale", "- \u{E000} private"))
  }

  // MARK: json, jsonl, csv, none

  static let otherCases: [Case] = [
    Case(
      .json, command, manifests,
      lines(
        "[",
        "  {",
        "    \"digest\": \"sha256:aa11\",",
        "    \"tags\": [",
        "      \"v1\",",
        "      \"latest\"",
        "    ],",
        "    \"timestamp\": \"2018-07-11T10:00:00Z\"",
        "  },",
        "  {",
        "    \"digest\": \"sha256:bb22\",",
        "    \"tags\": null,",
        "    \"timestamp\": \"2018-07-12T10:00:00Z\"",
        "  }",
        "]",
      )),
    Case(
      .json, query, queried,
      lines(
        "[",
        "  {",
        "    \"timestamp\": \"2018-07-12T10:00:00Z\",",
        "    \"digest\": \"sha256:bb22\",",
        "    \"untagged\": true",
        "  },",
        "  {",
        "    \"timestamp\": \"2018-07-13T10:00:00Z\",",
        "    \"digest\": \"sha256:cc33\",",
        "    \"untagged\": false",
        "  }",
        "]",
      )),
    Case(.json, command, empty, lines("[]")),
    Case(.json, command, string, lines("\"sha256:aa11\"")),
    Case(.jsonc, command, digests, lines("[", "  \"sha256:bb22\",", "  \"sha256:cc33\"", "]")),
    Case(
      .jsonl, command, manifests,
      lines(
        #"{"digest":"sha256:aa11","tags":["v1","latest"],"timestamp":"2018-07-11T10:00:00Z"}"#,
        #"{"digest":"sha256:bb22","tags":null,"timestamp":"2018-07-12T10:00:00Z"}"#,
      )),
    Case(.jsonl, command, digests, lines(#""sha256:bb22""#, #""sha256:cc33""#)),
    Case(
      .jsonl, command, detail,
      lines(
        #"{"name":"acr-helloworld","id":"/subscriptions/x","type":"repository","etag":"e1","#
          + #""imageSize":1024,"ratio":1.5,"changeableAttributes":{"deleteEnabled":true},"#
          + #""tags":["v1"],"os":null,"signed":false,"createdTime":"2018-07-11T10:00:00Z"}"#
      )),
    Case(.jsonl, command, number, lines("42")),
    Case(.jsonl, command, empty, ""),
    Case(
      .csv, command, manifests,
      crlf(
        "digest,tags,timestamp",
        #"sha256:aa11,"[""v1"",""latest""]",2018-07-11T10:00:00Z"#,
        "sha256:bb22,,2018-07-12T10:00:00Z",
      )),
    Case(
      .csv, command, detail,
      crlf(
        "name,id,type,etag,imageSize,ratio,changeableAttributes,tags,os,signed,createdTime",
        #"acr-helloworld,/subscriptions/x,repository,e1,1024,1.5,"{""deleteEnabled"":true}","#
          + #""[""v1""]",,false,2018-07-11T10:00:00Z"#,
      )),
    Case(.csv, command, digests, crlf("sha256:bb22", "sha256:cc33")),
    Case(.csv, command, scalars, crlf("v1", "", "true", "7", "2.5", "")),
    Case(
      .csv, command, rows,
      crlf(
        #"sha256:aa11,"[""v1"",""latest""]","{""os"":""linux""}",,true,1"#,
        "sha256:bb22,[],{},x,false",
      )),
    Case(.csv, command, padding, crlf("name,arch", " spaced ,amd64", "b,")),
    Case(.csv, command, number, crlf("42")),
    Case(.csv, command, empty, ""),
    Case(.none, command, manifests, ""),
    Case(.none, command, string, ""),
  ]

  /// The expected csv output: RFC 4180 ends every record with CRLF.
  static func crlf(_ lines: String...) -> String { lines.map { $0 + "\r\n" }.joined() }

  @Test(arguments: otherCases)
  func printsRegshFormats(_ c: Case) {
    let renderer = OutputRenderer(format: c.format, color: false, fromQuery: c.fromQuery)
    #expect(renderer.render(c.document) == c.expected)
  }

  /// az prints nothing at all when a command or its `--query` yields null.
  @Test(arguments: OutputFormat.allCases)
  func nullPrintsNothing(_ format: OutputFormat) {
    #expect(OutputRenderer(format: format, color: true).render(.null) == "")
  }

  // MARK: Colour

  /// `value` with this module's colour codes taken out.
  static func uncolored(_ text: String) -> String {
    var text = text
    for code in [ANSIColor.key, .string, .number, .literal].map(\.rawValue) + [ANSIColor.reset] {
      text = text.split(separator: code, omittingEmptySubsequences: false).joined()
    }
    return text
  }

  static let everyShape: [(name: String, value: JSON)] = [
    manifests, queried, detail, digests, scalars, rows, padding, wide, string, boolean, number,
    empty, onlySkipped,
  ]

  @Test(arguments: [(OutputFormat.jsonc, OutputFormat.json), (.yamlc, .yaml)])
  func colourIsOnlyAddedToThePlainText(_ colored: OutputFormat, _ plain: OutputFormat) {
    for document in Self.everyShape {
      let text = OutputRenderer(format: colored, color: true).render(document.value)
      let plainText = OutputRenderer(format: plain).render(document.value)
      #expect(Self.uncolored(text) == plainText, "\(document.name)")
      // Without colour (not a terminal, or NO_COLOR) the coloured formats are the plain ones.
      #expect(OutputRenderer(format: colored, color: false).render(document.value) == plainText)
    }
  }

  @Test func jsoncColoursKeysStringsNumbersAndLiterals() {
    let text = OutputRenderer(format: .jsonc, color: true).render(
      try! JSONReader.parse(#"{"tag": "v1", "size": 12, "signed": true, "os": null}"#))
    let key = ANSIColor.key.rawValue
    let string = ANSIColor.string.rawValue
    let number = ANSIColor.number.rawValue
    let literal = ANSIColor.literal.rawValue
    let reset = ANSIColor.reset
    #expect(
      text
        == "{\n  \(key)\"tag\"\(reset): \(string)\"v1\"\(reset),\n"
        + "  \(key)\"size\"\(reset): \(number)12\(reset),\n"
        + "  \(key)\"signed\"\(reset): \(literal)true\(reset),\n"
        + "  \(key)\"os\"\(reset): \(literal)null\(reset)\n}\n")
  }

  @Test func yamlcColoursEveryKeyAndNoValue() {
    let document = try! JSONReader.parse(
      #"{"name": "word: word", "it's": {"x y": 1, "true": ["a: b"]}}"#)
    let key = ANSIColor.key.rawValue
    let reset = ANSIColor.reset
    #expect(
      OutputRenderer(format: .yamlc, color: true).render(document)
        == "\(key)name\(reset): 'word: word'\n\(key)it's\(reset):\n"
        + "  \(key)x y\(reset): 1\n  \(key)'true'\(reset):\n  - 'a: b'\n")
  }

  // MARK: Combining marks

  /// A quote, or a line break, followed by a combining mark is one Swift Character; the
  /// formats work on Unicode scalars so that it still counts. yaml from PyYAML 6.0.3.
  @Test func combiningMarksDoNotHideQuotesOrLineStarts() {
    let quoteThenMark: JSON = ["a\"\u{301}b"]
    #expect(OutputRenderer(format: .csv).render(quoteThenMark) == Self.crlf("\"a\"\"\u{301}b\""))
    #expect(OutputRenderer(format: .yaml).render("\u{301}x") == Self.lines("\u{301}x", "..."))
    let keys: JSON = ["\u{301}?\u{1F600}\tß,": 1, "\u{301}k": "\u{1F600}"]
    let yaml = Self.lines(#""\#u{301}?\U0001F600\tß,": 1"#, "\u{301}k: \u{1F600}")
    #expect(OutputRenderer(format: .yaml).render(keys) == yaml)
    let key = ANSIColor.key.rawValue
    let reset = ANSIColor.reset
    #expect(
      OutputRenderer(format: .yamlc, color: true).render(keys)
        == Self.lines(
          key + #""\#u{301}?\U0001F600\tß,""# + reset + ": 1",
          key + "\u{301}k" + reset + ": \u{1F600}"))
  }

  // MARK: Hostile registries

  /// A tag and an annotation that try to clear the screen, set the window title and use the
  /// 8-bit CSI (DESIGN.md, safety rule 5).
  static let hostile = document(
    "hostile",
    #"[{"name": "evil\u001b[2J", "tags": ["v1\u001b]0;pwned\u0007"], "note": "a\tb\nc\u009b31m\u007f"}]"#
  )

  static let hostileCases: [Case] = [
    Case(.tsv, command, hostile, lines(#"evil\u001b[2J\#ta\tb\nc\u009b31m\u007f\#t1"#)),
    Case(
      .tsv, command, (name: "hostile tag", value: ["v1\u{1B}]0;pwned\u{07}"]),
      lines(#"v1\u001b]0;pwned\u0007"#)),
    Case(
      .table, command, hostile,
      lines(
        "Name           Note",
        "-------------  ----------------------",
        #"evil\u001b[2J  a\tb\nc\u009b31m\u007f"#,
      )),
    Case(
      .csv, command, hostile,
      crlf(
        "name,tags,note",
        #"evil\u001b[2J,"[""v1\u001b]0;pwned\u0007""]",a\tb\nc\u009b31m\u007f"#,
      )),
    Case(
      .yaml, command, hostile,
      lines(
        #"- name: "evil\e[2J""#,
        "  tags:",
        #"  - "v1\e]0;pwned\a""#,
        #"  note: "a\tb\nc\x9B31m\x7F""#,
      )),
    Case(
      .json, command, hostile,
      lines(
        "[",
        "  {",
        #"    "name": "evil\u001b[2J","#,
        #"    "tags": ["#,
        #"      "v1\u001b]0;pwned\u0007""#,
        "    ],",
        #"    "note": "a\tb\nc\u009b31m\u007f""#,
        "  }",
        "]",
      )),
    Case(
      .jsonl, command, hostile,
      lines(
        #"{"name":"evil\u001b[2J","tags":["v1\u001b]0;pwned\u0007"],"note":"a\tb\nc\u009b31m\u007f"}"#
      )),
  ]

  @Test(arguments: hostileCases)
  func escapesControlCharacters(_ c: Case) {
    #expect(OutputRenderer(format: c.format).render(c.document) == c.expected)
  }

  /// Whatever the format, the only control characters printed are line ends, tsv's tabs
  /// and the renderer's own colour codes.
  @Test(arguments: OutputFormat.allCases)
  func noFormatPassesControlCharactersThrough(_ format: OutputFormat) {
    for fromQuery in [false, true] {
      let hostileKeys: JSON = [
        "\u{1B}[2Jkey": "\u{9B}0m", "tag": ["\u{1B}c", ["\u{07}": "\u{85}"]],
      ]
      for document in [Self.hostile.value, hostileKeys, .array([hostileKeys]), "\u{1B}[2J"] {
        let text = Self.uncolored(
          OutputRenderer(format: format, color: true, fromQuery: fromQuery).render(document))
        let allowed: Set<Unicode.Scalar> = format == .tsv ? ["\n", "\t"] : ["\n", "\r"]
        let leaked = text.unicodeScalars.filter {
          TerminalSafeText.isControl($0) && !allowed.contains($0)
        }
        #expect(leaked.isEmpty, "\(format): \(text.debugDescription)")
      }
    }
  }

  /// The word-at-a-time check of printed bytes finds DEL and every C1 character (two bytes,
  /// `0xC2 0x80...0x9F`) at every offset, a pair straddling two words included, and passes
  /// other non-ASCII text (`é` is `0xC3 0xA9`; `0xC2 0xA0` is a no-break space).
  @Test func theByteCheckFindsDELAndC1AtEveryOffset() {
    let plain = Array("registry/repository:v1.2.3 sha256:0123456789abcdef é\u{A0}".utf8)
    #expect(!OutputRenderer.holdsDELOrC1(plain))
    #expect(!OutputRenderer.holdsDELOrC1([]))
    for length in [1, 7, 8, 9, 16, 17, 40] {
      for offset in 0..<length {
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
        bytes[offset] = 0x7F
        #expect(OutputRenderer.holdsDELOrC1(bytes), "DEL at \(offset) of \(length)")
        guard offset + 1 < length else { continue }
        bytes[offset] = 0xC2
        for second: UInt8 in [0x80, 0x85, 0x9B, 0x9F] {
          bytes[offset + 1] = second
          #expect(OutputRenderer.holdsDELOrC1(bytes), "C1 at \(offset) of \(length)")
        }
        for second: UInt8 in [0xA0, 0xA9] {
          bytes[offset + 1] = second
          #expect(!OutputRenderer.holdsDELOrC1(bytes), "0xC2 \(second) at \(offset)")
        }
      }
    }
  }

  // MARK: Python's spelling of numbers

  /// Python 3.11's `repr(float)` for the same values.
  @Test(arguments: [
    (1.0, "1.0"), (100.0, "100.0"), (-0.0, "-0.0"), (2.5, "2.5"), (0.1, "0.1"),
    (0.30000000000000004, "0.30000000000000004"), (1e15, "1000000000000000.0"),
    (9.5e15, "9500000000000000.0"), (1e16, "1e+16"),
    (1.2345678901234568e17, "1.2345678901234568e+17"),
    (1e100, "1e+100"), (0.0001, "0.0001"), (1e-05, "1e-05"), (2.5e-7, "2.5e-07"),
    (123.456, "123.456"),
  ])
  func floatsPrintAsPythonPrintsThem(_ value: Double, _ python: String) {
    #expect(PythonText.floatRepr(value) == python)
  }

  @Test func everyFormatHasARenderer() {
    #expect(
      OutputFormat.allCases.map(\.rawValue) == [
        "json", "jsonc", "tsv", "table", "yaml", "yamlc", "none", "jsonl", "csv",
      ])
  }
}
