import JMESPath

/// A `--query` that failed: printed with the expression and a caret under the column.
struct ExpressionFailure: Error, CustomStringConvertible {
  let error: JMESPathError
  /// The text shown: the expression, or the whole line it stands in.
  let expression: String
  /// Where the expression starts in `expression`, in Unicode scalars.
  var offset = 0

  /// The error with its position moved from the expression into the shown text.
  var shown: JMESPathError {
    JMESPathError(error.kind, error.message, position: error.position.map { $0 + offset })
  }

  var description: String { QueryCommand.describe(shown, in: expression) }
}

extension Session {
  /// Applies `--query`, remembers the result as `_`, and prints it in the `-o` format.
  func emit(_ result: CommandResult) throws {
    guard var value = result.value else { return }
    var fromQuery = false
    if let expression = result.output.query {
      if keepsIntermediateResults { ProcessLifetime.keep(value) }
      do {
        value = try Expression(expression).evaluate(value)
      } catch {
        throw ExpressionFailure(error: error, expression: expression)
      }
      fromQuery = true
    }
    lastResult = value
    print(try render(value, format: result.output.format, fromQuery: fromQuery), terminator: "")
  }

  func print(_ text: String, terminator: String) {
    ByteIO.write(text + terminator)
  }
}
