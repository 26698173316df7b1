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

  /// Above this many repositories, the cache is read in one pass per table instead of one
  /// indexed read per repository (see `MetadataStore.retentionFacts(registryId:repositories:…)`).
  public static let bulkReadThreshold = 20

  /// The repositories in scope, in name order (acr's).
  public func repositories() throws -> [String] {
    try store.liveRepositoryNames(registryId: registryId).filter {
      policy.covers(repository: $0)
    }
  }

  /// With `listingKept`, every tag and manifest that stays is in the plan with its reason.
  public func plan(listingKept: Bool = true) throws -> CleanupPlan {
    var plan = CleanupPlan(
      registry: registry.name, cutoff: policy.cutoff, timeBasis: policy.timeBasis)
    let evaluation = PurgeEvaluation(policy: policy, listsKept: listingKept)
    let needsManifests = policy.untagged != .none || policy.timeBasis == .created
    let repositories = try repositories()
    let readsTags = policy.untagged != .only
    if repositories.count > Self.bulkReadThreshold {
      plan.repositories = try ParallelFacts.map(
        store: store, registryId: registryId, repositories: repositories,
        manifests: needsManifests, tags: readsTags,
        configCreated: policy.timeBasis == .created
      ) { facts, plans in plans.append(evaluation.evaluate(facts)) }
      return plan
    }
    for repository in repositories {
      let facts = try store.retentionFacts(
        registryId: registryId, repository: repository, manifests: needsManifests,
        tags: readsTags)
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
