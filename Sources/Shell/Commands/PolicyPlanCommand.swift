import ArgumentParser
import Cleanup
import Foundation
import JMESPath

/// `policy plan FILE`: every candidate, its action, the rules that chose and kept it, its
/// time and the bytes freed, and the totals. Changes nothing.
public struct PolicyPlanCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Print what a policy would untag, delete and keep, and why (changes nothing).")

  @Argument(help: "The policy file (YAML or JSON).")
  var file: String?

  @OptionGroup var source: PolicySourceOptions

  @Option(help: "Also save the plan here, for `policy apply --plan`.")
  var out: String?

  @Flag(help: "Exit 0 when there is nothing to do, 2 when changes are planned, 1 on error.")
  var detailedExitcode = false

  @OptionGroup var outputOptions: OutputOptions

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let file = self.file
    let source = self.source
    let out = self.out
    let detailed = detailedExitcode
    let outputOptions = self.outputOptions
    return try await session.policyCommand {
      let policy = try source.load(file: file)
      let (_, plan) = try await source.plan(policy, in: session)
      let document = plan.document
      if let out {
        do {
          try Data(JSONWriter().string(document).utf8).write(to: URL(fileURLWithPath: out))
        } catch {
          throw ShellError.failed("cannot write the plan to \(out): \(error.localizedDescription)")
        }
      }
      let status: Int32 = detailed && plan.decisions.contains(where: \.goes) ? 2 : 0
      // A plan of a million decisions is freed while the process goes on (or exits); a
      // one-shot run keeps its document until exit, as the session keeps its last result.
      BackgroundRelease.release(consume plan)
      if session.keepsIntermediateResults { ProcessLifetime.keep(document) }
      return CommandResult(document, output: outputOptions, status: status)
    }
  }
}
