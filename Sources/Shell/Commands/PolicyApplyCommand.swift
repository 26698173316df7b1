import ArgumentParser
import Cleanup
import Foundation
import ImageActions
import JMESPath
import MetadataCache

/// `policy apply FILE` (or `--plan PLAN.json`): plan → confirm unless --yes → live check →
/// execute → audit, through the workflows. A saved plan is checked against a fresh sync:
/// what drifted is skipped and reported, never deleted.
public struct PolicyApplyCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "apply",
    abstract: "Apply a policy, or a saved plan, through the delete and untag workflows.")

  @Argument(help: "The policy file (YAML or JSON).")
  var file: String?

  @OptionGroup var source: PolicySourceOptions

  @Option(help: "A plan saved with `policy plan --out`: only what it lists, re-checked.")
  var plan: String?

  @Flag(name: [.customLong("yes"), .customShort("y")], help: "Do not ask for confirmation.")
  var yes = false

  @Flag(help: "Exit 0 when there was nothing to do, 2 when changes were made, 1 on error.")
  var detailedExitcode = false

  @Option(help: "How many deletes run at once (1-32).")
  var concurrency: Int = 8

  @OptionGroup var outputOptions: OutputOptions

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let command = self
    return try await session.policyCommand { try await command.apply(in: session) }
  }

  func apply(in session: Session) async throws -> CommandResult {
    // Every argument is checked before the registry is first asked.
    guard (1...32).contains(concurrency) else {
      throw PolicyUsage(description: "--concurrency must be from 1 to 32, not \(concurrency)")
    }
    var saved: PolicyPlan?
    var policy: RetentionPolicy
    if let path = plan {
      guard file == nil, source.ecr == nil else {
        throw PolicyUsage(
          description: "--plan applies a saved plan: give no policy file or --ecr with it")
      }
      let text: String
      do {
        text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
      } catch {
        throw PolicyUsage(
          description: "cannot read the plan \(path): \(error.localizedDescription)")
      }
      let read = try PolicyPlan(saved: text, file: path)
      // The plan is re-made from the policy it came from, so what drifted shows.
      if let repositories = read.ecrRepositories {
        policy = try LifecyclePolicyDocument.load(
          path: read.source, repositories: try repositories.map { try NamePattern(.glob, $0) })
      } else {
        policy = try PolicyFile.load(path: read.source)
      }
      policy.timeBasis = read.timeBasis
      saved = read
    } else {
      policy = try source.load(file: file)
    }
    let info = try session.resolveRegistry(source.registry ?? saved?.registry)
    if let saved, saved.registry != info.name {
      throw PolicyUsage(
        description: "the plan is for registry '\(saved.registry)', not '\(info.name)'")
    }
    // One cleanup of a registry at a time, as purge: the lease is taken before planning,
    // with what a killed delete, purge or apply left pending settled, so the plan starts
    // from what the registry holds.
    let context = try await session.actionContext(info, concurrency: concurrency).leased(
      wait: false)
    let (_, fresh) = try await source.plan(policy, in: session, countBytes: false)
    if let exceeded = fresh.limitExceeded {
      throw ShellError.failed("\(exceeded): nothing was changed")
    }
    var changes = fresh.changes
    var drifted: [PlanDrift.Drifted] = []
    if let saved { (changes, drifted) = PlanDrift.compare(saved: saved, fresh: fresh) }
    let untags = changes.filter { $0.action == .untag }.count
    let deletes = changes.count - untags
    let runner = PolicyRunner(context: context, concurrency: concurrency)
    let yes = self.yes
    var outcome: PolicyRunner.Outcome
    do {
      outcome = try await runner.run(changes, dryRun: false) {
        if yes { return true }
        return try session.confirm(
          "Apply \(policy.source) to \(info.name): untag \(untags) tag\(untags == 1 ? "" : "s") and delete \(deletes) manifest\(deletes == 1 ? "" : "s")?"
        )
      }
    } catch ActionError.cancelled {
      throw ShellError.cancelled
    }
    outcome.drifted = drifted
    for line in session.describe(skipped: outcome.skipped) { session.printError(line) }
    for item in drifted {
      session.printError(
        "Drifted, skipped: \(TerminalSafeText.escape(item.decision.name)): \(TerminalSafeText.escape(item.reason))"
      )
    }
    let status: Int32 =
      !outcome.failed.isEmpty
      ? 1 : detailedExitcode && outcome.changed + outcome.alreadyGone.count > 0 ? 2 : 0
    return CommandResult(
      outcome.document(registry: info.name, dryRun: false), output: outputOptions, status: status)
  }
}
