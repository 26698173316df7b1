import OrderedCollections

/// The keys of a JSON object in the order the document wrote them; az output keeps that
/// order after `--query`, so the value type does too.
public typealias JSONObject = OrderedDictionary<String, JSON>

/// A JSON value as JMESPath sees it.
///
/// Integers and floats are separate cases so that `1` prints as `1` and a float
/// round-trips, but they compare by numeric value: `1 == 1.0`.
public enum JSON: Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSON])
  case object(JSONObject)
}

extension JSON {
  /// The JMESPath type name: what `type()` returns and what error messages say.
  public var typeName: String {
    switch self {
    case .null: "null"
    case .bool: "boolean"
    case .int, .double: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    }
  }

  /// JMESPath truthiness: false, null, and empty strings, arrays and objects are false;
  /// every number (0 too) is true.
  public var isTruthy: Bool {
    switch self {
    case .null: false
    case .bool(let b): b
    case .int, .double: true
    case .string(let s): !s.isEmpty
    case .array(let a): !a.isEmpty
    case .object(let o): !o.isEmpty
    }
  }

  /// The value as a Double when it is a number.
  public var numberValue: Double? {
    switch self {
    case .int(let i): Double(i)
    case .double(let d): d
    default: nil
    }
  }

  public var isNumber: Bool {
    switch self {
    case .int, .double: true
    default: false
    }
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var arrayValue: [JSON]? {
    if case .array(let a) = self { return a }
    return nil
  }

  public var objectValue: JSONObject? {
    if case .object(let o) = self { return o }
    return nil
  }

  /// A member of an object, or null for anything else, as JMESPath field access works.
  @inline(__always)
  public subscript(field: String) -> JSON {
    if case .object(let o) = self, let v = o[field] { return v }
    return .null
  }

  /// A number that is whole and exactly representable prints without a fraction.
  static func number(_ d: Double) -> JSON {
    if d.rounded() == d, abs(d) < 9_007_199_254_740_992 { return .int(Int(d)) }
    return .double(d)
  }
}

extension JSON: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
  ExpressibleByDictionaryLiteral
{
  public init(nilLiteral: ()) { self = .null }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(floatLiteral value: Double) { self = .double(value) }
  public init(stringLiteral value: String) { self = .string(value) }
  public init(arrayLiteral elements: JSON...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, JSON)...) {
    self = .object(JSONObject(elements, uniquingKeysWith: { _, last in last }))
  }
}
