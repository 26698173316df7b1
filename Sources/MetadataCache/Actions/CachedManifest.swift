import Foundation
import RegistryAPI

/// What the cache knows of one manifest the registry still serves: enough to plan an
/// action on it (its tags, its blobs and their sizes, what it points at) and to restore it
/// (its exact bytes).
public struct CachedManifest: Sendable, Hashable {
  public var repository: String
  public var digest: Digest
  public var mediaType: String
  /// The manifest exactly as the registry served it; nil only for synthetic bench data.
  public var raw: Data?
  public var size: Int
  /// The tags pointing at it at the last sync, sorted.
  public var tags: [String]
  /// For a referrer (signature, SBOM): the manifest it refers to.
  public var subjectDigest: Digest?
  /// ACR's `changeableAttributes` (`deleteEnabled`, `writeEnabled`, …) as the registry sent them.
  public var changeableAttributes: String?
  /// Config and layers of an image manifest.
  public var blobs: [CachedBlob]
  /// The manifests an index lists.
  public var children: [Digest]

  public init(
    repository: String, digest: Digest, mediaType: String, raw: Data?, size: Int, tags: [String],
    subjectDigest: Digest?, changeableAttributes: String?, blobs: [CachedBlob], children: [Digest]
  ) {
    self.repository = repository
    self.digest = digest
    self.mediaType = mediaType
    self.raw = raw
    self.size = size
    self.tags = tags
    self.subjectDigest = subjectDigest
    self.changeableAttributes = changeableAttributes
    self.blobs = blobs
    self.children = children
  }

  /// Whether ACR's locks forbid deleting it (`deleteEnabled` or `writeEnabled` false).
  public var lock: String? {
    guard let changeableAttributes,
      let attributes = try? JSONSerialization.jsonObject(with: Data(changeableAttributes.utf8))
        as? [String: Any]
    else { return nil }
    for key in ["deleteEnabled", "writeEnabled"] where (attributes[key] as? Bool) == false {
      return "\(key)=false"
    }
    return nil
  }
}

/// A blob a manifest references: its config or one of its layers.
public struct CachedBlob: Sendable, Hashable {
  public var digest: Digest
  public var size: Int
  public var mediaType: String
}

/// A manifest in one repository: blobs and manifests are shared across repositories, so
/// this pair is what "another manifest still uses it" is counted in.
public struct ManifestKey: Sendable, Hashable, Comparable {
  public var repository: String
  public var digest: Digest

  public init(repository: String, digest: Digest) {
    self.repository = repository
    self.digest = digest
  }

  public static func < (a: ManifestKey, b: ManifestKey) -> Bool {
    (a.repository, a.digest) < (b.repository, b.digest)
  }
}

/// An index that lists a manifest as a child.
public struct ParentIndex: Sendable, Hashable {
  public var digest: Digest
  public var tags: [String]

  public init(digest: Digest, tags: [String]) {
    self.digest = digest
    self.tags = tags
  }
}
