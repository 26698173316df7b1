import Cleanup
import Foundation
import ImageActions
import MetadataCache
import RegistryAPI

/// A registry in an `oci:` layout and a temporary cache synced from it: a purge planned and
/// run in-process, through the real workflows, with no server.
final class PurgeWorld: @unchecked Sendable {
  let directory: URL
  let client: RegistryClient
  let store: MetadataStore
  let registry: RegistryInfo

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "regsh-cleanup-\(UUID().uuidString)", isDirectory: true)
    let layouts = directory.appendingPathComponent("registry")
    try FileManager.default.createDirectory(at: layouts, withIntermediateDirectories: true)
    client = try RegistryClient(server: "oci:" + layouts.path)
    store = try MetadataStore(url: directory.appendingPathComponent("cache.sqlite"))
    registry = try store.addRegistry(NewRegistry(name: "lab", url: "oci:" + layouts.path))
  }

  deinit { try? FileManager.default.removeItem(at: directory) }

  var context: ActionContext { ActionContext(store: store, registry: registry, client: client) }

  static let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }()

  /// Pushes a small image by tag, or by digest (untagged) when `tag` is nil.
  @discardableResult
  func pushImage(_ repository: String, tag: String?, name: String, subject: Descriptor? = nil)
    async throws -> Descriptor
  {
    let config = try await client.uploadBlob(
      repository: repository,
      data: Data(#"{"architecture":"amd64","os":"linux","name":"\#(name)"}"#.utf8),
      mediaType: MediaType.ociConfig)
    let layer = try await client.uploadBlob(
      repository: repository, data: Data("the layer of \(name)".utf8), mediaType: MediaType.ociLayer
    )
    let manifest = ImageManifest(
      artifactType: subject == nil ? nil : "application/vnd.example.signature",
      config: config, layers: [layer], subject: subject)
    return try await push(
      repository, tag: tag, data: try Self.encoder.encode(manifest),
      mediaType: MediaType.ociManifest)
  }

  @discardableResult
  func pushIndex(_ repository: String, tag: String?, children: [Descriptor]) async throws
    -> Descriptor
  {
    try await push(
      repository, tag: tag, data: try Self.encoder.encode(ImageIndex(manifests: children)),
      mediaType: MediaType.ociIndex)
  }

  func push(_ repository: String, tag: String?, data: Data, mediaType: String) async throws
    -> Descriptor
  {
    let digest = try await client.putManifest(
      repository: repository, reference: tag ?? Digest.sha256(of: data).description, data: data,
      mediaType: mediaType)
    return Descriptor(mediaType: mediaType, digest: digest, size: Int64(data.count))
  }

  func sync() async throws {
    let report = try await Synchronizer(store: store, registry: registry, client: client).sync()
    if let failure = report.failed.first {
      throw PurgeWorldError(description: "sync of \(failure.repository) failed: \(failure.reason)")
    }
  }

  func exists(_ repository: String, _ digest: Descriptor) async throws -> Bool {
    try await client.headManifest(repository: repository, reference: digest.digest.description)
      != nil
  }

  func liveTags(_ repository: String) async throws -> [String] {
    try await client.tags(repository: repository).sorted()
  }

  /// A purge as the flags give it, planned from the cache; `ago` -1d makes everything old.
  func runner(
    _ filters: [String], ago: String = "-1d", keep: Int = 0, untagged: Bool = false,
    untaggedOnly: Bool = false, maxDeletes: Int? = nil
  ) throws -> PurgeRunner {
    var options = PurgeOptions()
    options.filters = filters
    options.ago = ago
    options.keep = keep
    options.untagged = untagged
    options.untaggedOnly = untaggedOnly
    return PurgeRunner(
      context: context, policy: try options.check(now: Date()).policy, maxDeletes: maxDeletes)
  }
}

struct PurgeWorldError: Error, CustomStringConvertible {
  var description: String
}

/// Events collected for assertions.
final class EventList: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [PurgeEvent] = []

  @Sendable func record(_ event: PurgeEvent) {
    lock.lock()
    items.append(event)
    lock.unlock()
  }

  /// The deletions, as acr names them: `repo:tag` and `repo@digest`.
  var deleted: [String] {
    lock.lock()
    defer { lock.unlock() }
    return items.compactMap {
      switch $0 {
      case .tagDeleted(let repository, let tag): "\(repository):\(tag)"
      case .manifestDeleted(let repository, let digest): "\(repository)@\(digest)"
      default: nil
      }
    }
  }
}
