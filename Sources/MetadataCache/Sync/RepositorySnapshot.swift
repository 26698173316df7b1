import Foundation
import RegistryAPI

/// What one repository looked like on the registry during a sync: gathered over the
/// network first, then written to the cache in one transaction.
struct RepositorySnapshot: Sendable {
  /// Current tag → digest.
  var tags: [String: String] = [:]
  /// ACR's tag attributes, where the registry has them.
  var acrTags: [String: ACRTag] = [:]
  /// Manifests fetched in this sync (new to the cache).
  var fetched: [FetchedManifest] = []
  /// Digests seen present (tagged, an index's child, a referrer, or answered a HEAD).
  var present: Set<String> = []
  /// Digests the registry answered 404 for.
  var gone: Set<String> = []
  /// ACR's manifest attributes (timestamps, locks), by digest.
  var acrManifests: [String: ACRManifest] = [:]
}

/// A manifest read from the registry, with what the cache keeps of it.
struct FetchedManifest: Sendable {
  var digest: String
  var mediaType: String
  var raw: Data
  var configDigest: String?
  var configCreated: String?
  var architecture: String?
  var os: String?
  var variant: String?
  var artifactType: String?
  var subjectDigest: String?
  /// Config first (position -1), then the layers.
  var blobs: [(position: Int, digest: String, size: Int64, mediaType: String)] = []
  var children: [(digest: String, mediaType: String, size: Int64, platform: String?)] = []

  /// The bytes of the image: config plus layers (for an index, 0; its children count).
  /// A registry may declare any size: negative ones count as 0, and the sum stops at the
  /// largest value instead of overflowing.
  var imageSize: Int64 {
    blobs.saturatedSum(\.size)
  }
}
