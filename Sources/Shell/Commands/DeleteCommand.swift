import ArgumentParser
import Foundation
import ImageActions
import JMESPath
import MetadataCache

/// `delete`: removes manifests (and every tag on them), planned from the cache, checked
/// against the live registry right before acting, recorded in the audit log.
public struct DeleteCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "delete",
    abstract: "Delete manifests: planned, confirmed, checked live, recorded for restore.",
    discussion: """
      Targets: digests (of the repository the previous stage listed, or --repository),
      repo@digest, repo:tag (the image and all its tags, as az does), or objects with a
      digest (and repository) — as arguments or from the previous pipeline stage.

      The plan lists each manifest, the tags that go with it and the bytes it frees (layers
      shared with manifests that stay are not counted). Right before acting, each
      repository's tags are read live: whatever changed since the last sync is skipped.
      Children of tagged indexes, referrers of live manifests (signatures, SBOMs),
      protected digests and tags, and ACR-locked manifests are never deleted.

      Examples:
        manifests acr-helloworld | [?tags==null].digest | delete --dry-run
        manifests acr-helloworld | [?tags==null].digest | delete --yes
        delete acr-helloworld:v1
        manifests --all | [?tags==null] | delete --backup ./backup --yes
      """)

  @Argument(help: "Targets (repo@digest, repo:tag, or a digest with --repository).")
  var targets: [String] = []

  @Option(help: "The repository bare digests and tags belong to.")
  var repository: String?

  @OptionGroup var registry: RegistryOption

  @Flag(name: [.customLong("yes"), .customShort("y")], help: "Do not ask for confirmation.")
  var yes = false

  @Flag(help: "Show the plan, check it live, and change nothing.")
  var dryRun = false

  @Flag(help: "Also delete manifests that a tagged index lists as children.")
  var includeChildren = false

  @Flag(help: "Also delete referrers (signatures, SBOMs) of manifests that stay.")
  var includeReferrers = false

  @Option(help: "Copy the images into an OCI layout directory first; delete only what was copied.")
  var backup: String?

  @Option(help: "How many deletes run at once.")
  var concurrency = 8

  @OptionGroup public var output: OutputOptions

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry.name)
    let targets = try session.actionTargets(
      arguments: self.targets, input: input, repository: repository, verb: "delete")
    guard !targets.isEmpty else {
      session.printError("nothing to delete: the input is empty")
      return .nothing
    }
    let run = DeleteRun(
      registry: info, includeChildren: includeChildren, includeReferrers: includeReferrers,
      concurrency: concurrency, backup: backup)
    let plan = try await run.plan(targets, in: session)
    if dryRun {
      let checked = try await run.liveCheck(plan, in: session)
      session.printError(
        "DRY RUN: nothing was deleted.\n" + session.describe(checked))
      return CommandResult(checked.dryRunDocument, output: output)
    }
    guard !plan.deletions.isEmpty else {
      // Nothing left to ask about: the record of what was skipped, and a failure status.
      var outcome = DeleteOutcome(registry: info.name)
      outcome.skipped = plan.skipped
      session.printError(DeleteRun.summary(outcome))
      return CommandResult(outcome.document, output: output, status: 1)
    }
    if !yes {
      session.printError(session.describe(plan))
      guard
        try session.confirm(
          "Delete \(plan.deletions.count) manifest\(plan.deletions.count == 1 ? "" : "s")?")
      else {
        throw ShellError.cancelled
      }
    }
    let outcome = try await run.execute(plan, in: session)
    session.printError(DeleteRun.summary(outcome))
    // A delete that deleted nothing because every target was skipped did not do its job.
    let nothingDone = outcome.deleted.isEmpty && outcome.alreadyGone.isEmpty
    return CommandResult(
      outcome.document, output: output, status: outcome.failed.isEmpty && !nothingDone ? 0 : 1)
  }
}

/// One delete from plan to record, shared by `delete` and `az acr repository delete`.
struct DeleteRun {
  var registry: RegistryInfo
  var includeChildren = false
  var includeReferrers = false
  var concurrency = 8
  var backup: String?

  func planner(in session: Session) throws -> DeletePlanner {
    var planner = DeletePlanner(store: try session.store(), registry: registry)
    planner.includeChildren = includeChildren
    planner.includeReferrers = includeReferrers
    return planner
  }

  func plan(_ targets: [ActionTarget], in session: Session) async throws -> DeletePlan {
    try await session.prepareCache(registry, for: targets)
    return try planner(in: session).plan(targets)
  }

  /// The plan as the registry stands now (safety rule 1): what changed since the last sync
  /// is moved to skipped, then the index-child and referrer guards are settled again over
  /// what is left (a kept index keeps its children), and the bytes counted again.
  func liveCheck(_ plan: DeletePlan, in session: Session) async throws -> DeletePlan {
    guard !plan.deletions.isEmpty else { return plan }
    let check = LiveCheck(
      client: try session.client(for: registry, concurrency: concurrency),
      includeChildren: includeChildren, cache: (try session.store(), registry.id ?? -1))
    let (safe, stale) = try await check.check(
      plan.deletions,
      protection: try session.store().protectionRules(registryId: registry.id ?? -1))
    let planner = try planner(in: session)
    let (kept, held) = try planner.settleDependencies(safe)
    var checked = plan
    checked.deletions = try planner.recount(kept)
    checked.skipped += stale + held
    return checked
  }

  /// Backs up first (`--backup`: only what was copied completely may go), then checks live
  /// right before deleting, so a long copy never stands between the check and the act.
  func execute(_ plan: DeletePlan, in session: Session) async throws -> DeleteOutcome {
    var plan = plan
    if let backup {
      let (copied, notCopied) = try await session.backUp(
        plan.deletions, registry: registry, to: backup)
      plan.deletions = copied
      plan.skipped += notCopied
    }
    let checked = try await liveCheck(plan, in: session)
    var executor = DeleteExecutor(
      client: try session.client(for: registry, concurrency: concurrency),
      store: try session.store(), registry: registry, concurrency: concurrency)
    executor.onProgress = session.actionProgress("deleting")
    var outcome = try await executor.execute(checked.deletions)
    outcome.skipped = checked.skipped + outcome.skipped
    return outcome
  }

  static func summary(_ outcome: DeleteOutcome) -> String {
    var parts = ["deleted \(outcome.deleted.count)"]
    if !outcome.alreadyGone.isEmpty { parts.append("already gone \(outcome.alreadyGone.count)") }
    parts.append("skipped \(outcome.skipped.count)")
    parts.append("failed \(outcome.failed.count)")
    var text = parts.joined(separator: ", ") + "; freed \(ByteCount.format(outcome.bytesFreed))"
    for line in outcome.unrecorded {
      text +=
        "\n  DELETED, AUDIT ENTRY LEFT PENDING (restore can still use it): \(TerminalSafeText.escape(line))"
    }
    for item in outcome.failed {
      text +=
        "\n  failed \(TerminalSafeText.escape(item.repository))@\(item.digest): \(TerminalSafeText.escape(item.reason ?? ""))"
    }
    for item in outcome.skipped {
      text +=
        "\n  skipped \(TerminalSafeText.escape(item.reference)): \(TerminalSafeText.escape(item.reason))"
    }
    return text
  }
}
