/// Which edition of JMESPath an expression is read in.
///
/// The two editions agree on almost everything; where they disagree, `default` follows
/// jmespath.py (the engine az runs) and `community` follows JMESPath Community. Both accept
/// the community's additions (arithmetic, `let`, `$`, `?:`, its functions), which only give
/// meaning to text that standard JMESPath rejects as an error.
public enum Dialect: String, Sendable, CaseIterable {
  /// jmespath.py's results for every standard expression, plus the community's additions
  /// where standard JMESPath would give an error.
  case `default`
  /// JMESPath Community's semantics where the editions disagree: `'\\'` is one backslash,
  /// a multi-select applies to `null` (`` `null` | [@] `` is `[null]`), a sub-expression
  /// stops at `null`, and slices apply to strings.
  case community
  /// The specification alone: no extension of any kind (`--strict`).
  case strict

  /// Whether the community's syntax (arithmetic, `let`, `$`, `?:`) and functions exist.
  var hasExtensions: Bool { self != .strict }
}

/// How an expression is evaluated beyond the specification.
public struct JMESPathOptions: Sendable, Equatable {
  public var dialect: Dialect
  /// `<`, `<=`, `>`, `>=` between two strings compare by code point, as jmespath.py (az's
  /// engine) does, so `[?timestamp < '2018-07-12']` works. The specification says null.
  public var orderStrings: Bool
  /// Slices apply to strings as well as arrays (a JMESPath community addition).
  public var sliceStrings: Bool

  public init(dialect: Dialect = .default) {
    self.dialect = dialect
    self.orderStrings = dialect != .strict
    self.sliceStrings = dialect == .community
  }

  public init(orderStrings: Bool, sliceStrings: Bool = false) {
    self.dialect = .default
    self.orderStrings = orderStrings
    self.sliceStrings = sliceStrings
  }

  /// The specification's rules exactly (`--strict`).
  public static let strict = JMESPathOptions(dialect: .strict)

  /// The community edition's rules where the editions disagree.
  var communitySemantics: Bool { dialect == .community }
}

/// A compiled JMESPath expression: parse once, evaluate many times, share between threads.
public struct Expression: Sendable {
  public let source: String
  public let options: JMESPathOptions
  let root: Node

  /// Compiles `source`; a syntax error, unknown function or wrong argument count is thrown here.
  ///
  /// `functions` are the host's own functions (see `FunctionDefinition`), callable in every
  /// dialect but `strict`. A call of a `pure` function whose arguments are all literals is
  /// evaluated here, once, so `[?timestamp < ago('30d')]` costs one call, not one per element.
  public init(
    _ source: String, options: JMESPathOptions = JMESPathOptions(),
    functions: [FunctionDefinition] = []
  ) throws(JMESPathError) {
    self.source = source
    self.options = options
    let table = FunctionTable.forDialect(options.dialect, adding: functions)
    self.root = try Parser.parse(source, functions: table, options: options)
  }

  public init(
    _ source: String, dialect: Dialect, functions: [FunctionDefinition] = []
  ) throws(JMESPathError) {
    try self.init(source, options: JMESPathOptions(dialect: dialect), functions: functions)
  }

  /// The result of the expression applied to `document`.
  public func evaluate(_ document: JSON) throws(JMESPathError) -> JSON {
    try Interpreter(options: options, root: document).evaluate(root, document)
  }
}

/// Compiles and evaluates in one step.
public func search(
  _ expression: String, in document: JSON, options: JMESPathOptions = JMESPathOptions(),
  functions: [FunctionDefinition] = []
)
  throws(JMESPathError) -> JSON
{
  try Expression(expression, options: options, functions: functions).evaluate(document)
}
