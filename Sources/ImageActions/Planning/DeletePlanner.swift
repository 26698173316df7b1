import MetadataCache
import RegistryAPI

/// Builds a delete's plan from the cache: resolves targets to manifests, applies the
/// guards that need no network (protection, ACR locks, index children, referrers) and
/// counts the bytes each deletion frees.
public struct DeletePlanner: Sendable {
  public let store: MetadataStore
  public let registry: RegistryInfo
  /// Safety rule 2, with what the user allowed.
  public var dependencyRule = DependencyRule()

  public init(store: MetadataStore, registry: RegistryInfo) {
    self.store = store
    self.registry = registry
  }

  var registryId: Int64 { registry.id }

  public func plan(_ targets: [ActionTarget]) throws -> DeletePlan {
    let rules = try store.protectionRules(registryId: registryId)
    let (resolved, resolveSkipped) = try ActionTarget.resolve(
      targets, store: store, registryId: registryId)
    var skipped = resolveSkipped
    var items: [PlannedDeletion] = []
    for target in resolved {
      let item = PlannedDeletion(
        manifest: target.manifest, tags: target.manifest.tags, requestedTag: target.requestedTag,
        bytesFreed: 0, sharedBlobs: 0)
      if let reason = Self.ownGuardReason(item, rules: rules) {
        skipped.append(item.skipped(reason))
      } else {
        items.append(item)
      }
    }
    let (planned, held) = dependencyRule.settle(items, facts: try cacheFacts(items))
    return DeletePlan(
      registry: registry.name, deletions: try recount(planned), skipped: skipped + held)
  }

  /// Protection and ACR locks: guards that hold whatever else is deleted.
  static func ownGuardReason(_ item: PlannedDeletion, rules: [ProtectionRule]) -> SkipReason? {
    let manifest = item.manifest
    if let rule = rules.first(where: {
      $0.covers(repository: manifest.repository, digest: manifest.digest, tags: item.tags)
    }) {
      return .protected(by: rule)
    }
    if let lock = manifest.lock { return .locked(lock) }
    return nil
  }

  /// Rule 2's facts as the cache knows them, read once per repository: each referrer's
  /// subject that still exists, and the tagged indexes that list each manifest.
  public func cacheFacts(_ items: [PlannedDeletion]) throws -> DependencyFacts {
    var facts = DependencyFacts()
    let byDigest = items.filter(\.isByDigest)
    for (repository, group) in Dictionary(grouping: byDigest, by: \.manifest.repository) {
      let subjects = Set(group.compactMap(\.manifest.subjectDigest))
      let live =
        subjects.isEmpty
        ? [:]
        : try store.cachedManifests(
          registryId: registryId, repository: repository, digests: Array(subjects))
      let parents = try guardingParents(
        repository: repository, children: Set(group.map(\.manifest.digest)))
      for item in group {
        if let subject = item.manifest.subjectDigest, live[subject] != nil {
          facts.liveSubject[item.key] = ManifestKey(repository: repository, digest: subject)
        }
        if let guarding = parents[item.manifest.digest], !guarding.isEmpty {
          facts.taggedParents[item.key] = guarding
        }
      }
    }
    return facts
  }

  /// For each child, the indexes that guard it: those that are tagged, and untagged ones
  /// nested in a tagged index (at any depth). Read upwards from the children, one level
  /// of parents at a time.
  func guardingParents(repository: String, children: Set<Digest>) throws -> [Digest: [ParentIndex]]
  {
    var parentsOf: [Digest: [ParentIndex]] = [:]
    var asked: Set<Digest> = []
    var level = children
    while !level.isEmpty {
      asked.formUnion(level)
      let found = try store.parentIndexes(
        registryId: registryId, repository: repository, children: level)
      parentsOf.merge(found) { own, _ in own }
      level = Set(found.values.joined().filter(\.tags.isEmpty).map(\.digest)).subtracting(asked)
    }
    var anchored: [Digest: Bool] = [:]
    // Whether an untagged index is nested in a tagged one; a cycle (impossible for
    // content-addressed manifests) counts as not anchored rather than looping.
    func isAnchored(_ digest: Digest) -> Bool {
      if let known = anchored[digest] { return known }
      anchored[digest] = false
      let result = (parentsOf[digest] ?? []).contains { !$0.tags.isEmpty || isAnchored($0.digest) }
      anchored[digest] = result
      return result
    }
    var guarding: [Digest: [ParentIndex]] = [:]
    for child in children {
      let parents = (parentsOf[child] ?? []).filter { !$0.tags.isEmpty || isAnchored($0.digest) }
      if !parents.isEmpty { guarding[child] = parents }
    }
    return guarding
  }

  /// The bytes each deletion frees, counted against exactly this set: a blob is freed when
  /// every live manifest in the registry that references it is in the set; its bytes go to
  /// the first deletion (in order) that uses it. Call it on the final set, so what the live
  /// check or a backup dropped no longer counts as going.
  public func recount(_ items: [PlannedDeletion]) throws -> [PlannedDeletion] {
    var planned = items
    let deleting = Set(planned.map(\.key))
    let blobDigests = Set(planned.flatMap { $0.manifest.blobs.map(\.digest) })
    let users = try store.blobUsers(registryId: registryId, blobs: blobDigests)
    let holders = try store.manifestHolders(
      registryId: registryId, digests: Set(planned.map(\.manifest.digest)))
    var countedBlobs: Set<Digest> = []
    for index in planned.indices {
      var item = planned[index]
      item.bytesFreed = 0
      item.sharedBlobs = 0
      for blob in item.manifest.blobs where countedBlobs.insert(blob.digest).inserted {
        if (users[blob.digest] ?? []).isSubset(of: deleting) {
          item.bytesFreed = item.bytesFreed.addingSaturated(blob.size)
        } else {
          item.sharedBlobs += 1
        }
      }
      let digest = item.manifest.digest
      if countedBlobs.insert(digest).inserted, (holders[digest] ?? []).isSubset(of: deleting) {
        item.bytesFreed = item.bytesFreed.addingSaturated(item.manifest.size)
      }
      planned[index] = item
    }
    return planned
  }
}

extension PlannedDeletion {
  func skipped(_ reason: SkipReason) -> SkippedTarget {
    SkippedTarget(
      repository: manifest.repository, reference: manifest.digest.description, reason: reason)
  }
}

extension ProtectionRule {
  /// How a skip names the rule that caused it.
  public static func describe(_ rule: ProtectionRule) -> String {
    var text =
      "protected by rule \(rule.id.map(String.init) ?? "?") (\(rule.kind.rawValue) \(rule.pattern)"
    if let repository = rule.repository { text += " in \(repository)" }
    text += ")"
    if let reason = rule.reason { text += ": \(reason)" }
    return text
  }
}
