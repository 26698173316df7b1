import Foundation
import TestSupport

@testable import RegistryAPI

/// Small images pushed through RegistryClient into an `oci:` registry for the layout tests.
struct LayoutImage {
  var manifest: Descriptor
  var config: Descriptor
  var layers: [Descriptor]

  /// Every blob the image needs, manifest included.
  var blobs: [Descriptor] { [manifest, config] + layers }

  /// The layer every test image shares.
  static let baseLayer = Data("base layer shared by every test image".utf8)

  /// Pushes an image with the shared base layer and one layer of its own (`name`, or
  /// `layer`), by tag or (tag nil) by digest.
  static func push(
    _ client: RegistryClient, _ repository: String, tag: String?, name: String,
    subject: Descriptor? = nil, artifactType: String? = nil,
    layer: (data: Data, mediaType: String)? = nil
  ) async throws -> LayoutImage {
    let config = try await client.uploadBlob(
      repository: repository,
      data: try JSONSerialization.data(
        withJSONObject: [
          "created": "2024-05-01T12:00:00Z", "architecture": "amd64", "os": "linux",
          "config": ["Labels": ["name": name]],
        ], options: [.sortedKeys]),
      mediaType: MediaType.ociConfig)
    let base = try await client.uploadBlob(
      repository: repository, data: baseLayer, mediaType: MediaType.ociLayer)
    let own = try await client.uploadBlob(
      repository: repository, data: layer?.data ?? Data("layer of \(name)".utf8),
      mediaType: layer?.mediaType ?? MediaType.ociLayer)
    let manifest = ImageManifest(
      artifactType: artifactType, config: config, layers: [base, own], subject: subject)
    let data = try JSONEncoder.manifestEncoder.encode(manifest)
    let digest = try await client.putManifest(
      repository: repository, reference: tag ?? Digest.sha256(of: data).description, data: data,
      mediaType: MediaType.ociManifest)
    return LayoutImage(
      manifest: Descriptor(
        mediaType: MediaType.ociManifest, digest: digest, size: Int64(data.count)),
      config: config, layers: [base, own])
  }
}

/// A fresh `oci:` registry in a temporary directory.
struct LayoutFixture {
  let directory: TemporaryDirectory
  let client: RegistryClient
  var root: URL { directory.url }
  var registry: OCILayoutRegistry { OCILayoutRegistry(root: root) }

  init(options: RegistryOptions = RegistryOptions()) throws {
    directory = try TemporaryDirectory()
    client = try RegistryClient(server: "oci:\(directory.url.path)", options: options)
  }

  func layout(_ repository: String) throws -> OCILayout {
    try registry.layout(for: repository)
  }
}
