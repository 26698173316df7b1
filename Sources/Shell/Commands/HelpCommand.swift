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
      """)

  @Argument(help: "A command, with subcommands for a group (az acr repository list).")
  var command: [String] = []

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    session.print(try Self.text(for: command))
    return .nothing
  }

  static func text(for words: [String]) throws -> String {
    guard let name = words.first else { return overview() }
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
      Keys: emacs editing, Up/Down and Ctrl-R for history, Tab to complete, Ctrl-C drops the
      line, Ctrl-D on an empty line leaves.

      """
    return text
  }
}
