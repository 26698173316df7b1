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
    if let query = result.output.query, !result.queryApplied {
      value = try queried(value, by: query)
    }
    lastResult = value
    try print(value, format: result.output.format, fromQuery: result.output.query != nil)
  }

  /// A command's `--query` applied to its result; an error carries the query for the caret.
  func queried(_ value: JSON, by query: String) throws -> JSON {
    if keepsIntermediateResults { ProcessLifetime.keep(value) }
    do {
      return try compile(query).evaluate(value)
    } catch {
      throw ExpressionFailure(error: error, expression: query)
    }
  }
}
