import MetadataCache
import RegistryAPI

/// Safety rule 1: right before acting, each repository's tags are read from the live
/// registry. A target that some tag now points at — one the plan did not show going with
/// it — or whose requested tag moved, or that a protection rule now covers, is skipped and
/// reported, never deleted. The tagged indexes found live become rule 2's live facts; the
/// caller settles rule 2 over them (`DependencyRule`).
public struct LiveCheck: Sendable {
  public let client: RegistryClient
  /// Whether index children may go (then tagged indexes need not be read).
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

  /// What the registry said about a plan's deletions.
  public struct Result: Sendable {
    /// Deletions that match the registry, with the tags that point at them now.
    public var passed: [PlannedDeletion] = []
    /// Deletions the registry no longer agrees with, and why.
    public var skipped: [SkippedTarget] = []
    /// The live tagged indexes that list each deletion: rule 2's live facts.
    public var facts = DependencyFacts()
  }

  /// The live state of one repository: which tags point at which digest now, and which
  /// targets the tagged indexes list as children.
  struct RepositoryState {
    var tagsByDigest: [Digest: [String]] = [:]
    var digestByTag: [String: Digest] = [:]
    /// Target digest → the live tagged indexes that list it.
    var taggedParents: [Digest: [Digest]] = [:]
    /// Tags the registry lists that no registry may hold: their targets cannot be checked.
    var invalidTags: [String] = []
  }

  /// Checks each deletion against the registry as it stands now.
  public func check(_ deletions: [PlannedDeletion], protection rules: [ProtectionRule] = [])
    async throws -> Result
  {
    var result = Result()
    let byRepository = Dictionary(grouping: deletions, by: \.manifest.repository)
    for repository in byRepository.keys.sorted() {
      let items = byRepository[repository] ?? []
      let known = Set(items.map(\.manifest.digest))
      let state = try await liveState(of: repository, known: known)
      for item in items {
        // A tag that cannot be asked about may point at any of them: none goes.
        if let tag = state.invalidTags.first {
          result.skipped.append(item.skipped(.uncheckableTag(tag)))
          continue
        }
        if let reason = staleReason(item, state: state, rules: rules) {
          result.skipped.append(item.skipped(reason))
          continue
        }
        // What goes with it is what the registry says now, not what the cache remembered.
        var checked = item
        checked.tags = (state.tagsByDigest[item.manifest.digest] ?? []).sorted()
        result.passed.append(checked)
        let parents = state.taggedParents[item.manifest.digest] ?? []
        if !parents.isEmpty {
          result.facts.taggedParents[item.key] = parents.map {
            ParentIndex(digest: $0, tags: (state.tagsByDigest[$0] ?? []).sorted())
          }
        }
      }
    }
    return result
  }

  func staleReason(_ item: PlannedDeletion, state: RepositoryState, rules: [ProtectionRule])
    -> SkipReason?
  {
    let digest = item.manifest.digest
    if let tag = item.requestedTag {
      guard let now = state.digestByTag[tag] else { return .tagGone(tag) }
      if now != digest { return .tagMoved(tag: tag, now: now, was: digest) }
    }
    let liveTags = state.tagsByDigest[digest] ?? []
    let unexpected = liveTags.filter { !item.tags.contains($0) && $0 != item.requestedTag }
    if !unexpected.isEmpty { return .taggedSinceSync(unexpected.sorted()) }
    // Protection is read again now: a rule added after the plan was made still holds.
    if let rule = rules.first(where: {
      $0.covers(repository: item.manifest.repository, digest: digest, tags: liveTags)
    }) {
      return .protected(by: rule)
    }
    return nil
  }

  func liveState(of repository: String, known: Set<Digest>) async throws -> RepositoryState {
    let tags: [String]
    do {
      tags = try await client.tags(repository: repository)
    } catch let error as RegistryError where error.isNotFound {
      return RepositoryState()
    }
    var state = RepositoryState()
    state.invalidTags = tags.filter { (try? Reference.validateTag($0)) == nil }
    guard state.invalidTags.isEmpty else { return state }
    let client = self.client
    let limit = client.options.maxConcurrency
    let heads = try await mapConcurrently(tags, limit: limit) { tag in
      (tag, try await client.headManifest(repository: repository, reference: tag))
    }
    var indexes: Set<Digest> = []
    for (tag, head) in heads {
      guard let head else { continue }  // deleted between the listing and the HEAD
      let digest = head.digest
      state.digestByTag[tag] = digest
      state.tagsByDigest[digest, default: []].append(tag)
      if !includeChildren, MediaType.isIndex(head.mediaType) { indexes.insert(digest) }
    }
    // Every tagged index and every index nested in one, each read once (from the cache
    // when it has it): their children are what rule 2 keeps. A target nested deeper is
    // guarded by the tagged index at the top.
    var root: [Digest: Digest] = Dictionary(uniqueKeysWithValues: indexes.map { ($0, $0) })
    var level = indexes
    var seen = indexes
    while !level.isEmpty {
      let listed = try await children(of: level, repository: repository)
      var next: Set<Digest> = []
      for (digest, entries) in listed {
        let top = root[digest] ?? digest
        for entry in entries {
          if known.contains(entry.digest) {
            state.taggedParents[entry.digest, default: []].append(top)
          }
          if entry.isIndex, seen.insert(entry.digest).inserted {
            root[entry.digest] = top
            next.insert(entry.digest)
          }
        }
      }
      level = next
    }
    return state
  }

  /// One entry of an index: a child, and whether it is an index itself.
  struct IndexEntry: Sendable {
    var digest: Digest
    var isIndex: Bool
  }

  /// The entries of each index, from the cache where it holds the index, else fetched.
  func children(of indexes: Set<Digest>, repository: String) async throws -> [(
    Digest, [IndexEntry]
  )] {
    let client = self.client
    let cached =
      try cache?.store.cachedManifests(
        registryId: cache?.registryId ?? -1, repository: repository, digests: Array(indexes))
      ?? [:]
    var listed: [(Digest, [IndexEntry])] = []
    for (digest, manifest) in cached {
      let nested =
        try cache?.store.cachedManifests(
          registryId: cache?.registryId ?? -1, repository: repository,
          digests: manifest.children) ?? [:]
      listed.append(
        (
          digest,
          manifest.children.map {
            IndexEntry(digest: $0, isIndex: MediaType.isIndex(nested[$0]?.mediaType ?? ""))
          }
        ))
    }
    listed += try await mapConcurrently(
      indexes.filter { cached[$0] == nil }.sorted(), limit: client.options.maxConcurrency
    ) { digest in
      let index = try await client.manifest(
        repository: repository, reference: digest.description)
      guard case .index(let decoded) = try index.decoded() else { return (digest, []) }
      return (
        digest,
        decoded.manifests.map {
          IndexEntry(digest: $0.digest, isIndex: MediaType.isIndex($0.mediaType))
        }
      )
    }
    return listed
  }
}
