/// A Pratt parser for grammar/jmespath.abnf.
///
/// Each token has a null denotation (`nud`, a token that starts an expression) and a left
/// denotation (`led`, a token that continues one); `TokenKind.bindingPower` is the single
/// precedence table. Projections stop at tokens that bind below `projectionStop`.
struct Parser {
  /// Deeper expressions are rejected, so neither parsing nor evaluation can exhaust the stack.
  static let maximumDepth = 256
  static let projectionStop = 10

  let tokens: [Token]
  let functions: FunctionTable
  let options: JMESPathOptions
  /// The community's syntax (arithmetic, `let`, `$`, `?:`); off in the strict dialect.
  let extensions: Bool
  var index = 0
  /// Nesting of the tree being built; checked against `maximumDepth`.
  var depth = 0

  init(tokens: [Token], functions: FunctionTable, options: JMESPathOptions = JMESPathOptions()) {
    self.tokens = tokens
    self.functions = functions
    self.options = options
    self.extensions = options.dialect.hasExtensions
  }

  static func parse(
    _ expression: String, functions: FunctionTable, options: JMESPathOptions = JMESPathOptions()
  ) throws(JMESPathError) -> Node {
    var parser = Parser(
      tokens: try Lexer.tokenize(expression, dialect: options.dialect), functions: functions,
      options: options)
    let node = try parser.expression(0)
    guard parser.current.kind == .eof else {
      throw parser.unexpected("after a complete expression")
    }
    return node
  }

  var current: Token { tokens[index] }
  func lookahead(_ n: Int) -> TokenKind { tokens[min(index + n, tokens.count - 1)].kind }

  mutating func advance() { if index < tokens.count - 1 { index += 1 } }

  func unexpected(_ context: String) -> JMESPathError {
    JMESPathError(
      .syntax, "unexpected \(current.kind.display) \(context)", position: current.position)
  }

  mutating func match(_ kind: TokenKind, _ context: String) throws(JMESPathError) {
    guard current.kind == kind else {
      throw JMESPathError(
        .syntax, "expected \(kind.display) \(context), found \(current.kind.display)",
        position: current.position)
    }
    advance()
  }

  /// `expression`: nud, then leds while the next token binds tighter than `rightBindingPower`.
  mutating func expression(_ rightBindingPower: Int) throws(JMESPathError) -> Node {
    depth += 1
    defer { depth -= 1 }
    if depth > Self.maximumDepth {
      throw JMESPathError(
        .syntax, "expression nested deeper than \(Self.maximumDepth) levels",
        position: current.position)
    }
    var left = try nud()
    var chain = 0
    while rightBindingPower < current.kind.bindingPower {
      left = try led(left)
      // A long left-associative chain (a | b | c …) deepens the tree without recursing here.
      chain += 1
      if depth + chain > Self.maximumDepth {
        throw JMESPathError(
          .syntax, "expression nested deeper than \(Self.maximumDepth) levels",
          position: current.position)
      }
    }
    return left
  }

  // MARK: nud — tokens that start an expression

  mutating func nud() throws(JMESPathError) -> Node {
    let token = current
    switch token.kind {
    case .literal(let value):
      advance()
      return .literal(value)
    case .rawString(let s):
      advance()
      return .literal(.string(s))
    case .unquotedIdentifier("let") where extensions && isVariable(lookahead(1)):
      advance()
      return try letExpression()
    case .unquotedIdentifier(let name):
      advance()
      return .field(name)
    case .variable(let name) where extensions:
      advance()
      return .variable(name, position: token.position)
    case .root where extensions:
      advance()
      return .root
    case .minus where extensions:
      advance()
      return .negate(try expression(TokenKind.minus.bindingPower))
    case .plus where extensions:
      advance()
      return .unaryPlus(try expression(TokenKind.plus.bindingPower))
    case .quotedIdentifier(let name):
      advance()
      if current.kind == .lparen {
        throw JMESPathError(
          .syntax, "a quoted identifier cannot name a function", position: current.position)
      }
      return .field(name)
    case .star:
      advance()
      return .valueProjection(.current, try projectionRHS(TokenKind.star.bindingPower))
    case .filter:
      return try filterProjection(left: .current)
    case .lbrace:
      advance()
      return try multiSelectHash()
    case .flatten:
      advance()
      return .listProjection(.flatten(.current), try projectionRHS(TokenKind.flatten.bindingPower))
    case .lbracket:
      advance()
      switch current.kind {
      case .number, .colon:
        return try indexOrSlice(left: .current)
      case .star where lookahead(1) == .rbracket:
        advance()
        advance()
        return .listProjection(.current, try projectionRHS(TokenKind.star.bindingPower))
      default:
        return try multiSelectList()
      }
    case .at:
      advance()
      return .current
    case .ampersand:
      advance()
      return .expressionReference(try expression(0))
    case .not:
      advance()
      return .not(try expression(TokenKind.not.bindingPower))
    case .lparen:
      advance()
      let inner = try expression(0)
      try match(.rparen, "to close '('")
      return inner
    default:
      throw unexpected("at the start of an expression")
    }
  }

