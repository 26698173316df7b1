import JMESPath

/// Splits an expression over a listing (manifests, tags, repositories) into what the store answers (a
/// `ListingQuery`) and what the interpreter applies to that answer. It translates only
/// shapes whose meaning it can state exactly; for anything else it answers nil and the
/// whole expression runs in the interpreter, as before.
public struct ListingPlan: Sendable {
  public var query: ListingQuery
  /// A filter the store cannot state, evaluated by the interpreter on each document the
  /// store hands over, one at a time: the listing is never held whole.
  public var residual: Residual?
  /// Applied to the store's answer in order (pipe stages after the pushed-down part).
  public var rest: [ExpressionPart]

  public struct Residual: Sendable {
    /// What the interpreter evaluates on each document the store keeps; nil keeps all
    /// (a projection the store cannot build, `[].{n: length(tags || `[]`)}`).
    public var condition: ExpressionPart?
    /// What each document it keeps becomes (`@` for the document); null results are dropped.
    public var projection: ExpressionPart
    /// `length(…)`: only how many.
    public var countOnly: Bool
  }
}

public enum ListingPlanner {
  /// The plan for `expression` over the listing `base` describes, or nil.
  public static func plan(_ expression: ExpressionPart, over base: ListingQuery) -> ListingPlan? {
    var planner = Planner(base: base, orderStrings: expression.options.orderStrings)
    return planner.plan(expression)
  }
}

/// One planning run; `nil` anywhere means "not this shape".
struct Planner {
  let base: ListingQuery
  let orderStrings: Bool

  init(base: ListingQuery, orderStrings: Bool) {
    self.base = base
    self.orderStrings = orderStrings
  }

  mutating func plan(_ part: ExpressionPart) -> ListingPlan? {
    if let query = whole(part) { return ListingPlan(query: query, residual: nil, rest: []) }
    if let plan = residual(part) { return plan }
    guard case .pipe(let left, let right) = part.kind, !right.dependsOnContext,
      var plan = plan(left)
    else { return nil }
    plan.rest.append(right)
    return plan
  }

  /// `[?condition].projection` (or its `length`) whose condition the store cannot state
  /// (wholly, or after a first `&&` operand it can): the interpreter filters the documents
  /// as the store streams them, in the same order, so it evaluates the same conditions on
  /// the same documents and raises the same first error.
  func residual(_ part: ExpressionPart) -> ListingPlan? {
    var countOnly = false
    var filtered = part
    if case .builtinFunction("length", let arguments) = part.kind, arguments.count == 1 {
      countOnly = true
      filtered = arguments[0]
    }
    if case .listProjection(let left, let right) = filtered.kind, let query = source(left),
      !right.dependsOnContext
    {
      return ListingPlan(
        query: query,
        residual: ListingPlan.Residual(condition: nil, projection: right, countOnly: countOnly),
        rest: [])
    }
    guard case .filterProjection(let left, let right, let condition) = filtered.kind,
      var query = source(left), query.slice == nil,
      !condition.dependsOnContext, !right.dependsOnContext
    else { return nil }
    var evaluated = condition
    if case .and(let first, let second) = condition.kind, let pushed = predicate(first) {
      query.failsOn = either(query.failsOn, both(query.filter, pushed.fails))
      query.filter = both(query.filter, pushed.keeps)
      evaluated = second
    }
    return ListingPlan(
      query: query,
      residual: ListingPlan.Residual(
        condition: evaluated, projection: right, countOnly: countOnly),
      rest: [])
  }

  /// `length(rows)` or rows.
  func whole(_ part: ExpressionPart) -> ListingQuery? {
    if case .builtinFunction("length", let arguments) = part.kind, arguments.count == 1,
      var query = rows(arguments[0])
    {
      query.countOnly = true
      return query
    }
    return rows(part)
  }

