import ArgumentParser
import JMESPath

/// A command of the shell. One ArgumentParser definition serves `regsh NAME …` on the
/// command line, `NAME …` in the REPL or a script, and the completion scripts.
public protocol SessionCommand: AsyncParsableCommand {
  /// Runs the command; `input` is the result of the previous pipeline stage, if any.
  /// Returns the document to print or to hand to the next stage.
  mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult
}

/// What a command produced and how it should be printed when it ends the pipeline.
public struct CommandResult {
  public var value: JSON?
  public var output: OutputSettings
  /// A process exit status other than 0 that is not an error (az's cancelled prompt).
  public var status: Int32
  /// `value` is already the result of `output.query` (the store answered it: issue 15's
  /// pushdown); the query is not applied again, but the output is still a query's.
  public var queryApplied = false

  public init(_ value: JSON?, output: OutputOptions? = nil, status: Int32 = 0) {
    self.value = value
    // Read the parsed options now: a default-constructed OutputOptions has no values yet.
    self.output =
      output.map { OutputSettings(query: $0.query, format: $0.output) } ?? OutputSettings()
    self.status = status
  }

  public static var nothing: CommandResult { CommandResult(nil) }
}

extension SessionCommand {
  /// From the system command line: a fresh session, the result printed, errors on stderr.
  public mutating func run() async throws {
    let session = Session()
    session.keepsIntermediateResults = true
    let status = await session.run(self)
    if status != 0 { throw ExitCode(status) }
  }
}
