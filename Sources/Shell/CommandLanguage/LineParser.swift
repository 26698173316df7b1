/// The hand-written parser of `grammar/regsh.ebnf`; its functions are named after the
/// grammar's rules.
///
/// It walks the line's Unicode scalars once. Offsets are scalar offsets, so an error's
/// column and a stage's start line up with JMESPath's positions.
struct LineParser {
  let scalars: [Unicode.Scalar]
  let commandNames: Set<String>
  var position = 0
  /// Tolerant mode, for completion (`LineParser+Prefix.swift`): the text ends at the
  /// cursor, so a quote, group or `||` left open there is where the user is typing, not an
  /// error. Spans run to the end instead of throwing.
  var tolerant = false
  /// In tolerant mode, the quote (`'` or `"`) of a command word that the text ended inside.
  var openQuote: Unicode.Scalar?

  init(_ text: String, commandNames: Set<String>) {
    self.scalars = Array(text.unicodeScalars)
    self.commandNames = commandNames
  }

  static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
    scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
  }

  static let closers: [Unicode.Scalar: Unicode.Scalar] = ["[": "]", "{": "}", "(": ")"]

  var atEnd: Bool { position >= scalars.count }

  func scalar(at offset: Int) -> Unicode.Scalar? {
    offset < scalars.count ? scalars[offset] : nil
  }

  /// A `|` at `offset` that is a pipe, not half of `||`.
  func isPipe(at offset: Int) -> Bool {
    scalar(at: offset) == "|" && scalar(at: offset + 1) != "|"
  }

  mutating func skipBlanks() {
    while let s = scalar(at: position), Self.isBlank(s) { position += 1 }
  }

  // MARK: line, pipeline

  /// line = [ pipeline ] , { ";" , [ pipeline ] }
  mutating func parseLine() throws(CommandLanguageError) -> [Pipeline] {
    var pipelines: [Pipeline] = []
    while true {
      skipBlanks()
      if atEnd { return pipelines }
      if scalars[position] == ";" {
        position += 1
        continue
      }
      pipelines.append(try parsePipeline())
      if !atEnd, scalars[position] == ";" { position += 1 }
    }
  }

  /// pipeline = stage , { pipe , stage }; consecutive expression stages become one.
  mutating func parsePipeline() throws(CommandLanguageError) -> Pipeline {
    var stages: [Stage] = []
    var columns: [Int] = []
    // The source span of the expression being gathered from consecutive expression stages.
    var expression: (start: Int, end: Int)?
    func finishExpression() {
      guard let span = expression else { return }
      stages.append(.expression(String(String.UnicodeScalarView(scalars[span.start..<span.end]))))
      columns.append(span.start)
      expression = nil
    }
    while true {
      skipBlanks()
      let start = position
      if atEnd || scalars[position] == ";" || isPipe(at: position) {
        throw emptyStage(before: start)
      }
      if let name = commandName() {
        finishExpression()
        let arguments = try parseCommandStage(name: name)
        stages.append(.command(name: name, arguments: arguments))
        columns.append(start)
      } else {
        let end = try parseExpressionStage()
        expression = (expression?.start ?? start, end)
      }
      skipBlanks()
      guard isPipe(at: position) else { break }
      position += 1
    }
    finishExpression()
    return Pipeline(stages: stages, stageColumns: columns)
  }

  /// The error for a stage that holds nothing, whose caret goes under the pipe beside it.
  func emptyStage(before offset: Int) -> CommandLanguageError {
    if offset < scalars.count, scalars[offset] == "|" {
      return CommandLanguageError(.emptyStage, "nothing before `|`", column: offset)
    }
    // At ";" or the end: the pipe that came before is the one left dangling.
    var pipe = offset - 1
    while pipe > 0, Self.isBlank(scalars[pipe]) { pipe -= 1 }
    return CommandLanguageError(.emptyStage, "nothing after `|`", column: max(pipe, 0))
  }

  // MARK: stage

  /// The command name this stage starts with, if its first word is a bare command name
  /// followed by a blank, a pipe, `;` or the end; the position moves past it.
  mutating func commandName() -> String? {
    var end = position
    while let s = scalar(at: end), !Self.isBlank(s), !"|;'\"`\\[{()}]".unicodeScalars.contains(s) {
      end += 1
    }
    guard end > position else { return nil }
    if let next = scalar(at: end), !Self.isBlank(next), next != "|", next != ";" { return nil }
    let word = String(String.UnicodeScalarView(scalars[position..<end]))
    guard commandNames.contains(word) else { return nil }
    position = end
    return word
  }

  // MARK: command stage

  /// command-stage = command-name , { blank , word }: shell-like words, up to a pipe, `;`
  /// or the end.
  mutating func parseCommandStage(name: String) throws(CommandLanguageError) -> [String] {
    var words: [String] = []
    while true {
      // A backslash-newline between words joins lines and is no word of its own.
      while true {
        skipBlanks()
        guard scalar(at: position) == "\\", scalar(at: position + 1) == "\n" else { break }
        position += 2
      }
      guard let s = scalar(at: position), s != ";", !isPipe(at: position) else { return words }
      words.append(try parseWord())
    }
  }

  /// word = word-part , { word-part }: quotes removed, groups and backtick literals kept.
  mutating func parseWord() throws(CommandLanguageError) -> String {
    var word = String.UnicodeScalarView()
    while let s = scalar(at: position), !Self.isBlank(s), s != ";", !isPipe(at: position) {
      switch s {
      case "'":
        let start = position
        guard let close = scalars[(start + 1)...].firstIndex(of: "'") else {
          guard tolerant else { throw unclosedQuote(at: start) }
          word.append(contentsOf: scalars[(start + 1)...])
          position = scalars.count
          openQuote = "'"
          return String(word)
        }
        word.append(contentsOf: scalars[(start + 1)..<close])
        position = close + 1
      case "\"":
        try parseDoubleQuoted(into: &word)
      case "\\":
        guard let next = scalar(at: position + 1) else {
          if tolerant {
            position += 1
            return String(word)
          }
          throw CommandLanguageError(
            .trailingBackslash, "a backslash at the end escapes nothing", column: position)
        }
        if next != "\n" { word.append(next) }  // backslash-newline continues the line
        position += 2
      case "`":
        let start = position
        position = try skipQuotedSpan(from: start)
        word.append(contentsOf: scalars[start..<position])
      case "[", "{", "(":
        let start = position
        position = try skipGroup(from: start)
        word.append(contentsOf: scalars[start..<position])
      case "|":
        word.append(contentsOf: "||".unicodeScalars)  // `||` never splits; it is text here
        position += 2
      default:
        word.append(s)
        position += 1
      }
    }
    return String(word)
  }

  /// '"' , { double-quoted-part } , '"': a backslash escapes `"`, `\`, `$` and a backtick,
  /// joins lines before a newline, and is kept before anything else, as in POSIX sh.
  mutating func parseDoubleQuoted(into word: inout String.UnicodeScalarView)
    throws(CommandLanguageError)
  {
    let start = position
    position += 1
    while let s = scalar(at: position) {
      switch s {
      case "\"":
        position += 1
        return
      case "\\":
        guard let next = scalar(at: position + 1) else {
          if tolerant {
            position += 1
            openQuote = "\""
            return
          }
          throw unclosedQuote(at: start)
        }
        switch next {
        case "\"", "\\", "$", "`": word.append(next)
        case "\n": break
        default: word.append(contentsOf: [s, next])
        }
        position += 2
      default:
        word.append(s)
        position += 1
      }
    }
    if tolerant {
      openQuote = "\""
      return
    }
    throw unclosedQuote(at: start)
  }

  // MARK: expression stage

  /// expression-stage: JMESPath source up to a pipe, `;` or the end, skipping over quotes
  /// and groups. Returns where the stage's text ends, trailing blanks left out.
  mutating func parseExpressionStage() throws(CommandLanguageError) -> Int {
    var end = position
    while let s = scalar(at: position), s != ";" {
      switch s {
      case "'", "\"", "`":
        position = try skipQuotedSpan(from: position)
      case "[", "{", "(":
        position = try skipGroup(from: position)
      case "|":
        guard scalar(at: position + 1) == "|" else { return end }
        // `||` is JMESPath's or, and an or needs something on its right.
        position += 2
        skipBlanks()
        if tolerant && atEnd { return end }
        if atEnd || scalars[position] == ";" || isPipe(at: position) {
          throw CommandLanguageError(
            .emptyStage, "nothing on the right of `||` (JMESPath's or)", column: position)
        }
        continue
      default:
        position += 1
      }
      if !Self.isBlank(s) { end = position }
    }
    return end
  }

  // MARK: spans shared by both kinds of stage

  /// raw-string | quoted-identifier | backtick-literal starting at `start`: returns the
  /// offset after its closing quote. A backslash keeps the next character from closing it.
  func skipQuotedSpan(from start: Int) throws(CommandLanguageError) -> Int {
    let quote = scalars[start]
    var i = start + 1
    while i < scalars.count {
      if scalars[i] == "\\" {
        i += 2
        continue
      }
      if scalars[i] == quote { return i + 1 }
      i += 1
    }
    if tolerant { return scalars.count }
    throw unclosedQuote(at: start)
  }

  /// group: from the bracket at `start` to the one that closes it, over nested groups and
  /// quoted spans. Returns the offset after the closer.
  func skipGroup(from start: Int) throws(CommandLanguageError) -> Int {
    var open: [Int] = []  // offsets of the brackets not closed yet, innermost last
    var i = start
    while i < scalars.count {
      let s = scalars[i]
      switch s {
      case "'", "\"", "`":
        i = try skipQuotedSpan(from: i)
        continue
      case "[", "{", "(":
        open.append(i)
      case "]", "}", ")":
        let opener = scalars[open.last!]
        guard Self.closers[opener] == s || tolerant else {
          throw CommandLanguageError(
            .mismatchedBracket,
            "`\(s)` does not close the `\(opener)` before it", column: i)
        }
        open.removeLast()
        if open.isEmpty { return i + 1 }
      default:
        break
      }
      i += 1
    }
    if tolerant { return scalars.count }
    let innermost = open.last!
    throw CommandLanguageError(
      .unclosedBracket, "`\(scalars[innermost])` is never closed", column: innermost)
  }

  func unclosedQuote(at offset: Int) -> CommandLanguageError {
    let what = scalars[offset] == "`" ? "backtick" : "quote \(scalars[offset])"
    return CommandLanguageError(.unclosedQuote, "the \(what) is never closed", column: offset)
  }
}
