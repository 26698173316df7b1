/// A read-only view of a compiled expression's syntax tree, for a host that answers part
/// of an expression somewhere else (regsh answers filters over its cache in SQL) and hands
/// the rest back to the interpreter.
///
/// Only the shapes such a host can translate are named; everything else is `.other`, which
/// the host must leave to the interpreter. Any part can be evaluated on its own, so the
/// host evaluates exactly what it did not translate, with the expression's own options.
public struct ExpressionPart: Sendable {
  let node: Node
  public let options: JMESPathOptions

  init(_ node: Node, options: JMESPathOptions) {
    self.node = node
    self.options = options
  }

  /// The comparison operators, as the specification names them.
  public enum Comparison: String, Sendable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
  }

  public indirect enum Kind: Sendable {
    /// `@`
    case current
    case field(String)
    case literal(JSON)
    /// `left.right`
    case subexpression(ExpressionPart, ExpressionPart)
    /// `[n]` on the current value.
    case index(Int)
    case slice(start: Int?, stop: Int?, step: Int?)
    /// `left[n]`, `left[a:b]`.
    case indexExpression(ExpressionPart, ExpressionPart)
    /// `left[*].right`, `left[].right`, `left[a:b].right`.
    case listProjection(ExpressionPart, ExpressionPart)
    /// `left[?condition].right`
    case filterProjection(ExpressionPart, ExpressionPart, condition: ExpressionPart)
    /// `left[]`
    case flatten(ExpressionPart)
    case pipe(ExpressionPart, ExpressionPart)
    case or(ExpressionPart, ExpressionPart)
    case and(ExpressionPart, ExpressionPart)
    case not(ExpressionPart)
    case comparison(Comparison, ExpressionPart, ExpressionPart)
    case multiSelectList([ExpressionPart])
    case multiSelectHash([(key: String, value: ExpressionPart)])
    /// A call of one of the language's own functions (never a host function, which may
    /// mean anything), by name.
    case builtinFunction(String, [ExpressionPart])
    /// `&expr`
    case expressionReference(ExpressionPart)
    /// Anything else: only the interpreter knows what it means.
    case other
  }

  public var kind: Kind {
    let wrap = { (node: Node) in ExpressionPart(node, options: options) }
    switch node {
    case .current: return .current
    case .field(let name): return .field(name)
    case .literal(let value): return .literal(value)
    case .subexpression(let l, let r): return .subexpression(wrap(l), wrap(r))
    case .index(let i): return .index(i)
    case .slice(let start, let stop, let step): return .slice(start: start, stop: stop, step: step)
    case .indexExpression(let l, let r): return .indexExpression(wrap(l), wrap(r))
    case .listProjection(let l, let r): return .listProjection(wrap(l), wrap(r))
    case .filterProjection(let l, let r, let c):
      return .filterProjection(wrap(l), wrap(r), condition: wrap(c))
    case .flatten(let inner): return .flatten(wrap(inner))
    case .pipe(let l, let r): return .pipe(wrap(l), wrap(r))
    case .or(let l, let r): return .or(wrap(l), wrap(r))
    case .and(let l, let r): return .and(wrap(l), wrap(r))
    case .not(let inner): return .not(wrap(inner))
    case .comparison(let comparator, let l, let r):
      return .comparison(Self.comparison(comparator), wrap(l), wrap(r))
    case .multiSelectList(let elements): return .multiSelectList(elements.map(wrap))
    case .multiSelectHash(let pairs):
      return .multiSelectHash(pairs.map { (key: $0.key, value: wrap($0.value)) })
    case .function(let function, let arguments, _) where !function.isHostFunction:
      return .builtinFunction(function.name, arguments.map(wrap))
    case .expressionReference(let inner): return .expressionReference(wrap(inner))
    default: return .other
    }
  }

  /// This part's value for `value`, as the interpreter computes it inside the whole
  /// expression. `$` means `root`: pass what the whole expression was applied to.
  public func evaluate(_ value: JSON, root: JSON) throws(JMESPathError) -> JSON {
    try Interpreter(options: options, root: root).evaluate(node, value)
  }

  /// Whether `$` or a variable occurs anywhere in this part: such a part means something
  /// only inside the whole expression, never on its own.
  public var dependsOnContext: Bool { Self.dependsOnContext(node) }

  static func dependsOnContext(_ node: Node) -> Bool {
    switch node {
    case .root, .variable, .letExpression: return true
    case .current, .field, .literal, .index, .slice: return false
    case .subexpression(let l, let r), .indexExpression(let l, let r),
      .listProjection(let l, let r), .valueProjection(let l, let r), .pipe(let l, let r),
      .or(let l, let r), .and(let l, let r), .comparison(_, let l, let r),
      .arithmetic(_, let l, let r):
      return dependsOnContext(l) || dependsOnContext(r)
    case .filterProjection(let l, let r, let c):
      return dependsOnContext(l) || dependsOnContext(r) || dependsOnContext(c)
    case .flatten(let inner), .not(let inner), .expressionReference(let inner),
      .negate(let inner), .unaryPlus(let inner):
      return dependsOnContext(inner)
    case .multiSelectList(let elements): return elements.contains(where: dependsOnContext)
    case .multiSelectHash(let pairs): return pairs.contains { dependsOnContext($0.value) }
    case .function(_, let arguments, _): return arguments.contains(where: dependsOnContext)
    case .ternary(let a, let b, let c):
      return dependsOnContext(a) || dependsOnContext(b) || dependsOnContext(c)
    }
  }

  static func comparison(_ comparator: Comparator) -> Comparison {
    switch comparator {
    case .eq: .equal
    case .ne: .notEqual
    case .lt: .less
    case .lte: .lessOrEqual
    case .gt: .greater
    case .gte: .greaterOrEqual
    }
  }
}

extension Expression {
  /// The whole compiled expression as a part a host may take apart.
  public var part: ExpressionPart { ExpressionPart(root, options: options) }
}
