import MetadataCache
import RegistryAPI

/// A target found in the cache: the live manifest it names, and the tag it was named by.
public struct ResolvedTarget: Sendable, Hashable {
  public var manifest: CachedManifest
  public var requestedTag: String?
}

extension ActionTarget {
  /// Finds each target's manifest in the cache, once per manifest (a manifest named twice
  /// keeps the first tag it was named by, if any mention named one). Targets the cache does not hold are skipped with
  /// the reason, in input order.
  public static func resolve(_ targets: [ActionTarget], store: MetadataStore, registryId: Int64)
    throws -> (resolved: [ResolvedTarget], skipped: [SkippedTarget])
  {
    var resolved: [ManifestKey: ResolvedTarget] = [:]
    var order: [ManifestKey] = []
    var skipped: [SkippedTarget] = []
    var tagsByRepository: [String: [String: Digest]] = [:]
    var wanted: [(ActionTarget, Digest)] = []
    for target in targets {
      switch target.selector {
      case .digest(let digest): wanted.append((target, digest))
      case .tag(let tag):
        if tagsByRepository[target.repository] == nil {
          tagsByRepository[target.repository] = try store.currentTags(
            registryId: registryId, repository: target.repository)
        }
        guard let digest = tagsByRepository[target.repository]?[tag] else {
          skipped.append(
            SkippedTarget(
              repository: target.repository, reference: target.description,
              reason: .tagNotInCache(repository: target.repository)))
          continue
        }
        wanted.append((target, digest))
      }
    }
    var manifests: [String: [Digest: CachedManifest]] = [:]
    for (repository, group) in Dictionary(grouping: wanted, by: \.0.repository) {
      manifests[repository] = try store.cachedManifests(
        registryId: registryId, repository: repository, digests: group.map(\.1))
    }
    for (target, digest) in wanted {
      guard let manifest = manifests[target.repository]?[digest] else {
        skipped.append(
          SkippedTarget(
            repository: target.repository, reference: target.description,
            reason: .manifestNotInCache))
        continue
      }
      let key = ManifestKey(repository: target.repository, digest: digest)
      var tag: String?
      if case .tag(let name) = target.selector { tag = name }
      if resolved[key] != nil {
        if resolved[key]?.requestedTag == nil { resolved[key]?.requestedTag = tag }
        continue
      }
      resolved[key] = ResolvedTarget(manifest: manifest, requestedTag: tag)
      order.append(key)
    }
    return (order.compactMap { resolved[$0] }, skipped)
  }
}
