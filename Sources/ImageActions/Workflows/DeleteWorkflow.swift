import MetadataCache
import RegistryAPI

/// Deleting manifests, the one way it is done: plan from the cache → the caller confirms →
/// backup (when asked) → live check → execute → outcome. `delete`, `az acr repository
/// delete` and the cleanup policies all come through here, so the six safety rules hold
/// for each of them the same way.
public struct DeleteWorkflow: Sendable {
  public struct Options: Sendable {
    /// Allow deleting a manifest that a tagged index lists as a child (rule 2).
    public var includeChildren = false
    /// Allow deleting a referrer (signature, SBOM) whose subject stays (rule 2).
    public var includeReferrers = false
    /// DELETE requests in flight at once.
    public var concurrency = 8
    /// Copy every image here first, and delete only what was copied completely.
    public var backup: LayoutBackup?
    /// The targets are every manifest of this repository (`az acr repository delete
    /// --repository`). On ACR, when the checked plan keeps nothing back, the repository goes
    /// with ACR's one repository DELETE; when anything is skipped that DELETE would take it
    /// too, so only what may go is deleted, manifest by manifest.
    public var wholeRepository: String?

    public init(
      includeChildren: Bool = false, includeReferrers: Bool = false, concurrency: Int = 8,
      backup: LayoutBackup? = nil, wholeRepository: String? = nil
    ) {
      self.wholeRepository = wholeRepository
      self.includeChildren = includeChildren
      self.includeReferrers = includeReferrers
      self.concurrency = max(1, concurrency)
      self.backup = backup
    }
  }

  public let context: ActionContext
  public let options: Options

  public init(context: ActionContext, options: Options = Options()) {
    self.context = context
    self.options = options
  }

  var rule: DependencyRule {
    DependencyRule(
      includeChildren: options.includeChildren, includeReferrers: options.includeReferrers)
  }

  var planner: DeletePlanner {
    var planner = DeletePlanner(store: context.store, registry: context.registry)
    planner.dependencyRule = rule
    return planner
  }

  /// The plan, from the cache alone: nothing is asked of the registry.
  public func plan(_ targets: [ActionTarget]) throws -> DeletePlan {
    try planner.plan(targets)
  }

  /// The plan as the registry stands now (safety rule 1): what changed since the last sync
  /// or is protected now is moved to skipped, rule 2 is settled again over cache and live
  /// facts (a kept index keeps its children), and the bytes are counted on what is left.
  /// Changes nothing: a dry run is this.
  public func check(_ plan: DeletePlan) async throws -> DeletePlan {
    guard !plan.deletions.isEmpty else { return plan }
    let live = try await LiveCheck(
      client: context.client, includeChildren: options.includeChildren,
      cache: (context.store, context.registryId)
    ).check(
      plan.deletions, protection: try context.store.protectionRules(registryId: context.registryId))
    let facts = try planner.cacheFacts(live.passed).merging(live.facts)
    let (kept, held) = rule.settle(live.passed, facts: facts)
    var checked = plan
    checked.deletions = try planner.recount(kept)
    checked.skipped += live.skipped + held
    return checked
  }

  /// Asks `confirm` about the plan, then backs up, checks live and deletes. The backup
  /// comes before the live check, so a long copy never stands between check and act.
  public func run(_ plan: DeletePlan, confirm: Confirmation<DeletePlan>) async throws
    -> DeleteOutcome
  {
    guard !plan.deletions.isEmpty else {
      var outcome = DeleteOutcome(registry: context.registry.name)
      outcome.skipped = plan.skipped
      return outcome
    }
    guard try await confirm(plan) else { throw ActionError.cancelled }
    let lease = try await context.leaseForRun()
    defer { withExtendedLifetime(lease) {} }
    var plan = plan
    if let backup = options.backup {
      let (copied, notCopied) = try await backup.copy(
        plan.deletions.map(\.manifest), from: context.client,
        progress: context.progress("backing up"))
      let done = Set(copied.map { ManifestKey(repository: $0.repository, digest: $0.digest) })
      plan.deletions.removeAll { !done.contains($0.key) }
      plan.skipped += notCopied
    }
    let checked = try await check(plan)
    var executor = DeleteExecutor(
      client: context.client, store: context.store, registry: context.registry,
      concurrency: options.concurrency)
    executor.onProgress = context.progress("deleting")
    var outcome: DeleteOutcome
    if let repository = options.wholeRepository, context.client.isACR {
      if checked.skipped.isEmpty,
        checked.deletions.allSatisfy({ $0.manifest.repository == repository })
      {
        let (deleted, answer) = try await executor.executeRepository(
          repository, checked.deletions)
        outcome = deleted
        outcome.repositoryAnswer = answer
      } else {
        outcome = try await executor.execute(checked.deletions)
        outcome.repositoryDeleteWithheld = true
      }
    } else {
      outcome = try await executor.execute(checked.deletions)
    }
    outcome.skipped = checked.skipped + outcome.skipped
    return outcome
  }
}
