import MetadataCache
import RegistryAPI

/// Safety rule 1: right before acting, each repository's tags are read from the live
/// registry. A target that some tag now points at — one the plan did not show going with
/// it — or whose requested tag moved, is skipped and reported, never deleted. So is one
/// that a tagged index pushed since the last sync now lists as a child.
public struct LiveCheck: Sendable {
  public let client: RegistryClient
  public let includeChildren: Bool

  public init(client: RegistryClient, includeChildren: Bool = false) {
    self.client = client
    self.includeChildren = includeChildren
  }

  /// The live state of one repository: which tags point at which digest now, and the
  /// children of tagged indexes the cache has not seen.
  struct RepositoryState {
    var tagsByDigest: [String: [String]] = [:]
    var digestByTag: [String: String] = [:]
    var newIndexChildren: [String: (index: String, tags: [String])] = [:]
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
      for item in items {
        if let reason = staleReason(item, state: state, rules: rules) {
          skipped.append(
            SkippedTarget(
              repository: repository, reference: item.manifest.digest, reason: reason))
        } else {
          safe.append(item)
        }
      }
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
    if item.isByDigest, !includeChildren, let parent = state.newIndexChildren[digest] {
      return
        "a child of the tagged index \(parent.index) (\(parent.tags.joined(separator: ", "))), pushed since the last sync; pass --include-children to delete it anyway"
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
    let heads = try await withThrowingTaskGroup(of: (String, ManifestHead?).self) { group in
      for tag in tags {
        group.addTask {
          (tag, try await client.headManifest(repository: repository, reference: tag))
        }
      }
      var result: [(String, ManifestHead?)] = []
      for try await head in group { result.append(head) }
      return result
    }
    var state = RepositoryState()
    for (tag, head) in heads {
      guard let head else { continue }
      let digest = head.digest.description
      state.digestByTag[tag] = digest
      state.tagsByDigest[digest, default: []].append(tag)
      // A tagged index the plan never saw may list a target as its child.
      if !includeChildren, !known.contains(digest), MediaType.isIndex(head.mediaType) {
        let index = try await client.manifest(repository: repository, reference: digest)
        if case .index(let decoded) = try index.decoded() {
          for child in decoded.manifests where known.contains(child.digest.description) {
            state.newIndexChildren[child.digest.description] = (
              digest, state.tagsByDigest[digest] ?? [tag]
            )
          }
        }
      }
    }
    return state
  }
}
