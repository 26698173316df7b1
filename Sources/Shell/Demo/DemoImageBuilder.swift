import Foundation
import RegistryAPI

/// Builds the demo's images as real OCI images — uncompressed tar layers, a config with
/// architecture, os, created, rootfs and history — and pushes them through RegistryClient.
/// Everything is deterministic: the same image has the same digest on every run.
struct DemoImageBuilder {
  let client: RegistryClient

  /// 2018-06-01T00:00:00Z: the base layer's files' time.
  static let baseTime = 1_527_811_200

  /// The layer every demo image starts from, so they all share it.
  static func baseLayer() throws -> Data {
    try TarArchive(
      entries: [
        .directory("etc"),
        .file(
          "etc/os-release",
          "NAME=\"regsh demo base\"\nID=regsh-demo\nVERSION_ID=2018.06\n"),
        .file("etc/motd", "A demo image of regsh: nothing here runs.\n"),
        .directory("app"),
      ], modificationTime: baseTime
    ).bytes()
  }

  /// The image's own layer: one file saying what it is.
  static func appLayer(_ image: DemoImage) throws -> Data {
    try TarArchive(
      entries: [
        .directory("app"),
        .file(
          "app/README",
          "\(image.repository) \(image.version)\nbuilt \(image.created) for the regsh demo\n"),
      ], modificationTime: seconds(image.created)
    ).bytes()
  }

  /// Pushes the image's blobs and then its manifest under each of its tags; returns the manifest.
  @discardableResult
  func push(_ image: DemoImage) async throws -> Descriptor {
    let repository = image.repository
    let base = try await client.uploadBlob(
      repository: repository, data: try Self.baseLayer(), mediaType: MediaType.ociLayer)
    let app = try await client.uploadBlob(
      repository: repository, data: try Self.appLayer(image), mediaType: MediaType.ociLayer)
    let config = try await client.uploadBlob(
      repository: repository,
      data: try Self.encoder.encode(
        DemoImageConfiguration(image, diffIDs: [base.digest, app.digest])),
      mediaType: MediaType.ociConfig)
    let manifest = ImageManifest(
      config: config, layers: [base, app],
      annotations: ["org.opencontainers.image.created": image.created])
    var pushed: Descriptor?
    for tag in image.tags {
      pushed = try await client.putManifest(
        repository: repository, reference: tag, manifest: manifest)
    }
    guard let pushed else {
      throw ShellError.failed("demo: \(repository) has an image without tags")
    }
    return pushed
  }

  /// Sorted keys and no escaped slashes: stable bytes, so stable digests.
  static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }

  static func seconds(_ timestamp: String) -> Int {
    ISO8601DateFormatter().date(from: timestamp).map { Int($0.timeIntervalSince1970) }
      ?? baseTime
  }
}

/// An OCI image config (image-spec config.md) with the fields a real image has.
struct DemoImageConfiguration: Encodable {
  struct Runtime: Encodable {
    var env: [String]
    var cmd: [String]
    var workingDir: String
    var labels: [String: String]

    enum CodingKeys: String, CodingKey {
      case env = "Env"
      case cmd = "Cmd"
      case workingDir = "WorkingDir"
      case labels = "Labels"
    }
  }

  struct RootFS: Encodable {
    var type = "layers"
    var diffIDs: [String]

    enum CodingKeys: String, CodingKey {
      case type
      case diffIDs = "diff_ids"
    }
  }

  struct History: Encodable {
    var created: String
    var createdBy: String

    enum CodingKeys: String, CodingKey {
      case created
      case createdBy = "created_by"
    }
  }

  var created: String
  var author = "regsh demo"
  var architecture = "amd64"
  var os = "linux"
  var config: Runtime
  var rootfs: RootFS
  var history: [History]

  /// `diffIDs` are the layers' digests: uncompressed layers are their own diff IDs.
  init(_ image: DemoImage, diffIDs: [Digest]) {
    created = image.created
    config = Runtime(
      env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
      cmd: ["/bin/cat", "/app/README"], workingDir: "/app",
      labels: ["org.opencontainers.image.version": image.version])
    rootfs = RootFS(diffIDs: diffIDs.map(\.description))
    history = [
      History(created: "2018-06-01T00:00:00Z", createdBy: "regsh demo: base layer"),
      History(created: image.created, createdBy: "regsh demo: COPY README /app/"),
    ]
  }
}
