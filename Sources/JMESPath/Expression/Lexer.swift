/// Splits an expression into tokens, following the lexical rules of grammar/jmespath.abnf
/// (`unquoted-string`, `quoted-string`, `raw-string`, `literal`, `number`, operators).
struct Lexer {
  let scalars: [Unicode.Scalar]
  let dialect: Dialect
  var index = 0

  init(_ expression: String, dialect: Dialect = .default) {
    scalars = Array(expression.unicodeScalars)
    self.dialect = dialect
  }

  static func tokenize(_ expression: String, dialect: Dialect = .default) throws(JMESPathError)
    -> [Token]
  {
    var lexer = Lexer(expression, dialect: dialect)
    var tokens: [Token] = []
    while true {
      let token = try lexer.next()
      tokens.append(token)
      if token.kind == .eof { return tokens }
    }
  }

  func peek(_ offset: Int = 0) -> Unicode.Scalar? {
    let i = index + offset
    return i < scalars.count ? scalars[i] : nil
  }

  mutating func next() throws(JMESPathError) -> Token {
    while let c = peek(), c == " " || c == "\t" || c == "\n" || c == "\r" { index += 1 }
    let start = index
    guard let c = peek() else { return Token(kind: .eof, position: start) }
    func single(_ kind: TokenKind) -> Token {
      index += 1
      return Token(kind: kind, position: start)
    }
    func pair(_ second: Unicode.Scalar, _ both: TokenKind, else one: TokenKind) -> Token {
      if peek(1) == second {
        index += 2
        return Token(kind: both, position: start)
      }
      index += 1
      return Token(kind: one, position: start)
    }
    switch c {
    case "a"..."z", "A"..."Z", "_":
      return Token(kind: .unquotedIdentifier(unquotedString()), position: start)
    case "0"..."9":
      return Token(kind: .number(try number()), position: start)
    case "-":
      // As in both jmespath.py and the community edition: '-' before a digit is a negative
      // number; anything else is the (community) minus operator.
      if let d = peek(1), ("0"..."9").contains(d) {
        return Token(kind: .number(try number()), position: start)
      }
      return single(.minus)
    case "\u{2212}": return single(.minus)
    case "+": return single(.plus)
    case "\u{00D7}": return single(.multiply)
    case "\u{00F7}": return single(.divide)
    case "%": return single(.modulo)
    case "/": return pair("/", .integerDivide, else: .divide)
    case "?": return single(.question)
    case "$":
      if let next = peek(1), next == "_" || ("a"..."z").contains(next) || ("A"..."Z").contains(next)
      {
        index += 1
        return Token(kind: .variable(unquotedString()), position: start)
      }
      return single(.root)
    case "\"": return Token(kind: .quotedIdentifier(try quotedString()), position: start)
    case "'": return Token(kind: .rawString(try rawString()), position: start)
    case "`": return Token(kind: .literal(try literal()), position: start)
    case ".": return single(.dot)
    case "*": return single(.star)
    case "]": return single(.rbracket)
    case "{": return single(.lbrace)
    case "}": return single(.rbrace)
    case "(": return single(.lparen)
    case ")": return single(.rparen)
    case ",": return single(.comma)
    case ":": return single(.colon)
    case "@": return single(.at)
    case "[":
      if peek(1) == "]" {
        index += 2
        return Token(kind: .flatten, position: start)
      }
      return pair("?", .filter, else: .lbracket)
    case "|": return pair("|", .or, else: .pipe)
    case "&": return pair("&", .and, else: .ampersand)
    case "!": return pair("=", .ne, else: .not)
    case "<": return pair("=", .lte, else: .lt)
    case ">": return pair("=", .gte, else: .gt)
    case "=":
      if peek(1) == "=" {
        index += 2
        return Token(kind: .eq, position: start)
      }
      // A lone '=' only appears in `let $name = …`; the parser reports it anywhere else.
      return single(.assign)
    default:
      throw JMESPathError(
        .syntax, "unexpected character '\(c.escaped(asASCII: true))'", position: start)
    }
  }

