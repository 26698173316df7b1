/// The lexical tokens of grammar/jmespath.abnf.
enum TokenKind: Equatable, Sendable {
  case unquotedIdentifier(String)
  case quotedIdentifier(String)
  case number(Int)
  case rawString(String)
  case literal(JSON)
  case dot, star, flatten, filter, lbracket, rbracket, lbrace, rbrace, lparen, rparen
  case comma, colon, pipe, or, and, not, ampersand, at
  case lt, lte, gt, gte, eq, ne
  // JMESPath Community's additions; the parser accepts them only outside the strict dialect.
  /// `$name`, a variable bound by `let`.
  case variable(String)
  /// `$` alone: the document the expression started from.
  case root
  case question, assign
  case plus, minus, multiply, divide, integerDivide, modulo
  case eof

  /// Pratt binding power: how tightly the token binds to the expression on its left.
  /// The one table that decides precedence (values as in jmespath.py and jmespath.rs).
  var bindingPower: Int {
    switch self {
    case .pipe: 1
    // The ternary binds looser than `||` and `&&`, tighter than `|` (JEP-21).
    case .question: 2
    case .or: 3
    case .and: 4
    case .eq, .ne, .lt, .lte, .gt, .gte: 5
    case .plus, .minus: 6
    case .multiply, .divide, .integerDivide, .modulo: 7
    case .flatten: 9
    case .star: 20
    case .filter: 21
    case .dot: 40
    case .not: 45
    case .lbrace: 50
    case .lbracket: 55
    case .lparen: 60
    default: 0
    }
  }

  /// How the token reads in an error message.
  var display: String {
    switch self {
    case .unquotedIdentifier(let s): "identifier '\(s)'"
    case .quotedIdentifier(let s): "quoted identifier \"\(s)\""
    case .number(let n): "number \(n)"
    case .rawString: "raw string"
    case .literal: "JSON literal"
    case .dot: "'.'"
    case .star: "'*'"
    case .flatten: "'[]'"
    case .filter: "'[?'"
    case .lbracket: "'['"
    case .rbracket: "']'"
    case .lbrace: "'{'"
    case .rbrace: "'}'"
    case .lparen: "'('"
    case .rparen: "')'"
    case .comma: "','"
    case .colon: "':'"
    case .pipe: "'|'"
    case .or: "'||'"
    case .and: "'&&'"
    case .not: "'!'"
    case .ampersand: "'&'"
    case .at: "'@'"
    case .lt: "'<'"
    case .lte: "'<='"
    case .gt: "'>'"
    case .gte: "'>='"
    case .eq: "'=='"
    case .ne: "'!='"
    case .variable(let name): "variable '$\(name)'"
    case .root: "'$'"
    case .question: "'?'"
    case .assign: "'='"
    case .plus: "'+'"
    case .minus: "'-'"
    case .multiply: "'×'"
    case .divide: "'/'"
    case .integerDivide: "'//'"
    case .modulo: "'%'"
    case .eof: "end of expression"
    }
  }
}

struct Token: Sendable {
  let kind: TokenKind
  /// Offset in Unicode scalars where the token starts.
  let position: Int
}
