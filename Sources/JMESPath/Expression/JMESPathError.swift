/// An expression that cannot be compiled or evaluated.
///
/// `kind` carries the names the JMESPath compliance suite uses, so `regsh query` can print
/// `error: KIND: message` and tests can check the exact kind.
public struct JMESPathError: Error, CustomStringConvertible, Sendable, Equatable {
  public enum Kind: String, Sendable {
    case syntax
    case invalidType = "invalid-type"
    case invalidValue = "invalid-value"
    case unknownFunction = "unknown-function"
    case invalidArity = "invalid-arity"
    /// A `$name` that no enclosing `let` binds (JMESPath Community).
    case undefinedVariable = "undefined-variable"
    /// Arithmetic without a finite result: division by zero, overflow (JMESPath Community).
    case notANumber = "not-a-number"
  }

  public let kind: Kind
  /// What was expected and what was found.
  public let message: String
  /// For syntax errors: the offset, in Unicode scalars, of the failing position.
  public let position: Int?

  public init(_ kind: Kind, _ message: String, position: Int? = nil) {
    self.kind = kind
    self.message = message
    self.position = position
  }

  public var description: String { "\(kind.rawValue): \(message)" }

  /// The same error pointing at `position`, unless it already points somewhere.
  public func at(_ position: Int) -> JMESPathError {
    self.position == nil ? JMESPathError(kind, message, position: position) : self
  }

  /// The expression on one line and a caret under the failing column, for syntax errors.
  public func caretDiagram(for expression: String) -> String? {
    guard let position else { return nil }
    let scalars = Array(expression.unicodeScalars)
    // Tabs and newlines would misplace the caret; show them as spaces.
    let line = String(
      String.UnicodeScalarView(scalars.map { $0 == "\n" || $0 == "\t" || $0 == "\r" ? " " : $0 }))
    let column = min(position, scalars.count)
    return line + "\n" + String(repeating: " ", count: column) + "^"
  }
}
