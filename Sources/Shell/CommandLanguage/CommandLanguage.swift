/// Parses what the user types at the regsh prompt, passes to `regsh -c`, or pipes in:
/// `;`-separated pipelines of commands and JMESPath expressions (`grammar/regsh.ebnf`).
///
///     manifests acr-helloworld | [?tags==null].digest | delete --yes
///
/// The parser only needs to know the command names: a stage whose first word is one of
/// them is a command, any other stage is JMESPath.
public struct CommandLanguage: Sendable {
  public let commandNames: Set<String>

  public init(commandNames: Set<String>) {
    self.commandNames = commandNames
  }

  /// The line's pipelines in order; empty commands (`;;`, a blank line) are left out.
  public func parse(_ line: String) throws(CommandLanguageError) -> [Pipeline] {
    var parser = LineParser(line, commandNames: commandNames)
    return try parser.parseLine()
  }

  /// Whether `text` stops in the middle of something — a quote, a bracket, a trailing `|`
  /// or a trailing backslash — so the REPL should read another line, join it with a
  /// newline and parse the whole.
  public func needsContinuation(_ text: String) -> Bool {
    do {
      _ = try parse(text)
      return false
    } catch {
      switch error.kind {
      case .unclosedQuote, .unclosedBracket, .trailingBackslash:
        return true
      case .emptyStage:
        // Only a pipe at the end waits for its next stage; "| a" or "a | | b" is wrong as it is.
        let scalars = Array(text.unicodeScalars)
        return error.column < scalars.count && scalars[error.column] == "|"
          && scalars[(error.column + 1)...].allSatisfy(LineParser.isBlank)
      case .mismatchedBracket:
        return false
      }
    }
  }
}
