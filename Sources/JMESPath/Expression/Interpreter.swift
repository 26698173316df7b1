/// Evaluates a syntax tree against a JSON value: one `switch` over `Node`.
struct Interpreter: Sendable {
  let options: JMESPathOptions
  /// What `$` means: the document the evaluation started from.
  let root: JSON
  /// The variables of the enclosing `let` expressions, innermost first.
  var scope: Scope? = nil

  init(options: JMESPathOptions, root: JSON) {
    self.options = options
    self.root = root
  }

  func evaluate(_ node: Node, _ value: JSON) throws(JMESPathError) -> JSON {
    switch node {
    case .current:
      return value
    case .field(let name):
      return value[name]
    case .literal(let literal):
      return literal
    case .subexpression(let left, let right):
      let l = try evaluate(left, value)
      // The community edition stops at null (JEP-19); jmespath.py evaluates the right side,
      // which matters for a function there: `missing.to_string(@)` is "null" in jmespath.py.
      if options.communitySemantics, case .null = l { return .null }
      return try evaluate(right, l)
    case .index(let i):
      guard case .array(let elements) = value else { return .null }
      let position = i < 0 ? elements.count + i : i
      return elements.indices.contains(position) ? elements[position] : .null
    case .slice(let start, let stop, let step):
      return slice(value, start: start, stop: stop, step: step ?? 1)
    case .indexExpression(let left, let right):
      return try evaluate(right, try evaluate(left, value))
    case .listProjection(let left, let right):
      let base = try evaluate(left, value)
      guard case .array(let elements) = base else {
        // A slice of a string is a string; what follows applies to it as to a sub-expression.
        if case .string = base, options.sliceStrings, Self.isSlice(left) {
          return try evaluate(right, base)
        }
        return .null
      }
      return try project(elements, right)
    case .valueProjection(let left, let right):
      guard case .object(let members) = try evaluate(left, value) else { return .null }
      return try project(members.values, right)
    case .filterProjection(let left, let right, let condition):
      guard case .array(let elements) = try evaluate(left, value) else { return .null }
      var results: [JSON] = []
      for element in elements where try evaluate(condition, element).isTruthy {
        if case .current = right {
          if case .null = element { continue }
          results.append(element)
          continue
        }
        let projected = try evaluate(right, element)
        if case .null = projected { continue }
        results.append(projected)
      }
      return .array(results)
    case .flatten(let inner):
      guard case .array(let elements) = try evaluate(inner, value) else { return .null }
      var flat: [JSON] = []
      flat.reserveCapacity(elements.count)
      for element in elements {
        if case .array(let nested) = element {
          flat.append(contentsOf: nested)
        } else {
          flat.append(element)
        }
      }
      return .array(flat)
    case .pipe(let left, let right):
      return try evaluate(right, try evaluate(left, value))
    case .or(let left, let right):
      let l = try evaluate(left, value)
      return l.isTruthy ? l : try evaluate(right, value)
    case .and(let left, let right):
      let l = try evaluate(left, value)
      return l.isTruthy ? try evaluate(right, value) : l
    case .not(let inner):
      return .bool(!(try evaluate(inner, value).isTruthy))
    // The shape of most filters (`[?tags==null]`, `[?size > `10`]`): one field against a
    // literal, compared without two trips through this switch.
    case .comparison(let comparator, .field(let name), .literal(let literal)):
      return compare(comparator, value[name], literal)
    case .comparison(let comparator, let left, let right):
      return compare(comparator, try evaluate(left, value), try evaluate(right, value))
    case .multiSelectList(let elements):
      // jmespath.py gives null for a multi-select of null; the community edition builds it.
      if case .null = value, !options.communitySemantics { return .null }
      var results: [JSON] = []
      results.reserveCapacity(elements.count)
      for element in elements { results.append(try evaluate(element, value)) }
      return .array(results)
    case .multiSelectHash(let pairs):
      if case .null = value, !options.communitySemantics { return .null }
      var object = JSONObject(minimumCapacity: pairs.count)
      for pair in pairs { object[pair.key] = try evaluate(pair.value, value) }
      return .object(object)
    case .function(let function, let argumentNodes, let position):
      var arguments: [FunctionArgument] = []
      arguments.reserveCapacity(argumentNodes.count)
      for argument in argumentNodes {
        if case .expressionReference(let expression) = argument {
          arguments.append(.expression(expression))
        } else {
          arguments.append(.value(try evaluate(argument, value)))
        }
      }
      // A host function's errors point at its name, so the shell can draw the caret.
      guard function.isHostFunction else { return try function.call(arguments, self) }
      do {
        return try function.call(arguments, self)
      } catch {
        throw error.at(position)
      }
    case .expressionReference:
      // Outside a function argument an expression reference has no value of its own.
      throw JMESPathError(
        .invalidType, "an expression reference (&…) can only be a function argument")
    case .root:
      return root
    case .variable(let name, let position):
      guard let bound = scope?.lookup(name) else {
        throw JMESPathError(
          .undefinedVariable, "$\(name) is not bound by any enclosing 'let'", position: position)
      }
      return bound
    case .letExpression(let bindings, let body):
      // Every binding is evaluated in the enclosing scope, then the body sees them all.
      var inner = self
      for binding in bindings {
        inner.scope = Scope(
          name: binding.name, value: try evaluate(binding.value, value), parent: inner.scope)
      }
      return try inner.evaluate(body, value)
    case .ternary(let condition, let whenTrue, let whenFalse):
      return try evaluate(
        try evaluate(condition, value).isTruthy ? whenTrue : whenFalse, value)
    case .arithmetic(let op, let left, let right):
      return try Arithmetic.apply(op, try evaluate(left, value), try evaluate(right, value))
    case .negate(let inner):
      return try Arithmetic.negate(try evaluate(inner, value))
    case .unaryPlus(let inner):
      let operand = try evaluate(inner, value)
      guard operand.isNumber else { throw Arithmetic.notNumber("+", operand) }
      return operand
    }
  }

