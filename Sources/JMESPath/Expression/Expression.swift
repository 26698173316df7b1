/// How an expression is evaluated beyond the specification.
public struct JMESPathOptions: Sendable, Equatable {
  /// `<`, `<=`, `>`, `>=` between two strings compare by code point, as jmespath.py (az's
  /// engine) does, so `[?timestamp < '2018-07-12']` works. The specification says null.
  public var orderStrings: Bool
  /// Slices apply to strings as well as arrays (a JMESPath community addition).
  public var sliceStrings: Bool

  public init(orderStrings: Bool = true, sliceStrings: Bool = false) {
    self.orderStrings = orderStrings
    self.sliceStrings = sliceStrings
  }

  /// The specification's rules exactly (`--strict`).
  public static let strict = JMESPathOptions(orderStrings: false)
}

/// A compiled JMESPath expression: parse once, evaluate many times, share between threads.
public struct Expression: Sendable {
  public let source: String
  public let options: JMESPathOptions
  let root: Node

  /// Compiles `source`; a syntax error, unknown function or wrong argument count is thrown here.
  public init(_ source: String, options: JMESPathOptions = JMESPathOptions()) throws(JMESPathError)
  {
    self.source = source
    self.options = options
    self.root = try Parser.parse(source, functions: .builtin)
  }

  /// The result of the expression applied to `document`.
  public func evaluate(_ document: JSON) throws(JMESPathError) -> JSON {
    try Interpreter(options: options).evaluate(root, document)
  }
}

/// Compiles and evaluates in one step.
public func search(
  _ expression: String, in document: JSON, options: JMESPathOptions = JMESPathOptions()
)
  throws(JMESPathError) -> JSON
{
  try Expression(expression, options: options).evaluate(document)
}
