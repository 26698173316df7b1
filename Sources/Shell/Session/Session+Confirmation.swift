import Foundation
import RegistryAPI

extension Session {
  /// Asks a yes/no question the way az (knack's `prompt_y_n`) does: `QUESTION (y/n): `,
  /// asked again until the answer is y, yes, n or no. Without a terminal on standard input
  /// nobody can answer, so it refuses instead of guessing.
  func confirm(_ question: String) throws -> Bool {
    guard isatty(STDIN_FILENO) == 1 else { throw ShellError.noTerminalForPrompt }
    while true {
      // The question may quote registry text (names, tags): escaped as every message is.
      ByteIO.write(TerminalText.escapeMessage(question) + " (y/n): ", to: ByteIO.standardError)
      guard let answer = Self.readAnswerLine() else { return false }
      switch answer.trimmingCharacters(in: .whitespaces).lowercased() {
      case "y", "yes": return true
      case "n", "no": return false
      default: ByteIO.write("Please enter 'y' or 'n'.\n", to: ByteIO.standardError)
      }
    }
  }

  /// One line from standard input, read a byte at a time so that nothing after it is taken
  /// from the commands that follow; nil at end of input.
  static func readAnswerLine() -> String? {
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while true {
      let n = read(STDIN_FILENO, &byte, 1)
      if n < 0, errno == EINTR { continue }
      if n <= 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
      if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
      bytes.append(byte)
    }
  }
}
