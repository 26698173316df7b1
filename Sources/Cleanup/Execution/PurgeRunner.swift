import Foundation
import ImageActions
import MetadataCache
import RegistryAPI

/// Plans a purge from the cache and carries it out through the workflows only: the tag
/// phase through `UntagWorkflow`, the manifest phase through `DeleteWorkflow`, so the live
/// re-check, protection, rule 2, the audit log and restore apply to every deletion.
public struct PurgeRunner: Sendable {
  public let context: ActionContext
  public let policy: PurgePolicy
  /// A plan with more deletions (tags and manifests) than this is refused whole.
  public var maxDeletes: Int?
  public var concurrency: Int

  public init(
    context: ActionContext, policy: PurgePolicy, maxDeletes: Int? = nil, concurrency: Int = 8
  ) {
    self.context = context
    self.policy = policy
    self.maxDeletes = maxDeletes
    self.concurrency = max(1, concurrency)
  }

  var registryId: Int64 { context.registry.id }
  var evaluation: PurgeEvaluation { PurgeEvaluation(policy: policy) }

  /// The whole plan, from the cache alone.
  public func plan() throws -> CleanupPlan {
    try CleanupPlanner(store: context.store, registry: context.registry, policy: policy).plan()
  }

  public enum Refusal: Error, CustomStringConvertible {
    case tooManyDeletes(planned: Int, limit: Int)
    public var description: String {
      switch self {
      case .tooManyDeletes(let planned, let limit):
        "the plan deletes \(planned) tags and manifests, more than --max-deletes \(limit): nothing was deleted"
      }
    }
  }

  /// What a run did, counted as acr counts: a target already gone (404) counts as deleted.
  public struct Counts: Sendable {
    public var tags = 0
    public var manifests = 0
    public var failures = 0

    public init() {}
  }

  /// Runs the plan repository by repository; a dry run checks it live and changes nothing.
  /// The manifest phase of each repository is planned again from the cache after its tag
  /// phase, so a tag that could not be removed keeps its manifest.
  public func run(
    _ plan: CleanupPlan, dryRun: Bool, onEvent: @Sendable (PurgeEvent) -> Void
  ) async throws -> Counts {
    let planned = plan.tagCount + plan.manifestCount
    // The workflows' confirmation: purge never asks (it runs unattended); --max-deletes is
    // its answer, given for the whole plan before the first workflow changes anything.
    let confirm = Confirm(allowed: maxDeletes.map { planned <= $0 } ?? true, planned: planned)
    var counts = Counts()
    for repositoryPlan in plan.repositories {
      let repository = repositoryPlan.repository
      if policy.untagged != .only {
        onEvent(.tagsStarting(repository))
        try await tagPhase(
          repositoryPlan, dryRun: dryRun, confirm: confirm, counts: &counts, onEvent: onEvent)
      }
      if policy.untagged != .none {
        onEvent(.manifestsStarting(repository))
        var manifests = repositoryPlan
        if !dryRun && !repositoryPlan.tagRemovals.isEmpty {
          let facts = try context.store.retentionFacts(
            registryId: registryId, repository: repository, manifests: true)
          manifests = RepositoryPlan(repository: repository)
          evaluation.manifestPhase(facts, removedTags: [], into: &manifests)
        }
        try await manifestPhase(
          manifests, dryRun: dryRun, confirm: confirm, counts: &counts, onEvent: onEvent)
      }
    }
    return counts
  }