  mutating func unquotedString() -> String {
    let start = index
    while let c = peek(), c.isIdentifierContinuation { index += 1 }
    return String(String.UnicodeScalarView(scalars[start..<index]))
  }

  mutating func number() throws(JMESPathError) -> Int {
    let start = index
    if peek() == "-" { index += 1 }
    let digitsStart = index
    while let c = peek(), ("0"..."9").contains(c) { index += 1 }
    guard index > digitsStart else {
      throw JMESPathError(.syntax, "expected a digit after '-'", position: start)
    }
    let text = String(String.UnicodeScalarView(scalars[start..<index]))
    guard let value = Int(text) else {
      throw JMESPathError(.syntax, "number \(text) is too large", position: start)
    }
    return value
  }

  /// Scans to the closing delimiter, honouring backslash escapes; returns the raw content.
  mutating func delimited(_ delimiter: Unicode.Scalar, name: String) throws(JMESPathError)
    -> ArraySlice<Unicode.Scalar>
  {
    let start = index
    index += 1
    while let c = peek() {
      if c == "\\" {
        index += 2
        continue
      }
      if c == delimiter {
        index += 1
        return scalars[(start + 1)..<(index - 1)]
      }
      index += 1
    }
    throw JMESPathError(.syntax, "unterminated \(name): no closing \(delimiter)", position: start)
  }

  /// `quoted-string`: JSON string rules, so it is decoded as a JSON string.
  mutating func quotedString() throws(JMESPathError) -> String {
    let start = index
    _ = try delimited("\"", name: "quoted identifier")
    let text = String(String.UnicodeScalarView(scalars[start..<index]))
    let parsed: JSON
    do {
      parsed = try JSONReader.parse(text)
    } catch {
      throw JMESPathError(
        .syntax, "invalid quoted identifier \(text): \(error.message)", position: start)
    }
    guard case .string(let s) = parsed else {
      throw JMESPathError(.syntax, "invalid quoted identifier \(text)", position: start)
    }
    return s
  }

  /// `raw-string`: `\'` is a quote. jmespath.py (and the official suite) keep every other
  /// backslash pair as written, `\\` included; the community edition reads `\\` as one
  /// backslash.
  mutating func rawString() throws(JMESPathError) -> String {
    let content = try delimited("'", name: "raw string")
    var out = String.UnicodeScalarView()
    var i = content.startIndex
    while i < content.endIndex {
      if content[i] == "\\", i + 1 < content.endIndex, content[i + 1] == "'" {
        out.append("'")
        i += 2
        continue
      }
      if content[i] == "\\", i + 1 < content.endIndex, content[i + 1] == "\\",
        dialect == .community
      {
        out.append("\\")
        i += 2
        continue
      }
      if content[i] == "\\", i + 1 < content.endIndex {
        out.append(content[i])
        out.append(content[i + 1])
        i += 2
        continue
      }
      out.append(content[i])
      i += 1
    }
    return String(out)
  }

  /// `literal`: a JSON value between backticks, where "\`" stands for a backtick.
  mutating func literal() throws(JMESPathError) -> JSON {
    let start = index
    let content = try delimited("`", name: "JSON literal")
    var text = String.UnicodeScalarView()
    var i = content.startIndex
    while i < content.endIndex {
      if content[i] == "\\", i + 1 < content.endIndex, content[i + 1] == "`" {
        text.append("`")
        i += 2
        continue
      }
      text.append(content[i])
      i += 1
    }
    do {
      return try JSONReader.parse(String(text))
    } catch {
      throw JMESPathError(
        .syntax,
        "invalid JSON in literal: \(error.message) (a string literal needs quotes: `\"text\"`)",
        position: start)
    }
  }
}

extension Unicode.Scalar {
  var isIdentifierContinuation: Bool {
    switch self {
    case "a"..."z", "A"..."Z", "_", "0"..."9": true
    default: false
    }
  }
}
