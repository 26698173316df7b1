import ArgumentParser
import JMESPath

/// `set [dialect NAME]`: the shell's settings; today the JMESPath dialect.
public struct SetCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "set", abstract: "Show or change a shell setting (the query dialect).",
    discussion: """
      Settings:
        dialect   default (jmespath.py's results, as az), community (JMESPath Community's
                  where the editions differ) or strict (the specification alone)

      Examples:
        set
        set dialect community
      """)

  @Argument(help: "The setting: dialect.")
  var name: String?

  @Argument(help: "Its new value; without one, the current value is shown.")
  var value: String?

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    guard let name else {
      session.print("dialect \(session.dialect.rawValue)")
      return .nothing
    }
    guard name == "dialect" else {
      throw ShellError.usage("unknown setting '\(name)'; the settings are: dialect")
    }
    guard let value else {
      session.print("dialect \(session.dialect.rawValue)")
      return .nothing
    }
    guard let dialect = Dialect(rawValue: value) else {
      throw ShellError.usage(
        "unknown dialect '\(value)'; choose one of: "
          + Dialect.allCases.map(\.rawValue).joined(separator: ", "))
    }
    session.dialect = dialect
    return .nothing
  }
}