  static func isSlice(_ node: Node) -> Bool {
    switch node {
    case .slice, .indexExpression(_, .slice): true
    default: false
    }
  }

  /// Applies `right` to each element, dropping null results, as every projection does.
  func project<C: Collection<JSON>>(_ elements: C, _ right: Node) throws(JMESPathError) -> JSON {
    var results: [JSON] = []
    results.reserveCapacity(elements.count)
    if case .current = right {
      for element in elements where element != .null { results.append(element) }
      return .array(results)
    }
    for element in elements {
      let projected = try evaluate(right, element)
      if case .null = projected { continue }
      results.append(projected)
    }
    return .array(results)
  }

  func compare(_ comparator: Comparator, _ left: JSON, _ right: JSON) -> JSON {
    switch comparator {
    case .eq: return .bool(left == right)
    case .ne: return .bool(left != right)
    default: break
    }
    let ordering: Bool?
    switch (left, right) {
    case (.int(let a), .int(let b)):
      ordering = order(comparator, a < b, a == b)
    case (.int, .double), (.double, .int), (.double, .double):
      let a = left.numberValue!
      let b = right.numberValue!
      ordering = order(comparator, a < b, a == b)
    case (.string(let a), .string(let b)) where options.orderStrings:
      ordering = order(comparator, codePointLess(a, b), codePointEqual(a, b))
    default:
      ordering = nil
    }
    return ordering.map(JSON.bool) ?? .null
  }

  func order(_ comparator: Comparator, _ less: Bool, _ equal: Bool) -> Bool {
    switch comparator {
    case .lt: less
    case .lte: less || equal
    case .gt: !less && !equal
    case .gte: !less
    case .eq: equal
    case .ne: !equal
    }
  }

  /// Python-style slicing, as the specification defines it.
  func slice(_ value: JSON, start: Int?, stop: Int?, step: Int) -> JSON {
    switch value {
    case .array(let elements):
      return .array(
        sliceIndices(count: elements.count, start: start, stop: stop, step: step).map {
          elements[$0]
        })
    case .string(let string) where options.sliceStrings:
      let scalars = Array(string.unicodeScalars)
      let picked = sliceIndices(count: scalars.count, start: start, stop: stop, step: step).map {
        scalars[$0]
      }
      return .string(String(String.UnicodeScalarView(picked)))
    default:
      return .null
    }
  }

  func sliceIndices(count: Int, start: Int?, stop: Int?, step: Int) -> [Int] {
    func clamp(_ index: Int?, default fallback: Int) -> Int {
      guard var i = index else { return fallback }
      if i < 0 {
        i += count
        if i < 0 { i = step < 0 ? -1 : 0 }
      } else if i >= count {
        i = step < 0 ? count - 1 : count
      }
      return i
    }
    let from = clamp(start, default: step < 0 ? count - 1 : 0)
    let to = clamp(stop, default: step < 0 ? -1 : count)
    var indices: [Int] = []
    var i = from
    if step > 0 {
      while i < to {
        indices.append(i)
        i += step
      }
    } else {
      while i > to {
        indices.append(i)
        i += step
      }
    }
    return indices
  }
}
