/// A line that is not a well-formed regsh command line, with where to put the caret.
public struct CommandLanguageError: Error, Equatable, Sendable, CustomStringConvertible {
  public enum Kind: String, Sendable {
    /// A `'`, `"` or backtick with no closing one.
    case unclosedQuote = "unclosed-quote"
    /// A `[`, `{` or `(` with no closing one.
    case unclosedBracket = "unclosed-bracket"
    /// A `]`, `}` or `)` that does not close the innermost open bracket.
    case mismatchedBracket = "mismatched-bracket"
    /// A backslash at the very end of a command stage, escaping nothing.
    case trailingBackslash = "trailing-backslash"
    /// Nothing between two pipes, before the first or after the last, or after `||`.
    case emptyStage = "empty-stage"
  }

  public let kind: Kind
  public let message: String
  /// The offset of the failing character in the parsed text, in Unicode scalars, counted
  /// from 0 across every line of it (the unit of `JMESPathError.position`).
  public let column: Int

  public init(_ kind: Kind, _ message: String, column: Int) {
    self.kind = kind
    self.message = message
    self.column = column
  }

  public var description: String { "\(kind.rawValue): \(message)" }

  /// The line of `text` that holds the error, and a caret under the failing character.
  public func caretDiagram(for text: String) -> String {
    let scalars = Array(text.unicodeScalars)
    let offset = min(column, scalars.count)
    var lineStart = offset
    while lineStart > 0, scalars[lineStart - 1] != "\n" { lineStart -= 1 }
    var lineEnd = offset
    while lineEnd < scalars.count, scalars[lineEnd] != "\n" { lineEnd += 1 }
    // A tab would move the text but not the caret: show it as a space.
    let line = scalars[lineStart..<lineEnd].map { $0 == "\t" || $0 == "\r" ? " " : $0 }
    return String(String.UnicodeScalarView(line)) + "\n"
      + String(repeating: " ", count: offset - lineStart) + "^"
  }
}
