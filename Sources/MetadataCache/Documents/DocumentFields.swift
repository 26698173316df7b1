import JMESPath

/// Which of a manifest summary's costly fields — `tags` (an array of strings) and
/// `timestamp` (a 28-byte string, too long for Swift's inline strings) — a query can
/// observe. A listing built whole for the interpreter (a query the store cannot answer,
/// `sort_by(@, &digest)[0]`) leaves the others out of the heap: the key stays, with a null
/// that nothing reads, so the documents keep their shape (`keys(@)`, `length(@)`).
///
/// Decided from the expression before any document is built, by following where a
/// document can flow. Anything this reading does not know for certain (a document
/// compared, passed to a function other than the few below, printed, `$`, `let`, a host
/// function) counts as reading every field.
public struct DocumentFields: Sendable, Equatable {
  public var tags: Bool
  public var timestamp: Bool

  public init(tags: Bool, timestamp: Bool) {
    self.tags = tags
    self.timestamp = timestamp
  }

  public static let all = DocumentFields(tags: true, timestamp: true)

  /// The fields `expression`, applied to a listing's array of documents, can observe.
  public init(readBy expression: ExpressionPart) {
    var reading = FieldReading()
    let result = reading.shape(of: expression, over: .documents)
    if result != .plain { reading.everything = true }
    self =
      reading.everything
      ? .all
      : DocumentFields(
        tags: reading.fields.contains("tags"), timestamp: reading.fields.contains("timestamp"))
  }
}

/// One run of the reading: what kind of value each part yields, and which fields of a
/// document it names on the way.
private struct FieldReading {
  /// What a part's value may hold of the listing's documents.
  enum Shape {
    /// Nothing of a document but field values: no unread field can show through it.
    case plain
    /// One document (or null).
    case document
    /// An array of documents.
    case documents
  }

  var fields: Set<String> = []
  var everything = false

  /// The value `part` may yield for an input of shape `input`; sets `everything` when a
  /// document can reach anything that observes all of it.
  mutating func shape(of part: ExpressionPart, over input: Shape) -> Shape {
    if everything { return .plain }
    switch part.kind {
    case .current:
      return input
    case .field(let name):
      if input == .document { fields.insert(name) }
      return .plain
    case .literal:
      return .plain
    case .subexpression(let left, let right), .indexExpression(let left, let right),
      .pipe(let left, let right):
      return shape(of: right, over: shape(of: left, over: input))
    case .index:
      return input == .documents ? .document : .plain
    case .slice:
      return input == .documents ? .documents : .plain
    case .listProjection(let left, let right):
      return projected(right, over: element(of: shape(of: left, over: input)))
    case .filterProjection(let left, let right, let condition):
      let item = element(of: shape(of: left, over: input))
      // Only the condition's truth counts, and a document is never false (never empty).
      _ = shape(of: condition, over: item)
      return projected(right, over: item)
    case .flatten(let inner):
      // A document is not an array: flattening an array of them keeps them as they are.
      let inner = shape(of: inner, over: input)
      return inner == .documents ? .documents : .plain
    case .or(let left, let right), .and(let left, let right):
      return joined(shape(of: left, over: input), shape(of: right, over: input))
    case .not(let inner):
      _ = shape(of: inner, over: input)
      return .plain
    case .comparison(_, let left, let right):
      // Equality of documents compares every field.
      escapes(shape(of: left, over: input))
      escapes(shape(of: right, over: input))
      return .plain
    case .multiSelectList(let elements):
      for element in elements { escapes(shape(of: element, over: input)) }
      return .plain
    case .multiSelectHash(let pairs):
      for pair in pairs { escapes(shape(of: pair.value, over: input)) }
      return .plain
    case .builtinFunction(let name, let arguments):
      return called(name, arguments, over: input)
    case .expressionReference, .other:
      everything = true
      return .plain
    }
  }

  /// The functions that take documents without looking at them whole.
  mutating func called(_ name: String, _ arguments: [ExpressionPart], over input: Shape) -> Shape {
    switch (name, arguments.count) {
    case ("length", 1), ("keys", 1):
      // An array's length, or a document's keys or their number (which all stay).
      _ = shape(of: arguments[0], over: input)
      return .plain
    case ("reverse", 1):
      return shape(of: arguments[0], over: input) == .documents ? .documents : .plain
    case ("sort_by", 2), ("max_by", 2), ("min_by", 2):
      let array = shape(of: arguments[0], over: input)
      guard case .expressionReference(let key) = arguments[1].kind else {
        everything = true
        return .plain
      }
      escapes(shape(of: key, over: element(of: array)))
      if array != .documents { return .plain }
      return name == "sort_by" ? .documents : .document
    case ("map", 2):
      guard case .expressionReference(let body) = arguments[0].kind else {
        everything = true
        return .plain
      }
      return projected(body, over: element(of: shape(of: arguments[1], over: input)))
    default:
      for argument in arguments {
        if case .expressionReference = argument.kind {
          everything = true
          return .plain
        }
        escapes(shape(of: argument, over: input))
      }
      return .plain
    }
  }

  /// `right` over each element of an array of `item`s, collected.
  mutating func projected(_ right: ExpressionPart, over item: Shape) -> Shape {
    switch shape(of: right, over: item) {
    case .plain: return .plain
    case .document: return .documents
    case .documents:
      everything = true
      return .plain
    }
  }

  func element(of array: Shape) -> Shape {
    array == .documents ? .document : .plain
  }

  /// Either value: a plain one adds nothing to what a document may show.
  mutating func joined(_ a: Shape, _ b: Shape) -> Shape {
    if a == b || b == .plain { return a }
    if a == .plain { return b }
    everything = true
    return .plain
  }

  /// A document that reaches something which may look at all of it.
  mutating func escapes(_ shape: Shape) {
    if shape != .plain { everything = true }
  }
}
