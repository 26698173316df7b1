import ArgumentParser
import Foundation
import JMESPath

/// `exit [STATUS]`: leaves the shell (or ends a script) with STATUS.
public struct ExitCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "exit", abstract: "Leave the shell (Ctrl-D does the same).",
    discussion: """
      Examples:
        exit
        exit 3
      """)

  @Argument(help: "The exit status.")
  var status: Int32 = 0

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    // History is saved after every line and output is written unbuffered: nothing is lost.
    Foundation.exit(status)
  }
}