  /// An expression whose value is an array of the listing's documents, or of a projection
  /// of them.
  func rows(_ part: ExpressionPart) -> ListingQuery? {
    switch part.kind {
    case .current:
      return base
    case .filterProjection(let left, let right, let condition):
      guard var query = source(left), query.slice == nil,
        let filter = predicate(condition)
      else { return nil }
      // A filter over a sorted listing sees only what an inner filter kept.
      query.failsOn = either(query.failsOn, both(query.filter, filter.fails))
      query.filter = both(query.filter, filter.keeps)
      guard let projection = projection(right) else { return nil }
      query.projection = projection
      return query
    case .listProjection(let left, let right):
      guard var query = source(left), let projection = projection(right) else { return nil }
      query.projection = projection
      return query
    case .builtinFunction("sort_by", _), .builtinFunction("sort", _):
      return sorted(part)
    default:
      return nil
    }
  }

  /// What a projection's left side may be: the documents, flattened (a no-op on objects),
  /// sorted, or a slice of those.
  func source(_ part: ExpressionPart) -> ListingQuery? {
    switch part.kind {
    case .current: return base
    case .flatten(let inner):
      guard case .current = inner.kind else { return nil }
      return base
    case .builtinFunction("sort_by", _), .builtinFunction("sort", _): return sorted(part)
    case .slice(let start, let stop, let step):
      return sliced(base, start: start, stop: stop, step: step)
    case .indexExpression(let left, let right):
      guard case .slice(let start, let stop, let step) = right.kind, let query = sorted(left)
      else { return nil }
      return sliced(query, start: start, stop: stop, step: step)
    default: return nil
    }
  }

  func sliced(_ query: ListingQuery, start: Int?, stop: Int?, step: Int?) -> ListingQuery? {
    guard step == nil || step == 1, query.slice == nil, query.projection == .document else {
      return nil
    }
    var query = query
    query.slice = ListingQuery.Slice(start: start, stop: stop)
    return query
  }

  /// `sort_by(@, &field)` or `sort_by([?…], &field)` on a field that is always a string,
  /// so the sort never raises an error and ties keep the listing's order; in a listing of
  /// strings, `sort(@)` or `sort([?…])` (equal strings are indistinguishable).
  func sorted(_ part: ExpressionPart) -> ListingQuery? {
    if case .builtinFunction("sort", let arguments) = part.kind, arguments.count == 1,
      base.source.documentsAreText, var query = rows(arguments[0]),
      query.sortKey == nil, query.slice == nil, query.projection == .document
    {
      query.sortKey = .element
      return query
    }
    guard case .builtinFunction("sort_by", let arguments) = part.kind, arguments.count == 2,
      case .expressionReference(let key) = arguments[1].kind, case .field(let name) = key.kind,
      let field = ListingQuery.Field(rawValue: name), field != .tags,
      base.fields.contains(field), var query = rows(arguments[0]),
      query.sortKey == nil, query.slice == nil, query.projection == .document
    else { return nil }
    query.sortKey = field
    return query
  }

  /// What each kept document becomes.
  func projection(_ part: ExpressionPart) -> ListingQuery.Projection? {
    switch part.kind {
    case .current: return .document
    case .field(let name):
      return knownField(name).map { .field($0) }
    case .multiSelectList(let elements):
      var fields: [ListingQuery.Field] = []
      for element in elements {
        guard case .field(let name) = element.kind, let field = knownField(name) else {
          return nil
        }
        fields.append(field)
      }
      return .list(fields)
    case .multiSelectHash(let pairs):
      var fields: [ListingQuery.KeyedField] = []
      for pair in pairs {
        guard case .field(let name) = pair.value.kind, let field = knownField(name) else {
          return nil
        }
        fields.append(ListingQuery.KeyedField(key: pair.key, field: field))
      }
      return .hash(fields)
    default: return nil
    }
  }

  func knownField(_ name: String) -> ListingQuery.Field? {
    guard let field = ListingQuery.Field(rawValue: name), field != .element,
      base.fields.contains(field)
    else {
      return nil
    }
    return field
  }
}
