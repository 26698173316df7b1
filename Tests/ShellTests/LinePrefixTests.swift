import SeededRandom
import Testing

@testable import Shell

/// The completer reads the line up to the cursor with `LineParser` in its tolerant mode:
/// the same grammar as a line that runs, so both agree on stages, words and quotes.
struct LinePrefixTests {
  static let names: Set<String> = ["manifests", "delete", "tags", "use", "az"]

  func prefix(_ text: String) -> LinePrefix {
    LineParser.prefix(of: text, commandNames: Self.names)
  }

  @Test func aCommandWordUnderTheCursor() {
    let typed = prefix("manifests team1/ser")
    #expect(typed.completedWords == ["manifests"])
    #expect(typed.currentWord == "team1/ser")
    #expect(!typed.isExpressionStage && !typed.onFirstWord)
  }

  @Test func aBlankEndsTheWord() {
    let typed = prefix("manifests --all ")
    #expect(typed.completedWords == ["manifests", "--all"])
    #expect(typed.currentWord == "")
  }

  @Test func aCommandNameBeingTypedIsNotYetACommand() {
    let typed = prefix("manifests")
    #expect(typed.completedWords == [])
    #expect(typed.currentWord == "manifests")
    #expect(typed.onFirstWord && !typed.isExpressionStage)
  }

  @Test func anOpenQueryQuoteIsAQueryValue() {
    for line in [
      "manifests --query '[?ta", "manifests --query \"[?tags==`x\\\"", "tags r --query '",
    ] {
      #expect(prefix(line).inQueryValue, "\(line)")
    }
    // Another flag's quoted value, and a query that was closed, are not.
    #expect(!prefix("manifests -o 'ts").inQueryValue)
    #expect(!prefix("manifests --query '[0]' ").inQueryValue)
  }

  @Test func stagesBeforeThePipeAreRemembered() {
    let typed = prefix("use prod; manifests r --all | [?tags==null] | delete --ye")
    #expect(typed.earlierStages == [["manifests", "r", "--all"], []])
    #expect(typed.completedWords == ["delete"])
    #expect(typed.currentWord == "--ye")
  }

  /// `||` is JMESPath's or, in an expression and inside a command's word alike: no stage
  /// ends there.
  @Test func orIsNotAPipe() {
    let typed = prefix("manifests r --query [?a||b].d")
    #expect(typed.earlierStages == [])
    #expect(typed.currentWord == "[?a||b].d")
    let expression = prefix("[?a || b].dig")
    #expect(expression.isExpressionStage && expression.earlierStages == [])
  }

  @Test func aPipeInsideABracketOrQuoteIsText() {
    #expect(prefix("manifests --query '[0] | x").earlierStages == [])
    #expect(prefix("[?contains(tags, '|')] | ").earlierStages == [[]])
  }

  @Test func aContinuedLineIsOneStage() {
    let typed = prefix("manifests r \\\n  --all --to")
    #expect(typed.completedWords == ["manifests", "r", "--all"])
    #expect(typed.currentWord == "--to")
  }

  /// Every prefix of a random line is read without a crash, and a line that runs and a
  /// pipe typed after it give the completer exactly the command stages the parser found.
  @Test func theTolerantModeAgreesWithTheParser() {
    let language = CommandLanguage(commandNames: Self.names)
    var random = SeededRandom(seed: 0x9E_F1)
    var compared = 0
    for _ in 0..<5_000 {
      var line = ""
      for _ in 0..<(1 + random.next() % 8) {
        line += random.pick(CommandLanguageFuzzTests.fragments)
      }
      let scalars = Array(line.unicodeScalars)
      for end in 0...scalars.count {
        _ = prefix(String(String.UnicodeScalarView(scalars[0..<end])))
      }
      guard let pipelines = try? language.parse(line), let last = pipelines.last,
        !line.unicodeScalars.reversed().drop(while: LineParser.isBlank).starts(with: [";"])
      else { continue }
      let commands = last.stages.compactMap { stage -> [String]? in
        if case .command(let name, let arguments) = stage { return [name] + arguments }
        return nil
      }
      let typed = prefix(line + " | ")
      #expect(typed.earlierStages.filter { !$0.isEmpty } == commands, "\(line)")
      compared += 1
    }
    #expect(compared > 200, "only \(compared) lines compared")
  }
}
