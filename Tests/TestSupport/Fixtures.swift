import Foundation
import RegistryAPI

/// The registry content the integration tests work on, pushed with RegistryAPI's own push code.
public struct Fixtures {
  public static let repositories = [
    "hello-world", "marketing/campaign10-18/api", "marketing/campaign10-18/web",
    "product-returns/web-submission",
  ]

  /// The layer every image shares.
  public var baseLayer: Descriptor
  /// `hello-world:latest` before the second push: now untagged.
  public var untaggedManifest: Descriptor
  /// `hello-world:latest` (also tagged `v2`).
  public var latestManifest: Descriptor
  /// `hello-world:v1`.
  public var v1Manifest: Descriptor
  /// `marketing/campaign10-18/web:multi`, an index of two untagged platform manifests.
  public var index: Descriptor
  public var indexChildren: [Descriptor]
  /// A signature-like artifact whose subject is `hello-world:v1`.
  public var signature: Descriptor

  public static func push(to client: RegistryClient) async throws -> Fixtures {
    let base = try await client.uploadBlob(
      repository: "hello-world", data: Data("base layer shared by every image".utf8),
      mediaType: MediaType.ociLayerGzip)

    func image(
      _ repository: String, _ reference: String, _ name: String,
      platform: Platform = Platform(architecture: "amd64", os: "linux")
    ) async throws -> Descriptor {
      let config = ImageConfiguration(
        created: "2024-05-0\(name.count % 9 + 1)T12:00:00Z", architecture: platform.architecture,
        os: platform.os)
      let configBlob = try await client.uploadBlob(
        repository: repository, data: try JSONEncoder.manifestEncoder.encode(config),
        mediaType: MediaType.ociConfig)
      _ = try await client.uploadBlob(
        repository: repository, data: Data("base layer shared by every image".utf8),
        mediaType: MediaType.ociLayerGzip)
      let top = try await client.uploadBlob(
        repository: repository, data: Data("layer of \(name)".utf8),
        mediaType: MediaType.ociLayerGzip)
      return try await put(
        repository, reference, ImageManifest(config: configBlob, layers: [base, top]))
    }

    /// Pushes by tag, or by its own digest when `reference` is empty (an untagged manifest).
    func put(_ repository: String, _ reference: String, _ manifest: ImageManifest) async throws
      -> Descriptor
    {
      let data = try JSONEncoder.manifestEncoder.encode(manifest)
      let digest = Digest.sha256(of: data)
      try await client.putManifest(
        repository: repository, reference: reference.isEmpty ? digest.description : reference,
        data: data, mediaType: MediaType.ociManifest)
      return Descriptor(
        mediaType: MediaType.ociManifest, digest: digest, size: Int64(data.count),
        artifactType: manifest.artifactType)
    }

    let untagged = try await image("hello-world", "latest", "hello first")
    let latest = try await image("hello-world", "latest", "hello second")
    _ = try await image("hello-world", "v2", "hello second")
    let v1 = try await image("hello-world", "v1", "hello v1")
    _ = try await image("marketing/campaign10-18/api", "v3", "api")
    _ = try await image("product-returns/web-submission", "20180604", "submission")

    var children: [Descriptor] = []
    for platform in [
      Platform(architecture: "amd64", os: "linux"), Platform(architecture: "arm64", os: "linux"),
    ] {
      var child = try await image(
        "marketing/campaign10-18/web", "", "web \(platform.architecture)", platform: platform)
      child.platform = platform
      children.append(child)
    }
    let index = try await client.putManifest(
      repository: "marketing/campaign10-18/web", reference: "multi",
      index: ImageIndex(manifests: children))
    _ = try await image("marketing/campaign10-18/web", "v2", "web v2")

    // A signature-like artifact, recorded under the referrers tag schema as distribution 2.8 has no referrers API.
    let empty = try await client.uploadBlob(
      repository: "hello-world", data: Data("{}".utf8), mediaType: MediaType.ociEmpty)
    let signatureLayer = try await client.uploadBlob(
      repository: "hello-world", data: Data("signature of v1".utf8),
      mediaType: "application/vnd.dev.cosign.simplesigning.v1+json")
    var signature = try await put(
      "hello-world", "",
      ImageManifest(
        artifactType: "application/vnd.dev.regsh.signature", config: empty,
        layers: [signatureLayer],
        subject: v1, annotations: ["org.opencontainers.image.created": "2024-05-01T00:00:00Z"]))
    signature.annotations = ["org.opencontainers.image.created": "2024-05-01T00:00:00Z"]
    _ = try await client.putManifest(
      repository: "hello-world", reference: RegistryClient.referrersTag(for: v1.digest),
      index: ImageIndex(manifests: [signature]))

    return Fixtures(
      baseLayer: base, untaggedManifest: untagged, latestManifest: latest, v1Manifest: v1,
      index: index, indexChildren: children, signature: signature)
  }
}
