import JMESPath

/// A filter's condition as two predicates: when JMESPath's value of it is truthy, and when
/// evaluating it raises an error (`contains` on an untagged manifest's null tags).
struct TranslatedCondition {
  var keeps: ListingQuery.Predicate
  var fails: ListingQuery.Predicate = .constant(false)
}

/// A comparison operand as far as the listing's documents let it be known.
enum Operand {
  /// A field that is always a string.
  case text(ListingQuery.Field)
  /// `tags`: null or an array of strings.
  case tags
  /// `tags[0]`: null or a string.
  case firstTag
  case constant(JSON)
}

extension Planner {
  func predicate(_ part: ExpressionPart) -> TranslatedCondition? {
    switch part.kind {
    case .and(let a, let b):
      guard let a = predicate(a), let b = predicate(b) else { return nil }
      // The right side is evaluated only when the left is truthy.
      return TranslatedCondition(
        keeps: .and(a.keeps, b.keeps), fails: either(a.fails, both(a.keeps, b.fails)))
    case .or(let a, let b):
      guard let a = predicate(a), let b = predicate(b) else { return nil }
      return TranslatedCondition(
        keeps: .or(a.keeps, b.keeps), fails: either(a.fails, both(.not(a.keeps), b.fails)))
    case .not(let a):
      guard let a = predicate(a) else { return nil }
      return TranslatedCondition(keeps: .not(a.keeps), fails: a.fails)
    case .literal(let value):
      return TranslatedCondition(keeps: .constant(value.isTruthy))
    case .field, .indexExpression, .current:
      switch operand(part) {
      case .text(let field): return TranslatedCondition(keeps: .truthy(field))
      case .tags: return TranslatedCondition(keeps: .truthy(.tags))
      case .firstTag: return TranslatedCondition(keeps: .not(.noFirstTag))
      case .constant(let value): return TranslatedCondition(keeps: .constant(value.isTruthy))
      case nil: return nil
      }
    case .comparison(let comparison, let left, let right):
      guard let l = operand(left), let r = operand(right) else { return nil }
      if case .constant = l, case .constant = r {
        // Two literals: the interpreter's own answer, once.
        guard let value = try? part.evaluate(.null, root: .null) else { return nil }
        return TranslatedCondition(keeps: .constant(value.isTruthy))
      }
      return compared(comparison, l, r).map { TranslatedCondition(keeps: $0) }
    case .builtinFunction("contains", let arguments) where arguments.count == 2:
      guard case .constant(let search) = operand(arguments[1]) else { return nil }
      switch operand(arguments[0]) {
      case .tags:
        // contains(null, …) is an invalid-type error; a tag is never empty nor holds a tab.
        guard case .string(let tag) = search, !tag.isEmpty, !tag.contains("\t") else {
          return TranslatedCondition(keeps: .constant(false), fails: .untagged)
        }
        return TranslatedCondition(keeps: .hasTag(tag), fails: .untagged)
      case .text(let field):
        guard case .string(let needle) = search else {
          return TranslatedCondition(keeps: .constant(false))
        }
        return TranslatedCondition(keeps: .containsText(field, needle))
      default:
        return nil
      }
    case .builtinFunction("starts_with", let arguments) where arguments.count == 2:
      // Anything but two strings is an invalid-type error: the interpreter's to raise.
      guard case .text(let field) = operand(arguments[0]),
        case .constant(.string(let prefix)) = operand(arguments[1])
      else { return nil }
      return TranslatedCondition(keeps: .startsWith(field, prefix))
    default:
      return nil
    }
  }

  func operand(_ part: ExpressionPart) -> Operand? {
    switch part.kind {
    case .literal(let value): return .constant(value)
    case .current:
      // The document itself: a string in a listing of strings; an object is the
      // interpreter's to compare.
      return base.source.documentsAreText ? .text(.element) : nil
    case .field(let name):
      // A key whose values the store does not state: only the interpreter judges it.
      if base.source.opaqueKeys.contains(name) { return nil }
      guard let field = ListingQuery.Field(rawValue: name), field != .element,
        base.fields.contains(field)
      else {
        // A field the documents do not have (or any field of a string) is null.
        return .constant(.null)
      }
      return field == .tags ? .tags : .text(field)
    case .indexExpression(let left, let right):
      guard case .field("tags") = left.kind, case .index(0) = right.kind,
        base.fields.contains(.tags)
      else { return nil }
      return .firstTag
    default: return nil
    }
  }

  /// `left op right` where at least one side is a document field.
  func compared(_ comparison: ExpressionPart.Comparison, _ left: Operand, _ right: Operand)
    -> ListingQuery.Predicate?
  {
    switch comparison {
    case .equal: return equal(left, right)
    case .notEqual: return equal(left, right).map { .not($0) }
    default: break
    }
    let op: ListingQuery.Comparison =
      switch comparison {
      case .less: .less
      case .lessOrEqual: .lessOrEqual
      case .greater: .greater
      default: .greaterOrEqual
      }
    // Only two strings order (when the dialect allows it); anything else is null.
    guard orderStrings, let l = text(left), let r = text(right) else { return .constant(false) }
    return .compare(op, l, r)
  }

  /// An operand that is a string or null as a predicate text; nil for anything else.
  func text(_ operand: Operand) -> ListingQuery.Text? {
    switch operand {
    case .text(let field): .field(field)
    case .firstTag: .firstTag
    case .constant(.string(let value)): .literal(value)
    default: nil
    }
  }

  func equal(_ left: Operand, _ right: Operand) -> ListingQuery.Predicate? {
    switch (left, right) {
    case (.tags, .tags), (.firstTag, .firstTag): return .constant(true)
    case (.text(let a), .text(let b)) where a == b: return .constant(true)
    case (.tags, .constant(let value)), (.constant(let value), .tags):
      if case .null = value { return .untagged }
      // An array literal may equal a tag list: not worth stating exactly here.
      if case .array = value { return nil }
      return .constant(false)
    case (.firstTag, .constant(.null)), (.constant(.null), .firstTag):
      return .noFirstTag
    case (.tags, _), (_, .tags):
      // A string is neither null nor an array; tags[0] is null exactly when tags is
      // null or empty, which only the interpreter should judge.
      if case .firstTag = left { return nil }
      if case .firstTag = right { return nil }
      return .constant(false)
    default:
      guard let l = text(left), let r = text(right) else { return .constant(false) }
      return .compare(.equal, l, r)
    }
  }

  func either(_ a: ListingQuery.Predicate, _ b: ListingQuery.Predicate) -> ListingQuery.Predicate {
    if a == .constant(false) { return b }
    if b == .constant(false) { return a }
    return .or(a, b)
  }

  func both(_ a: ListingQuery.Predicate, _ b: ListingQuery.Predicate) -> ListingQuery.Predicate {
    if b == .constant(false) || a == .constant(false) { return .constant(false) }
    if a == .constant(true) { return b }
    if b == .constant(true) { return a }
    return .and(a, b)
  }
}
