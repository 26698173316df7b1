import Foundation
import RegistryAPI

/// Copies images between two registries — in practice from a registry into an OCI layout
/// (`export --oci`, `delete --backup`) and back (`restore --from`): the manifest, its
/// config and layers, and for an index every child, each blob verified against its digest.
public struct ImageCopy: Sendable {
  public let source: RegistryClient
  public let destination: RegistryClient
  /// Where blobs wait between download and upload, so a large layer never sits in memory.
  public let scratch: URL

  public init(source: RegistryClient, destination: RegistryClient, scratch: URL) {
    self.source = source
    self.destination = destination
    self.scratch = scratch
  }

  /// Copies `repository@digest` with `tags`; returns the bytes of blobs copied.
  @discardableResult
  public func copy(repository: String, digest: Digest, tags: [String]) async throws -> Int64 {
    let manifest = try await source.manifest(repository: repository, reference: digest.description)
    var copied: Int64 = 0
    switch try manifest.decoded() {
    case .image(let image):
      for blob in [image.config] + image.layers {
        copied += try await copyBlob(repository: repository, blob)
      }
    case .index(let index):
      for child in index.manifests {
        copied += try await copy(repository: repository, digest: child.digest, tags: [])
      }
    }
    try await destination.putManifest(
      repository: repository, reference: digest.description, data: manifest.data,
      mediaType: manifest.mediaType)
    for tag in tags {
      try await destination.putManifest(
        repository: repository, reference: tag, data: manifest.data,
        mediaType: manifest.mediaType)
    }
    return copied
  }

  func copyBlob(repository: String, _ blob: Descriptor) async throws -> Int64 {
    if try await destination.headBlob(repository: repository, digest: blob.digest) != nil {
      return 0
    }
    let file = scratch.appendingPathComponent("\(blob.digest.algorithm)-\(blob.digest.hex)")
    defer { try? FileManager.default.removeItem(at: file) }
    let size = try await source.downloadBlob(repository: repository, digest: blob.digest, to: file)
    let data = try Data(contentsOf: file, options: .alwaysMapped)
    try await destination.uploadBlob(repository: repository, data: data, mediaType: blob.mediaType)
    return size
  }
}
