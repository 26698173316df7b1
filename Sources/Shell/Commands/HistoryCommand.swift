import ArgumentParser
import JMESPath

/// `history`: the lines typed at the prompt, numbered, oldest first.
public struct HistoryCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "history", abstract: "Show the lines typed at the prompt, numbered.",
    discussion: """
      The history is kept in the file `history` under REGSH_HOME (mode 0600).

      Examples:
        history
        history --last 10
      """)

  @Option(help: "Only the last N entries.", transform: ArgumentCheck.nonNegative)
  var last: Int?

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let entries =
      REPL.isRunning
      ? LineHistory.currentEntries() : LineHistory(location: session.location).savedEntries()
    let first = max(0, entries.count - (last ?? entries.count))
    let width = String(entries.count).count
    var text = ""
    for (index, entry) in entries.enumerated().dropFirst(first) {
      let number = String(index + 1)
      let lines = entry.split(separator: "\n", omittingEmptySubsequences: false).map {
        TerminalSafeText.escape(String($0))
      }
      let pad = String(repeating: " ", count: width - number.count)
      text += "\(pad)\(number)  \(lines[0])\n"
      for line in lines.dropFirst() {
        text += String(repeating: " ", count: width + 2) + line + "\n"
      }
    }
    session.print(text)
    return .nothing
  }
}
