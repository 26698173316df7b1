import MetadataCache

/// Builds a delete's plan from the cache: resolves targets to manifests, applies the
/// guards that need no network (protection, ACR locks, index children, referrers) and
/// counts the bytes each deletion frees.
public struct DeletePlanner: Sendable {
  public let store: MetadataStore
  public let registry: RegistryInfo
  /// Allow deleting a manifest that a tagged index lists as a child (safety rule 2).
  public var includeChildren = false
  /// Allow deleting a referrer (signature, SBOM) whose subject still exists (rule 2).
  public var includeReferrers = false

  public init(store: MetadataStore, registry: RegistryInfo) {
    self.store = store
    self.registry = registry
  }

  var registryId: Int64 { registry.id ?? -1 }

  public func plan(_ targets: [ActionTarget]) throws -> DeletePlan {
    let rules = try store.protectionRules(registryId: registryId)
    let (resolved, resolveSkipped) = try ActionTarget.resolve(
      targets, store: store, registryId: registryId)
    let items = resolved.map {
      PlannedDeletion(
        manifest: $0.manifest, tags: $0.manifest.tags, requestedTag: $0.requestedTag,
        bytesFreed: 0, sharedBlobs: 0, sharedBytes: 0)
    }
    // Guards, in input order; every skip says why.
    var skipped = resolveSkipped
    let targeted = Set(items.map(\.key))
    var planned: [PlannedDeletion] = []
    for item in items {
      if let reason = try guardReason(item, rules: rules, targeted: targeted) {
        skipped.append(
          SkippedTarget(
            repository: item.manifest.repository, reference: item.manifest.digest, reason: reason))
      } else {
        planned.append(item)
      }
    }
    try countBytes(&planned)
    return DeletePlan(registry: registry.name, deletions: planned, skipped: skipped)
  }

  /// Why the cache already says this manifest must stay, or nil.
  func guardReason(_ item: PlannedDeletion, rules: [ProtectionRule], targeted: Set<ManifestKey>)
    throws -> String?
  {
    let manifest = item.manifest
    if let rule = rules.first(where: {
      $0.covers(repository: manifest.repository, digest: manifest.digest, tags: item.tags)
    }) {
      return ProtectionRule.describe(rule)
    }
    if let lock = manifest.lock {
      return "locked on the registry (\(lock)); unlock it with az acr repository update first"
    }
    guard item.isByDigest else { return nil }
    if !includeReferrers, let subject = manifest.subjectDigest,
      !targeted.contains(ManifestKey(repository: manifest.repository, digest: subject)),
      try !store.cachedManifests(
        registryId: registryId, repository: manifest.repository, digests: [subject]
      ).isEmpty
    {
      return
        "a referrer (signature, SBOM, …) of \(subject), which still exists; pass --include-referrers to delete it anyway"
    }
    if !includeChildren {
      let parents = try store.parentIndexes(
        registryId: registryId, repository: manifest.repository, children: [manifest.digest])
      if let parent = parents[manifest.digest]?.first(where: {
        !$0.tags.isEmpty
          && !targeted.contains(ManifestKey(repository: manifest.repository, digest: $0.digest))
      }) {
        return
          "a child of the tagged index \(parent.digest) (\(parent.tags.joined(separator: ", "))); pass --include-children to delete it anyway"
      }
    }
    return nil
  }

  /// A blob is freed when every live manifest in the registry that references it is being
  /// deleted; its bytes are counted once, on the first deletion (in plan order) that uses it.
  func countBytes(_ planned: inout [PlannedDeletion]) throws {
    let deleting = Set(planned.map(\.key))
    let blobDigests = Set(planned.flatMap { $0.manifest.blobs.map(\.digest) })
    let users = try store.blobUsers(registryId: registryId, blobs: blobDigests)
    let holders = try store.manifestHolders(
      registryId: registryId, digests: Set(planned.map(\.manifest.digest)))
    var counted: Set<String> = []
    for index in planned.indices {
      var item = planned[index]
      for blob in item.manifest.blobs where !counted.contains(blob.digest) {
        counted.insert(blob.digest)
        if (users[blob.digest] ?? []).isSubset(of: deleting) {
          item.bytesFreed += blob.size
        } else {
          item.sharedBlobs += 1
          item.sharedBytes += blob.size
        }
      }
      let digest = item.manifest.digest
      if !counted.contains(digest) {
        counted.insert(digest)
        if (holders[digest] ?? []).isSubset(of: deleting) { item.bytesFreed += item.manifest.size }
      }
      planned[index] = item
    }
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
