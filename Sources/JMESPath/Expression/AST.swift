/// The syntax tree of a compiled expression; the interpreter is one `switch` over it.
indirect enum Node: Sendable {
  /// `@`, and the implicit right side of a projection.
  case current
  case field(String)
  case literal(JSON)
  /// `left.right`: right is evaluated against the value of left.
  case subexpression(Node, Node)
  /// `[n]` on the current value; negative counts from the end.
  case index(Int)
  case slice(start: Int?, stop: Int?, step: Int?)
  /// `left[n]`, `left[a:b]` and friends: right is an index or slice over left's value.
  case indexExpression(Node, Node)
  /// `left[*].right`, `left[a:b].right`, `left[].right`: right over each array element.
  case listProjection(Node, Node)
  /// `left.*.right`: right over each value of an object.
  case valueProjection(Node, Node)
  /// `left[?condition].right`
  case filterProjection(Node, Node, condition: Node)
  /// `left[]`: one level of arrays merged.
  case flatten(Node)
  case pipe(Node, Node)
  case or(Node, Node)
  case and(Node, Node)
  case not(Node)
  case comparison(Comparator, Node, Node)
  case multiSelectList([Node])
  case multiSelectHash([KeyValue])
  /// A call; `position` (of the name) lets a host function's errors carry a caret.
  case function(FunctionDefinition, [Node], position: Int)
  /// `&expr`: an expression handed to a function unevaluated.
  case expressionReference(Node)
  // JMESPath Community's additions.
  /// `$`: the document the evaluation started from.
  case root
  /// `$name`: a variable bound by an enclosing `let`; `position` puts the caret under an
  /// unbound one.
  case variable(String, position: Int)
  /// `let $a = x, $b = y in body`: the bindings are evaluated in the enclosing scope.
  case letExpression([Binding], Node)
  /// `condition ? whenTrue : whenFalse`
  case ternary(Node, Node, Node)
  case arithmetic(ArithmeticOperator, Node, Node)
  /// Unary `-x` (negate) and `+x` (the number itself).
  case negate(Node)
  case unaryPlus(Node)
}

struct Binding: Sendable {
  let name: String
  let value: Node
}

enum ArithmeticOperator: Sendable {
  case add, subtract, multiply, divide, integerDivide, modulo
}

struct KeyValue: Sendable {
  let key: String
  let value: Node
}

enum Comparator: Sendable {
  case eq, ne, lt, lte, gt, gte
}
