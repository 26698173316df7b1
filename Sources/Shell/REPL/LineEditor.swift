@preconcurrency import CLibedit
import Foundation

/// The terminal line editor: libedit's readline interface, with emacs keys, Ctrl-R search,
/// history and regsh's Tab completion.
final class LineEditor {
  enum Input: Equatable {
    case line(String)
    /// Ctrl-C: the line being typed is dropped.
    case interrupted
    /// Ctrl-D on an empty line.
    case end
  }

  /// The completer the C callback asks; libedit's callbacks cannot capture context.
  nonisolated(unsafe) static var completer: Completer?
  nonisolated(unsafe) static var pendingMatches: [String] = []
  nonisolated(unsafe) static var pendingIndex = 0

  init(completer: Completer) {
    Self.useUTF8Locale()
    Self.completer = completer
    regsh_rl_set_readline_name("regsh")
    regsh_rl_set_word_break_characters(Self.wordBreaks)
    regsh_rl_set_completion(Self.attemptCompletion)
    // libedit's own handler would re-raise SIGINT to the process group; ours only marks
    // it, and regsh_getc ends the line.
    regsh_rl_set_catch_signals(0)
    regsh_rl_use_getc()
    regsh_install_sigint_handler()
    rl_initialize()
    using_history()
  }

  /// libedit keeps the pointer, so the string lives as long as the process.
  nonisolated(unsafe) private static let wordBreaks: UnsafeMutablePointer<CChar> = strdup(
    Completer.wordBreakCharacters)!

  /// libedit drops non-ASCII input in the C locale: take the user's, else C.UTF-8.
  static func useUTF8Locale() {
    setlocale(LC_CTYPE, "")
    let codeset = String(cString: nl_langinfo(nl_item(CODESET))).uppercased()
    if codeset != "UTF-8" && codeset != "UTF8" {
      setlocale(LC_CTYPE, "C.UTF-8")
    }
  }

  static func interruptPending() -> Bool { regsh_interrupt_pending() != 0 }
  static func takeInterrupt() -> Bool { regsh_take_interrupt() != 0 }

  func read(prompt: String) -> Input {
    _ = regsh_take_interrupt()
    guard let pointer = readline(prompt) else {
      return regsh_take_interrupt() != 0 ? .interrupted : .end
    }
    defer { free(pointer) }
    // A Ctrl-C that libedit turned into an empty line.
    if regsh_take_interrupt() != 0 { return .interrupted }
    return .line(String(cString: pointer))
  }

  /// rl_attempted_completion_function: the matches for `text`, the word libedit will
  /// replace, computed by `Completer` from the whole line up to the cursor.
  static let attemptCompletion:
    @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<
      UnsafeMutablePointer<CChar>?
    >? = { text, _, _ in
      regsh_rl_set_attempted_completion_over(1)
      guard let completer = LineEditor.completer, let text else { return nil }
      guard let before = regsh_rl_line_before_point() else { return nil }
      let line = String(cString: before)
      free(before)
      let completion = completer.complete(line)
      let libeditWord = String(cString: text)
      pendingMatches = completion.candidates.compactMap {
        adjust($0, from: completion.word, to: libeditWord)
      }
      pendingIndex = 0
      guard !pendingMatches.isEmpty else { return nil }
      regsh_rl_set_completion_append_character(completion.appendSpace ? 32 : 0)
      return rl_completion_matches(text, nextMatch)
    }

  /// A candidate for `word` rewritten for libedit's `text`, when the two words differ in
  /// where they start (libedit breaks at `@` and `:` differently than a command word).
  static func adjust(_ candidate: String, from word: String, to text: String) -> String? {
    if word == text { return candidate }
    if word.hasSuffix(text) {
      let drop = word.count - text.count
      return String(candidate.dropFirst(drop))
    }
    if text.hasSuffix(word) { return String(text.dropLast(word.count)) + candidate }
    return nil
  }

  /// rl_compentry_func_t: the next match, strdup'ed for libedit to free.
  static let nextMatch:
    @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<
      CChar
    >? = { _, state in
      if state == 0 { LineEditor.pendingIndex = 0 }
      guard LineEditor.pendingIndex < LineEditor.pendingMatches.count else { return nil }
      defer { LineEditor.pendingIndex += 1 }
      return strdup(LineEditor.pendingMatches[LineEditor.pendingIndex])
    }
}
