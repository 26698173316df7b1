import MetadataCache
import RegistryAPI

/// Why a target was left alone. Every step of every workflow says it with one of these, and
/// `description` is the one place they become text: the plan shown before y/n, the summary
/// afterwards and the outcome document all read it from here.
public enum SkipReason: Sendable, Hashable, CustomStringConvertible {
  // Resolving targets against the cache.
  /// The cache has no such tag in the repository.
  case tagNotInCache(repository: String)
  /// The manifest is not a live manifest of the cache.
  case manifestNotInCache
  /// A digest target for untag with no tag on it.
  case noTagOnManifest
  /// A tag whose manifest the cache does not hold as live.
  case tagManifestNotInCache(digest: Digest)

  // Guards that need no network.
  /// A protection rule covers it (`protect add`); the rule as `ProtectionRule.describe` says it.
  case protected(rule: String)
  /// ACR's `deleteEnabled` or `writeEnabled` is false on it.
  case locked(String)

  // Safety rule 2.
  /// A tagged index that stays lists it as a child (or an untagged index nested in a tagged
  /// one: then `tags` is empty).
  case childOfTaggedIndex(index: Digest, tags: [String])
  /// It is a referrer (signature, SBOM) of a subject that stays.
  case referrerOfSubject(Digest)
  /// Manifests it belongs to (an index, a subject) stay — kept by a guard, a check, or a
  /// DELETE that failed — so it stays too.
  case belongsTo([Digest])
  /// Its dependencies form a cycle (which manifests cannot form; said rather than looped).
  case dependencyCycle

  // Safety rule 1: the live registry differs from the cache.
  /// The tag it was named by no longer exists.
  case tagGone(String)
  /// The tag it was named by points at another manifest now.
  case tagMoved(tag: String, now: Digest, was: Digest)
  /// Tags point at it now that the plan did not show going with it.
  case taggedSinceSync([String])
  /// The registry lists a tag no registry may hold: what it points at cannot be asked, so
  /// nothing in that repository is deleted.
  case uncheckableTag(String)

  // Backups.
  /// The copy into the backup directory failed, so it was not deleted.
  case backupFailed(directory: String, error: String)

  public var description: String {
    switch self {
    case .tagNotInCache(let repository):
      "no such tag in the cache (run `sync \(repository)` if it is new)"
    case .manifestNotInCache:
      "not in the cache as a live manifest (already deleted, or run `sync`)"
    case .noTagOnManifest: "no tag points at it"
    case .tagManifestNotInCache(let digest):
      "its manifest \(digest) is not in the cache as a live manifest (run `sync`)"
    case .protected(let rule): rule
    case .locked(let lock):
      "locked on the registry (\(lock)); unlock it with az acr repository update first"
    case .childOfTaggedIndex(let index, let tags) where tags.isEmpty:
      "a child of the index \(index), which a tagged index holds and which stays; pass --include-children to delete it anyway"
    case .childOfTaggedIndex(let index, let tags):
      "a child of the tagged index \(index) (\(tags.joined(separator: ", "))), which stays; pass --include-children to delete it anyway"
    case .referrerOfSubject(let subject):
      "a referrer (signature, SBOM, …) of \(subject), which stays; pass --include-referrers to delete it anyway"
    case .belongsTo(let digests):
      "it belongs to \(digests.map(\.description).joined(separator: ", ")), which stays"
    case .dependencyCycle: "its dependencies form a cycle"
    case .tagGone(let tag):
      "the tag \(tag) no longer exists on the registry (changed since the last sync)"
    case .tagMoved(let tag, let now, let was):
      "the tag \(tag) now points at \(now), not \(was) (changed since the last sync)"
    case .taggedSinceSync(let tags):
      "tagged since the last sync (\(tags.joined(separator: ", "))); run `sync` and look again"
    case .uncheckableTag(let tag):
      "the registry lists a tag that is not a valid tag name (\(TerminalText.escape(tag))); what it points at cannot be checked, so nothing in this repository is deleted"
    case .backupFailed(let directory, let error):
      "the copy to \(directory) failed: \(error)"
    }
  }

  /// A short, stable name for scripts (the outcome document's `code`).
  public var code: String {
    switch self {
    case .tagNotInCache: "tag-not-in-cache"
    case .manifestNotInCache: "manifest-not-in-cache"
    case .noTagOnManifest: "no-tag"
    case .tagManifestNotInCache: "manifest-not-in-cache"
    case .protected: "protected"
    case .locked: "locked"
    case .childOfTaggedIndex: "index-child"
    case .referrerOfSubject: "referrer"
    case .belongsTo: "belongs-to-kept"
    case .dependencyCycle: "dependency-cycle"
    case .tagGone: "tag-gone"
    case .tagMoved: "tag-moved"
    case .taggedSinceSync: "tagged-since-sync"
    case .uncheckableTag: "uncheckable-tag"
    case .backupFailed: "backup-failed"
    }
  }
}

extension SkipReason {
  static func protected(by rule: ProtectionRule) -> SkipReason {
    .protected(rule: ProtectionRule.describe(rule))
  }
}
