import MetadataCache
import RegistryAPI

/// Safety rule 1: right before acting, each repository's tags are read from the live
/// registry. A target that some tag now points at — one the plan did not show going with
/// it — or whose requested tag moved, is skipped and reported, never deleted. A target
/// that a tagged index lists as a child stays too, unless that index passes the check and
/// is deleted first (the child then depends on it).
public struct LiveCheck: Sendable {
  public let client: RegistryClient
  public let includeChildren: Bool
  /// Where the children of indexes already cached are read: an index's content never
  /// changes under its digest, so only indexes new to the cache are fetched.
  public let cache: (store: MetadataStore, registryId: Int64)?

  public init(
    client: RegistryClient, includeChildren: Bool = false,
    cache: (store: MetadataStore, registryId: Int64)? = nil
  ) {
    self.client = client
    self.includeChildren = includeChildren
    self.cache = cache
  }

  /// The live state of one repository: which tags point at which digest now, and which
  /// targets the tagged indexes list as children.
  struct RepositoryState {
    var tagsByDigest: [String: [String]] = [:]
    var digestByTag: [String: String] = [:]
    /// Target digest → the live tagged indexes that list it.
    var taggedParents: [String: [String]] = [:]
  }

  /// Splits `deletions` into those still safe to act on and those skipped, with reasons.
  public func check(_ deletions: [PlannedDeletion], protection rules: [ProtectionRule] = [])
    async throws -> (safe: [PlannedDeletion], skipped: [SkippedTarget])
  {
    var safe: [PlannedDeletion] = []
    var skipped: [SkippedTarget] = []
    let byRepository = Dictionary(grouping: deletions, by: \.manifest.repository)
    for repository in byRepository.keys.sorted() {
      let items = byRepository[repository] ?? []
      let known = Set(items.map(\.manifest.digest))
      let state = try await liveState(of: repository, known: known)
      var passed: [PlannedDeletion] = []
      for item in items {
        if let reason = staleReason(item, state: state, rules: rules) {
          skipped.append(item.skipped(reason))
        } else {
          // What goes with it is what the registry says now, not what the cache remembered.
          var checked = item
          checked.tags = (state.tagsByDigest[item.manifest.digest] ?? []).sorted()
          passed.append(checked)
        }
      }
      // Index children, until nothing changes: a child of a live tagged index goes only
      // after that index, so only if the index itself passed.
      while true {
        let going = Set(passed.map(\.manifest.digest))
        var next: [PlannedDeletion] = []
        for var item in passed {
          let parents =
            item.isByDigest && !includeChildren
            ? state.taggedParents[item.manifest.digest] ?? [] : []
          if let staying = parents.first(where: { !going.contains($0) }) {
            let tags = (state.tagsByDigest[staying] ?? []).sorted().joined(separator: ", ")
            skipped.append(
              item.skipped(
                "a child of the tagged index \(staying) (\(tags)), which stays; pass --include-children to delete it anyway"
              ))
            continue
          }
          item.dependsOn.formUnion(
            parents.map { ManifestKey(repository: repository, digest: $0) })
          next.append(item)
        }
        if next.count == passed.count { break }
        passed = next
      }
      safe += passed
    }
    return (safe, skipped)
  }

  func staleReason(_ item: PlannedDeletion, state: RepositoryState, rules: [ProtectionRule])
    -> String?
  {
    let digest = item.manifest.digest
    if let tag = item.requestedTag {
      guard let now = state.digestByTag[tag] else {
        return "the tag \(tag) no longer exists on the registry (changed since the last sync)"
      }
      if now != digest {
        return "the tag \(tag) now points at \(now), not \(digest) (changed since the last sync)"
      }
    }
    let liveTags = state.tagsByDigest[digest] ?? []
    let unexpected = liveTags.filter { !item.tags.contains($0) && $0 != item.requestedTag }
    if !unexpected.isEmpty {
      return
        "tagged since the last sync (\(unexpected.sorted().joined(separator: ", "))); run `sync` and look again"
    }
    if let rule = rules.first(where: {
      $0.covers(repository: item.manifest.repository, digest: digest, tags: liveTags)
    }) {
      return ProtectionRule.describe(rule)
    }
    return nil
  }

  func liveState(of repository: String, known: Set<String>) async throws -> RepositoryState {
    let tags: [String]
    do {
      tags = try await client.tags(repository: repository)
    } catch let error as RegistryError where error.isNotFound {
      return RepositoryState()
    }
    let client = self.client
    let limit = client.options.maxConcurrency
    let heads = try await mapConcurrently(tags, limit: limit) { tag in
      (tag, try await client.headManifest(repository: repository, reference: tag))
    }
    var state = RepositoryState()
    var indexes: Set<String> = []
    for (tag, head) in heads {
      guard let head else { continue }  // deleted between the listing and the HEAD
      let digest = head.digest.description
      state.digestByTag[tag] = digest
      state.tagsByDigest[digest, default: []].append(tag)
      if !includeChildren, MediaType.isIndex(head.mediaType) { indexes.insert(digest) }
    }
    // Every tagged index, each read once (from the cache when it has it): its children are
    // what rule 2 keeps.
    let cached =
      try cache?.store.cachedManifests(
        registryId: cache?.registryId ?? -1, repository: repository, digests: Array(indexes))
      ?? [:]
    let fetched = try await mapConcurrently(
      indexes.filter { cached[$0] == nil }.sorted(), limit: limit
    ) { digest in
      let index = try await client.manifest(repository: repository, reference: digest)
      guard case .index(let decoded) = try index.decoded() else { return (digest, [String]()) }
      return (digest, decoded.manifests.map(\.digest.description))
    }
    let listed = cached.map { ($0.key, $0.value.children) } + fetched
    for (digest, children) in listed {
      for child in children where known.contains(child) {
        state.taggedParents[child, default: []].append(digest)
      }
    }
    return state
  }
}