  // MARK: led — tokens that continue an expression

  mutating func led(_ left: Node) throws(JMESPathError) -> Node {
    let token = current
    switch token.kind {
    case .dot:
      advance()
      if current.kind == .star {
        advance()
        return .valueProjection(left, try projectionRHS(TokenKind.dot.bindingPower))
      }
      return .subexpression(left, try dotRHS(TokenKind.dot.bindingPower))
    case .pipe:
      advance()
      return .pipe(left, try expression(TokenKind.pipe.bindingPower))
    case .or:
      advance()
      return .or(left, try expression(TokenKind.or.bindingPower))
    case .and:
      advance()
      return .and(left, try expression(TokenKind.and.bindingPower))
    case .eq, .ne, .lt, .lte, .gt, .gte:
      advance()
      let comparator: Comparator =
        switch token.kind {
        case .eq: .eq
        case .ne: .ne
        case .lt: .lt
        case .lte: .lte
        case .gt: .gt
        default: .gte
        }
      return .comparison(comparator, left, try expression(token.kind.bindingPower))
    case .lparen:
      return try functionCall(left, at: token)
    case .plus where extensions: return try arithmetic(left, .add)
    case .minus where extensions: return try arithmetic(left, .subtract)
    case .star where extensions, .multiply where extensions:
      return try arithmetic(left, .multiply, bindingPower: TokenKind.multiply.bindingPower)
    case .divide where extensions: return try arithmetic(left, .divide)
    case .integerDivide where extensions: return try arithmetic(left, .integerDivide)
    case .modulo where extensions: return try arithmetic(left, .modulo)
    case .question where extensions:
      advance()
      let whenTrue = try expression(0)
      try match(.colon, "between the branches of '? :'")
      // One below its own power: `a ? b : c ? d : e` nests to the right, and a pipe ends it.
      let whenFalse = try expression(TokenKind.question.bindingPower - 1)
      return .ternary(left, whenTrue, whenFalse)
    case .assign:
      throw JMESPathError(
        .syntax, "'=' is not an operator; did you mean '=='?", position: token.position)
    case .filter:
      return try filterProjection(left: left)
    case .flatten:
      advance()
      return .listProjection(.flatten(left), try projectionRHS(TokenKind.flatten.bindingPower))
    case .lbracket:
      advance()
      switch current.kind {
      case .number, .colon:
        return try indexOrSlice(left: left)
      case .star:
        advance()
        try match(.rbracket, "after '[*'")
        return .listProjection(left, try projectionRHS(TokenKind.star.bindingPower))
      default:
        throw unexpected("inside '[' (expected a number, ':' or '*')")
      }
    default:
      throw unexpected("after an expression")
    }
  }

  // MARK: grammar rules

  /// `function-expression`: the name must be an unquoted identifier known to the table.
  mutating func functionCall(_ left: Node, at token: Token) throws(JMESPathError) -> Node {
    guard case .field(let name) = left, index > 0, case .unquotedIdentifier = tokens[index - 1].kind
    else {
      throw JMESPathError(
        .syntax, "only a function name can be called with '('", position: token.position)
    }
    let namePosition = tokens[index - 1].position
    advance()  // (
    var arguments: [Node] = []
    while current.kind != .rparen {
      arguments.append(try expression(0))
      if current.kind == .comma {
        advance()
        if current.kind == .rparen { throw unexpected("after ',' in a function call") }
      } else if current.kind != .rparen {
        throw unexpected("in a function call (expected ',' or ')')")
      }
    }
    advance()  // )
    guard let function = functions[name] else {
      var message = "unknown function \(name)()"
      if let near = functions.nearestName(to: name) { message += "; did you mean \(near)()?" }
      throw JMESPathError(.unknownFunction, message, position: namePosition)
    }
    do {
      try function.checkArity(arguments.count)
    } catch {
      // A host function's errors carry the caret (the built-in ones print as they always have).
      throw function.isHostFunction ? error.at(namePosition) : error
    }
    let call = Node.function(function, arguments, position: namePosition)
    // A pure function of literal arguments has one value: compute it now, once.
    if function.isPure, arguments.allSatisfy({ if case .literal = $0 { true } else { false } }) {
      do {
        return .literal(try Interpreter(options: options, root: .null).evaluate(call, .null))
      } catch {
        throw error.at(namePosition)
      }
    }
    return call
  }

  func isVariable(_ kind: TokenKind) -> Bool {
    if case .variable = kind { return true }
    return false
  }

