import ArgumentParser
import ImageActions
import JMESPath
import MetadataCache

/// `untag`: removes tags only; the manifests and their other tags stay.
public struct UntagCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "untag",
    abstract: "Remove tags; the manifests they point at stay.",
    discussion: """
      Targets: repo:tag, a tag name (of the repository the previous stage listed, or
      --repository), repo@digest (every tag on it), or tag objects — as arguments or from
      the previous stage. Where the registry cannot delete a tag (distribution 2.8), regsh
      moves the tag onto a throwaway manifest and deletes that, never leaving the tag on it.
      A tag that moved since the last sync is skipped; protected tags are never removed.

      Examples:
        untag acr-helloworld:latest
        tags acr-helloworld | [?starts_with(@, 'v')] | untag
      """)

  @Argument(help: "Targets (repo:tag, or a tag with --repository).")
  var targets: [String] = []

  @Option(help: "The repository bare tags belong to.")
  var repository: String?

  @OptionGroup var registry: RegistryOption

  @Flag(help: "Show which tags would be removed, and change nothing.")
  var dryRun = false

  @OptionGroup public var output: OutputOptions

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry.name)
    let targets = try session.actionTargets(
      arguments: self.targets, input: input, repository: repository, preferTags: true,
      verb: "untag")
    try await session.prepareCache(info, for: targets)
    let workflow = UntagWorkflow(context: try session.actionContext(info))
    let plan = try workflow.plan(targets)
    if dryRun {
      let checked = try await workflow.check(plan)
      session.printError(
        "DRY RUN: nothing was untagged. Would remove: "
          + checked.untags.map { TerminalSafeText.escape("\($0.repository):\($0.tag)") }.joined(
            separator: ", "))
      for line in session.describe(skipped: checked.skipped) { session.printError(line) }
      return CommandResult(checked.dryRunDocument, output: output)
    }
    // untag asks nothing, as az's does: the tags go, the images stay.
    let outcome = try await workflow.run(plan) { _ in true }
    for line in session.describe(skipped: outcome.skipped) { session.printError(line) }
    for (item, reason) in outcome.failed {
      session.printError(
        "failed \(TerminalSafeText.escape("\(item.repository):\(item.tag)")): \(TerminalSafeText.escape(reason.description))"
      )
    }
    // As delete: an untag that removed nothing because every target was skipped failed.
    let nothingDone = outcome.untagged.isEmpty && !outcome.skipped.isEmpty
    return CommandResult(
      outcome.document, output: output, status: outcome.failed.isEmpty && !nothingDone ? 0 : 1)
  }
}
