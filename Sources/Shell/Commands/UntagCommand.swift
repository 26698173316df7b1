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
    let outcome = try await session.untag(targets, registry: info, dryRun: dryRun)
    // As delete: an untag that removed nothing because every target was skipped failed.
    let nothingDone = !dryRun && outcome.untagged.isEmpty && !outcome.skipped.isEmpty
    return CommandResult(
      outcome.document, output: output, status: outcome.failed.isEmpty && !nothingDone ? 0 : 1)
  }
}

extension Session {
  /// Plans, checks live and removes the tags; shared with `az acr repository untag`.
  func untag(
    _ targets: [ActionTarget], registry: RegistryInfo, dryRun: Bool, reportsSkips: Bool = true
  ) async throws -> UntagOutcome {
    try await prepareCache(registry, for: targets)
    let untagger = Untagger(store: try store(), registry: registry)
    let (untags, skipped) = try untagger.plan(targets)
    if dryRun {
      var outcome = UntagOutcome(registry: registry.name)
      outcome.skipped = skipped
      printError(
        "DRY RUN: nothing was untagged. Would remove: "
          + untags.map { TerminalSafeText.escape("\($0.repository):\($0.tag)") }.joined(
            separator: ", "))
      outcome.untagged = untags
      return outcome
    }
    var outcome = await untagger.execute(untags, client: try client(for: registry))
    outcome.skipped = skipped + outcome.skipped
    guard reportsSkips else { return outcome }
    for line in describe(skipped: outcome.skipped) { printError(line) }
    for (item, reason) in outcome.failed {
      printError(
        "failed \(TerminalSafeText.escape("\(item.repository):\(item.tag)")): \(TerminalSafeText.escape(reason))"
      )
    }
    return outcome
  }
}
