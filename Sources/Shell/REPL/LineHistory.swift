@preconcurrency import CLibedit
import Foundation
import MetadataCache

/// The REPL's history: in libedit while the REPL runs, saved to `history` in the state
/// directory (`$REGSH_HOME`) after every line, readable by its owner only.
struct LineHistory {
  static let limit: Int32 = 1000
  let file: URL

  init(location: CacheLocation) {
    file = location.stateDirectory.appendingPathComponent("history")
  }

  /// Whether the entry passes a password on its command line (`login -p SECRET`): such a
  /// line is run but never kept, since credentials must not reach the history file.
  static func holdsSecret(_ entry: String) -> Bool {
    let words = entry.split { $0.isWhitespace || $0 == ";" || $0 == "|" }
    guard words.contains("login") else { return false }
    return words.contains {
      $0 == "-p" || $0 == "--password" || $0.hasPrefix("--password=")
        || ($0.hasPrefix("-p") && !$0.hasPrefix("--"))
    }
  }

  /// Loads the saved history into libedit.
  func load() {
    stifle_history(Self.limit)
    if FileManager.default.fileExists(atPath: file.path) { _ = read_history(file.path) }
  }

  /// Adds an entry and saves the whole history.
  func add(_ entry: String) {
    _ = add_history(entry)
    save()
  }

  func save() {
    try? FileManager.default.createDirectory(
      at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    // Created 0600 before libedit opens it, so no other user can read it even briefly.
    let fd = open(file.path, O_WRONLY | O_CREAT, 0o600)
    if fd >= 0 { close(fd) }
    _ = write_history(file.path)
    chmod(file.path, 0o600)
  }

  /// The entries in libedit, oldest first.
  static func currentEntries() -> [String] {
    let base = regsh_history_base()
    return (0..<regsh_history_length()).compactMap { offset in
      history_get(base + offset).flatMap { $0.pointee.line.map { String(cString: $0) } }
    }
  }

  /// The entries of the history file, oldest first, read without a terminal.
  func savedEntries() -> [String] {
    guard FileManager.default.fileExists(atPath: file.path), let history = history_init() else {
      return []
    }
    defer { history_end(history) }
    var event = HistEvent()
    _ = regsh_history_set_size(history, &event, Self.limit)
    guard regsh_history_load(history, &event, file.path) >= 0 else { return [] }
    var entries: [String] = []
    var status = regsh_history_last(history, &event)
    while status >= 0, let text = event.str {
      entries.append(String(cString: text))
      status = regsh_history_prev(history, &event)
    }
    return entries
  }
}
