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
  case function(FunctionDefinition, [Node])
  /// `&expr`: an expression handed to a function unevaluated.
  case expressionReference(Node)
}

struct KeyValue: Sendable {
  let key: String
  let value: Node
}

enum Comparator: Sendable {
  case eq, ne, lt, lte, gt, gte
}
