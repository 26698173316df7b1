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

  @Option(help: "How many deletes run at once.", transform: ArgumentCheck.atLeastOne)
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
    // One delete or purge of a registry at a time, across every client of the store: a
    // second one waits, then plans from what the first left (its deletes are gone from the
    // store), so no digest is deleted by both.
    var context = try session.actionContext(info, concurrency: concurrency)
    if !dryRun { context = try await context.leased(wait: true) }
    try await session.prepareCache(info, for: targets)
    let workflow = DeleteWorkflow(
      context: context,
      options: DeleteWorkflow.Options(
        includeChildren: includeChildren, includeReferrers: includeReferrers,
        concurrency: concurrency,
        backup: try backup.map { try LayoutBackup(directory: $0, create: true) }))
    let plan = try workflow.plan(targets)
    if dryRun {
      let checked = try await workflow.check(plan)
      session.printError("DRY RUN: nothing was deleted.\n" + session.describe(checked))
      return CommandResult(checked.dryRunDocument, output: output)
    }
    let yes = self.yes
    let outcome = try await workflow.run(plan) { plan in
      if yes { return true }
      session.printError(session.describe(plan))
      let count = plan.deletions.count
      return try session.confirm("Delete \(count) manifest\(count == 1 ? "" : "s")?")
    }
    session.printError(session.summary(outcome))
    // A delete that deleted nothing because every target was skipped did not do its job.
    let nothingDone = outcome.deleted.isEmpty && outcome.alreadyGone.isEmpty
    return CommandResult(
      outcome.document, output: output, status: outcome.failed.isEmpty && !nothingDone ? 0 : 1)
  }
}
