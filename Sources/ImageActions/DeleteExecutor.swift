import Foundation
import JMESPath
import MetadataCache
import RegistryAPI

/// What a delete did, item by item: the summary people and scripts read afterwards.
public struct DeleteOutcome: Sendable {
  public struct Item: Sendable, Hashable {
    public var repository: String
    public var digest: String
    public var tags: [String]
    public var bytesFreed: Int
    public var reason: String?
  }
  public var registry: String
  public var deleted: [Item] = []
  public var alreadyGone: [Item] = []
  public var skipped: [SkippedTarget] = []
  public var failed: [Item] = []

  public var bytesFreed: Int { deleted.reduce(0) { $0 + $1.bytesFreed } }

  public init(registry: String) { self.registry = registry }

  public var document: JSON {
    func items(_ list: [Item]) -> JSON {
      .array(
        list.map { item in
          var object: JSONObject = [
            "repository": .string(item.repository), "digest": .string(item.digest),
            "tags": item.tags.isEmpty ? .null : .array(item.tags.map(JSON.string)),
          ]
          if let reason = item.reason {
            object["reason"] = .string(reason)
          } else {
            object["bytesFreed"] = .int(item.bytesFreed)
          }
          return .object(object)
        })
    }
    return .object([
      "registry": .string(registry), "deleted": items(deleted),
      "alreadyGone": items(alreadyGone),
      "skipped": .array(skipped.map(\.document)), "failed": items(failed),
      "bytesFreed": .int(bytesFreed),
    ])
  }
}

/// Deletes planned manifests, several at once; each success is recorded (cache and audit
/// log) as soon as the registry confirms it, so a crash never loses the way back.
public struct DeleteExecutor: Sendable {
  public let client: RegistryClient
  public let store: MetadataStore
  public let registry: RegistryInfo
  public var concurrency: Int
  /// Called after each item with (done, total), for a progress bar.
  public var onProgress: (@Sendable (Int, Int) -> Void)?

  public init(
    client: RegistryClient, store: MetadataStore, registry: RegistryInfo, concurrency: Int = 8
  ) {
    self.client = client
    self.store = store
    self.registry = registry
    self.concurrency = max(1, concurrency)
  }

  enum Result: Sendable {
    case deleted(PlannedDeletion)
    case gone(PlannedDeletion)
    case failed(PlannedDeletion, String)
  }

  public func execute(_ deletions: [PlannedDeletion]) async throws -> DeleteOutcome {
    var outcome = DeleteOutcome(registry: registry.name)
    guard let first = deletions.first else { return outcome }
    // One probe first: deletes disabled on the registry is one clear error, not N failures.
    try await client.checkDeletesEnabled(repository: first.manifest.repository)
    let total = deletions.count
    var done = 0
    try await withThrowingTaskGroup(of: Result.self) { group in
      var pending = deletions.makeIterator()
      func startNext() {
        guard let item = pending.next() else { return }
        group.addTask { await self.delete(item) }
      }
      for _ in 0..<min(concurrency, total) { startNext() }
      while let result = try await group.next() {
        switch result {
        case .deleted(let item):
          outcome.deleted.append(Self.item(item, reason: nil))
        case .gone(let item):
          outcome.alreadyGone.append(Self.item(item, reason: "the registry answered 404"))
        case .failed(let item, let reason):
          outcome.failed.append(Self.item(item, reason: reason))
        }
        done += 1
        onProgress?(done, total)
        startNext()
      }
    }
    return outcome
  }

  func delete(_ item: PlannedDeletion) async -> Result {
    let manifest = item.manifest
    do {
      guard let digest = try? Digest(manifest.digest) else {
        return .failed(item, "not a valid digest")
      }
      try await client.deleteManifest(repository: manifest.repository, digest: digest)
      try store.recordDeletion(
        registryId: registry.id ?? -1,
        AuditEntry(
          registry: registry.name, repository: manifest.repository, action: .delete,
          digest: manifest.digest, tags: item.tags, mediaType: manifest.mediaType,
          manifest: manifest.raw, bytesFreed: item.bytesFreed))
      return .deleted(item)
    } catch let error as RegistryError where error.isNotFound {
      try? store.markGone(
        registryId: registry.id ?? -1, repository: manifest.repository, digest: manifest.digest)
      return .gone(item)
    } catch {
      return .failed(item, "\(error)")
    }
  }

  static func item(_ item: PlannedDeletion, reason: String?) -> DeleteOutcome.Item {
    DeleteOutcome.Item(
      repository: item.manifest.repository, digest: item.manifest.digest, tags: item.tags,
      bytesFreed: item.bytesFreed, reason: reason)
  }
}
