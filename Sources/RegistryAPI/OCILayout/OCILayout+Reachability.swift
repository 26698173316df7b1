import Foundation

/// A manifest the layout holds, as the entry or index that lists it describes it.
public struct LayoutManifest: Sendable {
  public var descriptor: Descriptor
  public var data: Data
  public var manifest: Manifest
}

/// A blob `collectGarbage` removed (or, in a dry run, would remove).
public struct UnreachableBlob: Sendable, Hashable {
  public var digest: Digest
  public var size: Int64
}

extension OCILayout {
  /// Whether a descriptor points at a manifest (so an index's entry is followed as one).
  static func isManifest(_ mediaType: String) -> Bool {
    MediaType.manifestAccept.contains(mediaType)
  }

  /// Reads and decodes the manifest `descriptor` points at, checked against its digest.
  func loadManifest(_ descriptor: Descriptor) throws -> LayoutManifest {
    let data = try blobData(descriptor.digest)
    let file = blobFile(descriptor.digest).path
    let actual = descriptor.digest.recomputed(for: data)
    guard actual == descriptor.digest else {
      throw RegistryError.layout(
        path: file, reason: "holds content whose digest is \(actual), not \(descriptor.digest)")
    }
    do {
      let manifest = try Manifest(data: data, mediaType: descriptor.mediaType)
      return LayoutManifest(descriptor: descriptor, data: data, manifest: manifest)
    } catch {
      throw RegistryError.layout(
        path: file, reason: "is listed as a manifest but does not decode as one (\(error))")
    }
  }

  /// Every manifest reachable from `index`'s entries, index children included, by digest.
  ///
  /// A manifest listed more than once (two tags) is read once; the first descriptor wins.
  func reachableManifests(from index: ImageIndex) throws -> [Digest: LayoutManifest] {
    var found: [Digest: LayoutManifest] = [:]
    var queue = index.manifests
    while !queue.isEmpty {
      let descriptor = queue.removeFirst()
      guard found[descriptor.digest] == nil else { continue }
      let loaded = try loadManifest(descriptor)
      found[descriptor.digest] = loaded
      if case .index(let child) = loaded.manifest {
        queue += child.manifests.filter { Self.isManifest($0.mediaType) }
      }
    }
    return found
  }

  /// The digests of every blob the index's entries reach: manifests, configs and layers.
  func reachableBlobs(from index: ImageIndex) throws -> Set<Digest> {
    var reached = Set<Digest>()
    for (digest, loaded) in try reachableManifests(from: index) {
      reached.insert(digest)
      switch loaded.manifest {
      case .image(let image):
        reached.insert(image.config.digest)
        for layer in image.layers { reached.insert(layer.digest) }
      case .index(let child):
        // Non-manifest entries of an index (rare, but allowed) are blobs it keeps alive too.
        for entry in child.manifests { reached.insert(entry.digest) }
      }
    }
    return reached
  }

  /// Every blob file in the layout, by digest; files that are not named by a digest are left out.
  func storedBlobs() throws -> [Digest] {
    let manager = FileManager.default
    guard manager.fileExists(atPath: blobsDirectory.path) else { return [] }
    var digests: [Digest] = []
    let algorithms: [String]
    do {
      algorithms = try manager.contentsOfDirectory(atPath: blobsDirectory.path)
    } catch {
      throw RegistryError.layout(
        path: blobsDirectory.path, reason: "cannot be listed (\(Self.describe(error)))")
    }
    for algorithm in algorithms.sorted() {
      let directory = blobsDirectory.appendingPathComponent(algorithm)
      guard let names = try? manager.contentsOfDirectory(atPath: directory.path) else { continue }
      digests += names.sorted().compactMap { try? Digest("\(algorithm):\($0)") }
    }
    return digests
  }

  /// Removes every blob that no index.json entry reaches (following index children, configs
  /// and layers) and returns what went, with sizes; `dryRun` only reports.
  ///
  /// Runs under the writer lock, so no manifest can be pushed or deleted meanwhile. If any
  /// manifest the index reaches cannot be read, nothing is removed: an unknown graph could
  /// otherwise lose blobs that are in use. Like `registry garbage-collect`, run it while
  /// nothing is pushing: a blob uploaded for a manifest not yet pushed is unreachable.
  public func collectGarbage(dryRun: Bool = false) throws -> [UnreachableBlob] {
    try withLock {
      let reached = try reachableBlobs(from: try readIndex())
      var removed: [UnreachableBlob] = []
      for digest in try storedBlobs() where !reached.contains(digest) {
        let size = blobSize(digest) ?? 0
        if !dryRun {
          do {
            try FileManager.default.removeItem(at: blobFile(digest))
          } catch {
            throw RegistryError.layout(
              path: blobFile(digest).path,
              reason: "cannot be removed (\(Self.describe(error)))")
          }
        }
        removed.append(UnreachableBlob(digest: digest, size: size))
      }
      return removed
    }
  }
}
