/// What Tab completion needs to know of a line typed up to the cursor.
struct LinePrefix: Equatable {
  /// The earlier stages of the pipeline the cursor is in: a command stage's name and
  /// arguments, `[]` for an expression stage.
  var earlierStages: [[String]] = []
  /// The cursor's stage, when it is a command stage: the command's name and the words after
  /// it that are complete (a blank follows them), quotes removed.
  var completedWords: [String] = []
  /// The word under the cursor as a command sees it: quotes removed, `@` and `:` kept.
  var currentWord = ""
  /// The cursor's stage is JMESPath, not a command.
  var isExpressionStage = false
  /// The cursor is still on the stage's first word (nothing but it typed in the stage).
  var onFirstWord = true
  /// The cursor is inside a quoted value that follows `--query`.
  var inQueryValue = false
  /// The cursor's stage, as typed.
  var stageText = ""
}

extension LineParser {
  /// Reads `text`, which ends at the cursor, with the same grammar as a line that runs, and
  /// never fails: a quote, group or pipe left open is simply where the user is.
  static func prefix(of text: String, commandNames: Set<String>) -> LinePrefix {
    var parser = LineParser(text, commandNames: commandNames)
    parser.tolerant = true
    return parser.parsePrefix()
  }

  private mutating func parsePrefix() -> LinePrefix {
    var earlierStages: [[String]] = []
    while true {
      skipBlanks()
      var stage = LinePrefix(earlierStages: earlierStages)
      let start = position
      func text(from start: Int) -> String {
        String(String.UnicodeScalarView(scalars[start..<position]))
      }
      if atEnd { return stage }
      if scalars[position] == ";" {
        position += 1
        earlierStages = []
        continue
      }
      if isPipe(at: position) {
        // An empty stage: an error when run, nothing to remember when completing.
        position += 1
        continue
      }
      var words: [String]
      if let name = commandName() {
        if atEnd {
          // The name is still being typed: `manifests` may yet become something longer.
          stage.currentWord = name
          stage.stageText = text(from: start)
          return stage
        }
        words = [name]
        while true {
          while true {
            skipBlanks()
            guard scalar(at: position) == "\\", scalar(at: position + 1) == "\n" else { break }
            position += 2
          }
          if atEnd {
            stage.completedWords = words
            stage.onFirstWord = false
            stage.stageText = text(from: start)
            return stage
          }
          if scalars[position] == ";" || isPipe(at: position) { break }
          let wordStart = position
          openQuote = nil
          // Tolerant: a quote or group left open runs to the end instead of throwing.
          let word = (try? parseWord()) ?? ""
          if atEnd {
            stage.completedWords = words
            stage.currentWord = word
            stage.onFirstWord = false
            stage.inQueryValue =
              openQuote != nil && words.last == "--query" && scalars[wordStart] == openQuote
            stage.stageText = text(from: start)
            return stage
          }
          words.append(word)
        }
      } else {
        let end = (try? parseExpressionStage()) ?? scalars.count
        if atEnd {
          let typed = String(String.UnicodeScalarView(scalars[start..<end]))
          let hasBlank = scalars[start..<scalars.count].contains(where: Self.isBlank)
          stage.stageText = text(from: start)
          stage.onFirstWord = !hasBlank
          // A first word that is not a command yet could still become one, unless it holds
          // what no command name does.
          stage.isExpressionStage =
            hasBlank
            || typed.unicodeScalars.contains { "[{(.'\"`@*!&|=<>".unicodeScalars.contains($0) }
          if !hasBlank { stage.currentWord = typed }
          return stage
        }
        words = []
      }
      // The stage ended at `;` or a pipe; the cursor is further on.
      if scalars[position] == ";" {
        earlierStages = []
      } else {
        earlierStages.append(words)
      }
      position += 1
    }
  }
}
