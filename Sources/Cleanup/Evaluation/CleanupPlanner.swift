import MetadataCache

/// A purge's plan from the cache alone — no registry, no client — so a plan can be made
/// (and a cached dry run printed) for a registry that cannot be reached.
public struct CleanupPlanner: Sendable {
  public let store: MetadataStore
  public let registry: RegistryInfo
  public let policy: PurgePolicy

  public init(store: MetadataStore, registry: RegistryInfo, policy: PurgePolicy) {
    self.store = store
    self.registry = registry
    self.policy = policy
  }

  var registryId: Int64 { registry.id }

  /// The repositories in scope, in name order (acr's).
  public func repositories() throws -> [String] {
    try store.liveRepositoryNames(registryId: registryId).filter {
      policy.covers(repository: $0)
    }
  }

  public func plan() throws -> CleanupPlan {
    var plan = CleanupPlan(
      registry: registry.name, cutoff: policy.cutoff, timeBasis: policy.timeBasis)
    let evaluation = PurgeEvaluation(policy: policy)
    let needsManifests = policy.untagged != .none || policy.timeBasis == .created
    for repository in try repositories() {
      let facts = try store.retentionFacts(
        registryId: registryId, repository: repository, manifests: needsManifests,
        tags: policy.untagged != .only)
      plan.repositories.append(evaluation.evaluate(facts))
    }
    return plan
  }

  /// The plan's deletions as a dry run reports them, without asking the registry: what
  /// `--dry-run --cached` prints.
  public func report(_ plan: CleanupPlan, onEvent: (PurgeEvent) -> Void) -> (
    tags: Int, manifests: Int
  ) {
    for repository in plan.repositories {
      if policy.untagged != .only {
        onEvent(.tagsStarting(repository.repository))
        for tag in repository.tagRemovals {
          onEvent(.tagDeleted(repository: repository.repository, tag: tag.reference))
        }
      }
      if policy.untagged != .none {
        onEvent(.manifestsStarting(repository.repository))
        for manifest in repository.manifestDeletions {
          onEvent(.manifestDeleted(repository: repository.repository, digest: manifest.digest))
        }
      }
    }
    return (plan.tagCount, plan.manifestCount)
  }
}
