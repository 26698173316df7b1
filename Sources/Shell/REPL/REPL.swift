import Foundation

/// A value handed to a task that runs while its owner waits for it, never alongside it.
struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}

/// The interactive shell on a terminal: read a line (more while a bracket or quote is
/// open), run it, carry on whatever happened, until Ctrl-D or `exit`.
public final class REPL {
  /// Whether a REPL runs in this process: `history` then lists its live history.
  nonisolated(unsafe) static var isRunning = false

  let session: Session
  let history: LineHistory
  let editor: LineEditor

  public init(session: Session) {
    self.session = session
    history = LineHistory(location: session.location)
    editor = LineEditor(completer: Completer(source: SessionCompletionSource(session: session)))
  }

  var prompt: String {
    session.currentRegistry.map { "regsh(\(TerminalSafeText.escape($0)))> " } ?? "regsh> "
  }

  static let continuationPrompt = "...> "

  /// Runs until end of input; returns the exit status for the process.
  public func run() async -> Int32 {
    Self.isRunning = true
    defer { Self.isRunning = false }
    history.load()
    while true {
      guard let entry = readEntry() else {
        ByteIO.write("\n")
        return 0
      }
      guard !entry.allSatisfy(\.isWhitespace) else { continue }
      if !LineHistory.holdsSecret(entry) { history.add(entry) }
      let status = await runCancellable(entry)
      if status != 0, let hint = Self.unknownCommandHint(entry) {
        session.printError(hint)
      }
    }
  }

  /// Runs a line; Ctrl-C meanwhile cancels it (a sync stops its requests) and the shell
  /// carries on.
  func runCancellable(_ entry: String) async -> Int32 {
    let session = UncheckedSendable(self.session)
    let work = Task { await session.value.runLine(entry) }
    let watcher = Task {
      while !Task.isCancelled {
        if LineEditor.interruptPending() {
          // The terminal has echoed ^C; what the cancelled command says goes below it.
          ByteIO.write("\n", to: ByteIO.standardError)
          work.cancel()
          return
        }
        try? await Task.sleep(nanoseconds: 50_000_000)
      }
    }
    let status = await work.value
    watcher.cancel()
    _ = LineEditor.takeInterrupt()
    return status
  }

  /// One entry: a line, joined with the lines after it while something is left open.
  /// Nil at end of input; an empty entry after Ctrl-C.
  func readEntry() -> String? {
    var text: String?
    while true {
      switch editor.read(prompt: text == nil ? prompt : Self.continuationPrompt) {
      case .end:
        if text != nil {
          session.printError("\nerror: end of input inside an unfinished line; it was not run")
        }
        return nil
      case .interrupted:
        ByteIO.write("^C\n")
        return ""
      case .line(let line):
        let joined = text.map { $0 + "\n" + line } ?? line
        if !Session.language.needsContinuation(joined) { return joined }
        text = joined
      }
    }
  }

  /// For a line whose first word looks like a mistyped command (the parser took it for
  /// JMESPath): the nearest command name.
  static func unknownCommandHint(_ line: String) -> String? {
    guard let first = Session.commandLikeWord(line), Session.commandTypes[first] == nil,
      first != "acr", let near = Session.nearestCommand(to: first)
    else { return nil }
    return "hint: '\(first)' is not a command; did you mean '\(near)'? (try `help`)"
  }
}
