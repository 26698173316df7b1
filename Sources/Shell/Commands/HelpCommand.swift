import ArgumentParser
import Foundation
import JMESPath

/// `help [COMMAND …]`: the commands with what they do, or one command's full help.
public struct HelpCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "help", abstract: "List the commands, or show one command's help and examples.",
    discussion: """
      Examples:
        help
        help manifests
        help az acr repository show-manifests
        help functions
      """)

  @Argument(
    help: "A command, with subcommands for a group (az acr repository list), or 'functions'.")
  var command: [String] = []

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    session.print(try Self.text(for: command, dialect: session.dialect))
    return .nothing
  }

  static func text(for words: [String], dialect: Dialect = .default) throws -> String {
    guard let name = words.first else { return overview() }
    if words == ["functions"] { return functions(dialect) }
    guard var type = Session.commandTypes[name] else {
      var message = "unknown command '\(name)'"
      if let near = Session.nearestCommand(to: name) { message += "; did you mean '\(near)'?" }
      throw ShellError.usage(message)
    }
    let root = type
    for word in words.dropFirst() {
      guard
        let sub = type.configuration.subcommands.first(where: {
          $0.configuration.commandName == word
        })
      else { throw ShellError.usage("'\(word)' is not a subcommand of \(name)") }
      type = sub
    }
    var text = root.helpMessage(for: type)
    if !type.configuration.discussion.contains("Example") {
      // A group (`az`, `az acr`) shows what its commands' examples look like.
      let examples = Self.examples(under: type)
      if !examples.isEmpty {
        text +=
          (text.hasSuffix("\n") ? "\n" : "\n\n") + "Examples:\n"
          + examples.map { "  \($0)\n" }.joined()
      }
    }
    return text
  }

  /// The example lines of the commands under a group: the indented lines after
  /// "Example:" / "Examples:" in each one's discussion.
  static func examples(under type: any ParsableCommand.Type) -> [String] {
    var examples: [String] = []
    for sub in type.configuration.subcommands {
      var inExamples = false
      for line in sub.configuration.discussion.split(separator: "\n") {
        if line.hasPrefix("Example") {
          inExamples = true
        } else if inExamples, line.hasPrefix("  ") {
          examples.append(line.trimmingCharacters(in: .whitespaces))
        } else {
          inExamples = false
        }
      }
      examples += Self.examples(under: sub)
    }
    return examples
  }

  /// `help functions`: every function an expression may call in `dialect`, with its
  /// signature and an example; the language's own first, then regsh's registry functions.
  static func functions(_ dialect: Dialect) -> String {
    let all = Session.functionTable(dialect).all
    let builtin = Set(FunctionTable.forDialect(dialect).names)
    let width = all.map(\.signature.count).max() ?? 0
    func lines(_ functions: [FunctionDefinition]) -> String {
      functions.map {
        "  " + $0.signature.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.summary
          + "\n"
      }.joined()
    }
    var text = "Functions (dialect \(dialect.rawValue); set dialect NAME changes it):\n"
    text += lines(all.filter { builtin.contains($0.name) })
    let registry = all.filter { !builtin.contains($0.name) }
    if !registry.isEmpty {
      text += "\nregsh's registry functions (REGSH_NOW fixes the clock):\n" + lines(registry)
    } else {
      text += "\nThe strict dialect has the specification's functions only.\n"
    }
    return text
  }

  static func overview() -> String {
    let names = Session.commandTypes.keys.sorted()
    let width = (names.map(\.count).max() ?? 0) + 2
    var text = "Commands (help COMMAND shows its flags and examples):\n"
    for name in names {
      let abstract = Session.commandTypes[name]!.configuration.abstract
      text += "  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + abstract + "\n"
    }
    text += """

      Any other line is a JMESPath expression over the last result, and stages are piped:
        manifests acr-helloworld | [?tags==null].digest
        manifests acr-helloworld | [?timestamp < ago('30d')].digest
      help functions lists the functions; set dialect NAME picks the JMESPath edition.
      Keys: emacs editing, Up/Down and Ctrl-R for history, Tab to complete, Ctrl-C drops the
      line, Ctrl-D on an empty line leaves.

      """
    return text
  }
}
