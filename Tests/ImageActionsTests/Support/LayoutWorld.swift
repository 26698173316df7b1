import Foundation
import ImageActions
import MetadataCache
import RegistryAPI
import TestSupport

/// An in-process registry — an `oci:` layout behind a `FaultyTransport` — and a temporary
/// cache synced from it: every safety rule can be tried with no process and no server.
final class LayoutWorld: @unchecked Sendable {
  let directory: URL
  let transport: FaultyTransport
  let client: RegistryClient
  let store: MetadataStore
  /// Where the store is, for a second client of it.
  let storeAddress: StoreAddress
  let registry: RegistryInfo

  init(_ kind: StoreKind = .sqlite) throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "regsh-actions-\(UUID().uuidString)", isDirectory: true)
    let layouts = directory.appendingPathComponent("registry")
    try FileManager.default.createDirectory(at: layouts, withIntermediateDirectories: true)
    transport = FaultyTransport(registry: OCILayoutRegistry(root: layouts))
    // One attempt per request: a refused request is the answer, not a reason to wait.
    let options = RegistryOptions(retry: RetryPolicy(maxAttempts: 1))
    client = try RegistryClient(server: "oci:" + layouts.path, options: options, http: transport)
    storeAddress = try kind.address(home: directory)
    store = try MetadataStore(address: storeAddress)
    registry = try store.addRegistry(NewRegistry(name: "lab", url: "oci:" + layouts.path))
  }

  deinit { try? FileManager.default.removeItem(at: directory) }

  var context: ActionContext { ActionContext(store: store, registry: registry, client: client) }

  // MARK: Content

  /// An image as pushed: its manifest, config and layers.
  struct Image {
    var manifest: Descriptor
    var config: Descriptor
    var layers: [Descriptor]
    var digest: String { manifest.digest.description }
    /// What deleting it alone frees: its manifest, config and own layer (not the layer
    /// every image shares, nor a `sharing` layer).
    var ownBytes: Int { Int(manifest.size + config.size + layers[1].size) }
  }

  /// Pushes a small image — the layer every image shares, a layer of its own, and
  /// optionally a layer named `sharing` that other images may hold too — by tag, or by
  /// digest (untagged) when `tag` is nil.
  @discardableResult
  func pushImage(
    _ repository: String, tag: String?, name: String, sharing: String? = nil,
    subject: Descriptor? = nil, artifactType: String? = nil
  ) async throws -> Image {
    let config = try await client.uploadBlob(
      repository: repository,
      data: Data(
        #"{"architecture":"amd64","os":"linux","created":"2024-05-01T12:00:00Z","name":"\#(name)"}"#
          .utf8),
      mediaType: MediaType.ociConfig)
    var layers: [Descriptor] = []
    for content in ["the layer every image shares", "the layer of \(name)"]
      + (sharing.map { ["the layer named \($0)"] } ?? [])
    {
      layers.append(
        try await client.uploadBlob(
          repository: repository, data: Data(content.utf8), mediaType: MediaType.ociLayer))
    }
    let manifest = ImageManifest(
      artifactType: artifactType, config: config, layers: layers, subject: subject)
    let descriptor = try await push(
      repository, tag: tag, data: try Self.encoder.encode(manifest),
      mediaType: MediaType.ociManifest)
    return Image(manifest: descriptor, config: config, layers: layers)
  }

  /// Pushes an index of `children`, by tag or by digest.
  @discardableResult
  func pushIndex(_ repository: String, tag: String?, children: [Descriptor]) async throws
    -> Descriptor
  {
    return try await push(
      repository, tag: tag, data: try Self.encoder.encode(ImageIndex(manifests: children)),
      mediaType: MediaType.ociIndex)
  }

  static let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }()

  /// Pushes manifest bytes under `tag`, or under their own digest (untagged).
  func push(_ repository: String, tag: String?, data: Data, mediaType: String) async throws
    -> Descriptor
  {
    let digest = try await client.putManifest(
      repository: repository, reference: tag ?? Digest.sha256(of: data).description, data: data,
      mediaType: mediaType)
    return Descriptor(mediaType: mediaType, digest: digest, size: Int64(data.count))
  }

  /// Points `tag` at an existing manifest (a re-tag behind regsh's back).
  func tag(_ repository: String, _ tag: String, at descriptor: Descriptor) async throws {
    let manifest = try await client.manifest(
      repository: repository, reference: descriptor.digest.description)
    try await client.putManifest(
      repository: repository, reference: tag, data: manifest.data, mediaType: manifest.mediaType)
  }

  /// Brings the cache up to date with the registry.
  func sync() async throws {
    let report = try await Synchronizer(store: store, registry: registry, client: client).sync()
    if let failure = report.failed.first {
      throw WorldError("sync of \(failure.repository) failed: \(failure.reason)")
    }
  }

  // MARK: What the registry holds

  /// Whether the registry still serves the manifest (asked past the faults).
  func exists(_ repository: String, _ digest: String) async throws -> Bool {
    try await untouched.headManifest(repository: repository, reference: digest) != nil
  }

  /// The tags of a repository, live.
  func liveTags(_ repository: String) async throws -> [String] {
    try await untouched.tags(repository: repository).sorted()
  }

  /// A client without the faults, for looking.
  var untouched: RegistryClient {
    get throws {
      try RegistryClient(server: "oci:" + directory.appendingPathComponent("registry").path)
    }
  }

  // MARK: Actions

  /// Plans and runs a delete with the confirmation answered yes.
  func delete(_ targets: [String], repository: String, options: DeleteWorkflow.Options = .init())
    async throws -> DeleteOutcome
  {
    let workflow = DeleteWorkflow(context: context, options: options)
    let plan = try workflow.plan(
      try targets.map { try ActionTarget(parsing: $0, repository: repository) })
    return try await workflow.run(plan) { _ in true }
  }
}

struct WorldError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
