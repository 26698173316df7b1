/// Splits script text into commands (`;` or newline) and words (whitespace), honouring
/// `'…'`, `"…"` and backslash escapes, as a POSIX shell does for these cases.
// TODO(shell-language): replaced by the command-language parser (pipelines) on merge.
enum ScriptWords {
  struct UnclosedQuote: Error, CustomStringConvertible {
    let quote: Character
    var description: String { "unclosed \(quote) quote" }
  }

  static func split(_ text: String) throws -> [[String]] {
    var commands: [[String]] = []
    var words: [String] = []
    var word = ""
    var inWord = false
    var quote: Character?
    var escaped = false
    func endWord() {
      if inWord { words.append(word) }
      word = ""
      inWord = false
    }
    for c in text {
      if escaped {
        word.append(c)
        escaped = false
        continue
      }
      if let q = quote {
        if c == q {
          quote = nil
        } else if c == "\\" && q == "\"" {
          escaped = true
        } else {
          word.append(c)
        }
        continue
      }
      switch c {
      case "'", "\"":
        quote = c
        inWord = true
      case "\\":
        escaped = true
        inWord = true
      case " ", "\t":
        endWord()
      case ";", "\n":
        endWord()
        commands.append(words)
        words = []
      default:
        word.append(c)
        inWord = true
      }
    }
    if let quote { throw UnclosedQuote(quote: quote) }
    endWord()
    commands.append(words)
    return commands
  }
}
