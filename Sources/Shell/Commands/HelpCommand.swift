import ArgumentParser
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
    return root.helpMessage(for: type)
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