  /// `let-expression` after `let`: `$name = expression` pairs separated by ',', then `in`.
  mutating func letExpression() throws(JMESPathError) -> Node {
    var bindings: [Binding] = []
    while true {
      guard case .variable(let name) = current.kind else {
        throw unexpected("in 'let' (expected a $variable)")
      }
      advance()
      try match(.assign, "after $\(name) in 'let'")
      bindings.append(Binding(name: name, value: try expression(0)))
      if case .unquotedIdentifier("in") = current.kind {
        advance()
        break
      }
      try match(.comma, "between the bindings of 'let' (or 'in' before its body)")
    }
    return .letExpression(bindings, try expression(0))
  }

  /// `arithmetic-expression`: the right operand binds at the operator's own power, so
  /// operators of one level associate to the left.
  mutating func arithmetic(_ left: Node, _ op: ArithmeticOperator, bindingPower: Int? = nil)
    throws(JMESPathError) -> Node
  {
    let power = bindingPower ?? current.kind.bindingPower
    advance()
    return .arithmetic(op, left, try expression(power))
  }

  /// `bracket-specifier` with `"[?" expression "]"`, then the projection's right side.
  mutating func filterProjection(left: Node) throws(JMESPathError) -> Node {
    advance()  // [?
    let condition = try expression(0)
    try match(.rbracket, "to close a filter '[?'")
    let right = try projectionRHS(TokenKind.filter.bindingPower)
    return .filterProjection(left, right, condition: condition)
  }

  /// `index-expression` / `slice-expression`, after the '['.
  mutating func indexOrSlice(left: Node) throws(JMESPathError) -> Node {
    if case .number(let n) = current.kind, lookahead(1) == .rbracket {
      advance()
      advance()
      return wrapIndex(left, .index(n))
    }
    var parts: [Int?] = [nil, nil, nil]
    var part = 0
    while current.kind != .rbracket {
      switch current.kind {
      case .colon:
        part += 1
        if part > 2 { throw unexpected("in a slice (at most two ':')") }
        advance()
      case .number(let n):
        if parts[part] != nil { throw unexpected("in a slice") }
        parts[part] = n
        advance()
      default:
        throw unexpected("in a slice (expected a number or ':')")
      }
    }
    advance()  // ]
    if parts[2] == 0 {
      throw JMESPathError(.invalidValue, "slice step cannot be 0")
    }
    let slice = wrapIndex(left, .slice(start: parts[0], stop: parts[1], step: parts[2]))
    // jmespath.py adds a slice that follows an index (`a[0][1:3]`) to the same index
    // expression and does not project: `a[0][1:3].b` applies `.b` to the slice as a whole.
    // The default dialect gives jmespath.py's results, so it does the same.
    if options.dialect == .default, Self.isIndexExpression(left) { return slice }
    return .listProjection(slice, try projectionRHS(TokenKind.star.bindingPower))
  }

  static func isIndexExpression(_ node: Node) -> Bool {
    switch node {
    case .index, .indexExpression: true
    default: false
    }
  }

  func wrapIndex(_ left: Node, _ index: Node) -> Node {
    if case .current = left { return index }
    return .indexExpression(left, index)
  }

  /// What follows a projection: nothing (a looser token), `[`, `[?`, or `.` and a dot-rhs.
  mutating func projectionRHS(_ bindingPower: Int) throws(JMESPathError) -> Node {
    let kind = current.kind
    if kind.bindingPower < Self.projectionStop { return .current }
    switch kind {
    case .lbracket, .filter:
      return try expression(bindingPower)
    case .dot:
      advance()
      return try dotRHS(bindingPower)
    default:
      throw unexpected("after a projection")
    }
  }

  /// `sub-expression`'s right side: identifier, multi-select, function call or `*`.
  mutating func dotRHS(_ bindingPower: Int) throws(JMESPathError) -> Node {
    switch current.kind {
    case .unquotedIdentifier, .quotedIdentifier, .star:
      return try expression(bindingPower)
    case .lbracket:
      advance()
      return try multiSelectList()
    case .lbrace:
      advance()
      return try multiSelectHash()
    default:
      throw unexpected("after '.' (expected an identifier, '*', '[' or '{')")
    }
  }

  /// `multi-select-list`, after the '['.
  mutating func multiSelectList() throws(JMESPathError) -> Node {
    var elements: [Node] = []
    while true {
      elements.append(try expression(0))
      if current.kind == .rbracket { break }
      try match(.comma, "between the elements of a multi-select list")
    }
    advance()  // ]
    return .multiSelectList(elements)
  }

  /// `multi-select-hash`, after the '{'.
  mutating func multiSelectHash() throws(JMESPathError) -> Node {
    var pairs: [KeyValue] = []
    while true {
      let key: String
      switch current.kind {
      case .unquotedIdentifier(let name), .quotedIdentifier(let name): key = name
      default: throw unexpected("in a multi-select hash (expected a key)")
      }
      advance()
      try match(.colon, "after a key in a multi-select hash")
      pairs.append(KeyValue(key: key, value: try expression(0)))
      if current.kind == .rbrace { break }
      try match(.comma, "between the pairs of a multi-select hash")
    }
    advance()  // }
    return .multiSelectHash(pairs)
  }
}