  func tagPhase(
    _ plan: RepositoryPlan, dryRun: Bool, confirm: Confirm,
    counts: inout Counts, onEvent: @Sendable (PurgeEvent) -> Void
  ) async throws {
    guard !plan.tagRemovals.isEmpty else { return }
    if !dryRun { try await unlockTags(plan, onEvent: onEvent) }
    let workflow = UntagWorkflow(context: context)
    let targets = plan.tagRemovals.map {
      ActionTarget(repository: plan.repository, selector: .tag($0.reference))
    }
    let untagPlan = try workflow.plan(targets)
    let skipped: [SkippedTarget]
    if dryRun {
      let checked = try await workflow.check(untagPlan)
      for item in checked.untags {
        onEvent(.tagDeleted(repository: item.repository, tag: item.tag))
      }
      counts.tags += checked.untags.count
      skipped = checked.skipped
    } else {
      let outcome = try await refusing(confirm) {
        try await workflow.run(untagPlan) { _ in confirm.allowed }
      }
      for item in outcome.untagged {
        onEvent(.tagDeleted(repository: item.repository, tag: item.tag))
      }
      counts.tags += outcome.untagged.count
      for (item, reason) in outcome.failed {
        let reference = "\(item.repository):\(item.tag)"
        if Self.isACRLock(reason) {
          onEvent(.locked(reference))
        } else {
          onEvent(.failed(reference: reference, reason: reason.description))
          counts.failures += 1
        }
      }
      skipped = outcome.skipped
    }
    for item in skipped {
      if case .tagGone(let tag) = item.reason {
        onEvent(.tagAlreadyGone(repository: item.repository, tag: tag))
        counts.tags += 1
      } else {
        onEvent(.skipped(item))
      }
    }
  }

  func manifestPhase(
    _ plan: RepositoryPlan, dryRun: Bool, confirm: Confirm,
    counts: inout Counts, onEvent: @Sendable (PurgeEvent) -> Void
  ) async throws {
    guard !plan.manifestDeletions.isEmpty else { return }
    if !dryRun { try await unlockManifests(plan, onEvent: onEvent) }
    let workflow = DeleteWorkflow(context: context, options: .init(concurrency: concurrency))
    // The cache's retention facts carry digests as text; the workflow takes Digest values.
    let targets = try plan.manifestDeletions.map {
      ActionTarget(repository: plan.repository, selector: .digest(try Digest($0.digest)))
    }
    let deletePlan = try workflow.plan(targets)
    let order = Dictionary(
      plan.manifestDeletions.enumerated().map { ($1.digest, $0) }, uniquingKeysWith: { a, _ in a })
    if dryRun {
      let checked = try await workflow.check(deletePlan)
      for item in checked.deletions.sorted(by: {
        order[$0.manifest.digest.description, default: 0]
          < order[$1.manifest.digest.description, default: 0]
      }) {
        onEvent(
          .manifestDeleted(
            repository: item.manifest.repository, digest: item.manifest.digest.description))
      }
      counts.manifests += checked.deletions.count
      for item in checked.skipped {
        // With --include-locked the real run unlocks these first (unless protected, which
        // the planner reports before the lock), so the dry run lists them as it will.
        if case .locked = item.reason, policy.includeLocked, context.client.isACR {
          onEvent(.manifestDeleted(repository: item.repository, digest: item.reference))
          counts.manifests += 1
        } else {
          onEvent(.skipped(item))
        }
      }
      return
    }
    let outcome = try await refusing(confirm) {
      try await workflow.run(deletePlan) { _ in confirm.allowed }
    }
    // Deletions run concurrently; they are reported in the plan's order, as a dry run is.
    for item in outcome.deleted.sorted(by: {
      order[$0.digest.description, default: 0] < order[$1.digest.description, default: 0]
    }) {
      onEvent(.manifestDeleted(repository: item.repository, digest: item.digest.description))
    }
    for item in outcome.alreadyGone {
      onEvent(
        .manifestAlreadyGone(repository: item.repository, digest: item.digest.description))
    }
    counts.manifests += outcome.deleted.count + outcome.alreadyGone.count
    for item in outcome.skipped { onEvent(.skipped(item)) }
    for item in outcome.failed {
      let reference = "\(item.repository)@\(item.digest)"
      if let reason = item.reason, Self.isACRLock(reason) {
        onEvent(.locked(reference))
      } else {
        onEvent(.failed(reference: reference, reason: item.reason?.description ?? "failed"))
        counts.failures += 1
      }
    }
  }

  struct Confirm {
    var allowed: Bool
    var planned: Int
  }

  /// The workflows say `cancelled` when the confirmation refuses; for purge that is its limit.
  func refusing<T>(_ confirm: Confirm, _ body: () async throws -> T) async throws -> T {
    do {
      return try await body()
    } catch ActionError.cancelled {
      throw Refusal.tooManyDeletes(planned: confirm.planned, limit: maxDeletes ?? 0)
    }
  }
}
