import Foundation
import ImageActions
import MetadataCache
import RegistryAPI

/// A retention policy's plan from the cache alone, repository by repository.
public struct PolicyPlanner: Sendable {
  public let store: MetadataStore
  public let registry: RegistryInfo
  public let evaluation: PolicyEvaluation
  /// Whether the facts a bulk plan reads are kept until the process exits, not freed: for
  /// a run that exits once its plan is printed.
  public var keepsFactsUntilExit = false

  public init(store: MetadataStore, registry: RegistryInfo, evaluation: PolicyEvaluation) {
    self.store = store
    self.registry = registry
    self.evaluation = evaluation
  }

  public func repositories() throws -> [String] {
    try store.liveRepositoryNames(registryId: registry.id).filter {
      evaluation.policy.covers(repository: $0)
    }
  }

  /// Every candidate's decision; with `countBytes`, what each deletion frees (the delete
  /// planner's count, shared blobs counted once).
  public func plan(countBytes: Bool = true) throws -> PolicyPlan {
    var plan = PolicyPlan(
      registry: registry.name, source: evaluation.policy.source,
      now: Timestamp.format(evaluation.now), timeBasis: evaluation.timeBasis,
      limits: evaluation.policy.limits)
    let repositories = try repositories()
    if repositories.count > CleanupPlanner.bulkReadThreshold {
      let evaluation = self.evaluation
      plan.decisions = try ParallelFacts.map(
        store: store, registryId: registry.id, repositories: repositories, manifests: true,
        tags: true, manifestTags: false,
        configCreated: evaluation.timeBasis == .created, placeholder: PolicyDecision.placeholder,
        capacity: Self.mostDecisions,
        freesFacts: !keepsFactsUntilExit
      ) { facts, decisions in evaluation.evaluate(facts, into: &decisions) }
    } else {
      for repository in repositories {
        let facts = try store.retentionFacts(
          registryId: registry.id, repository: repository, manifests: true)
        plan.decisions += evaluation.evaluate(facts)
      }
    }
    if countBytes { try count(&plan) }
    return plan
  }

  /// At most one decision per tag and per manifest read.
  @Sendable static func mostDecisions(_ facts: [String: RepositoryFacts]) -> Int {
    facts.values.reduce(0) { $0 + $1.tags.count + $1.manifests.count }
  }

  func count(_ plan: inout PolicyPlan) throws {
    let deletions = plan.decisions.indices.filter { plan.decisions[$0].action == .delete }
    guard !deletions.isEmpty else { return }
    // Retention facts carry digests as the cache's text; the workflows take Digest values.
    let targets = try deletions.map {
      ActionTarget(
        repository: plan.decisions[$0].repository,
        selector: .digest(try Digest(plan.decisions[$0].digest)))
    }
    let counted = try DeletePlanner(store: store, registry: registry).plan(targets)
    var bytes: [String: Int] = [:]
    for item in counted.deletions {
      bytes["\(item.manifest.repository)@\(item.manifest.digest)"] = item.bytesFreed
    }
    for index in deletions {
      plan.decisions[index].bytesFreed = bytes[plan.decisions[index].name] ?? 0
    }
  }
}
