import Foundation

/// Reading a whole registry on all cores: its repositories split into chunks, each chunk
/// read on a connection of its own (WAL allows concurrent readers), results joined in order.
/// The manifest listing and the pushed-down listing queries both read this way.
extension MetadataStore {
  /// The ids of the registry's live repositories in name order, in up to four chunks per
  /// core (a chunk per connection; more chunks than cores even out uneven repositories).
  func repositoryChunks(registryId: Int64) throws -> [[Int64]] {
    let repositories = try read { db in
      try db.column(
        Int64.self,
        "SELECT id FROM repository WHERE registryId = ? AND goneAt IS NULL ORDER BY name",
        [registryId])
    }
    let chunkCount = min(
      repositories.count, 4 * max(1, ProcessInfo.processInfo.activeProcessorCount))
    guard chunkCount > 1 else { return repositories.isEmpty ? [] : [repositories] }
    let chunkSize = (repositories.count + chunkCount - 1) / chunkCount
    return stride(from: 0, to: repositories.count, by: chunkSize).map {
      Array(repositories[$0..<min($0 + chunkSize, repositories.count)])
    }
  }

  /// `body` over each item at once, each on a read connection of its own; the results in
  /// the items' order. An item's error is thrown only after every earlier item succeeded,
  /// so it is the error a single pass in order meets first.
  func readConcurrently<Item: Sendable, T: Sendable>(
    _ items: [Item], _ body: @Sendable (Item, any StoreConnection) throws -> T
  ) throws -> [T] {
    let results = ConcurrentResults<T>(count: items.count)
    DispatchQueue.concurrentPerform(iterations: items.count) { i in
      results.set(i, Result { try read { db in try body(items[i], db) } })
    }
    return try results.all().map { try $0.get() }
  }
}

/// One slot per item of a concurrent read, each written once from its own thread.
final class ConcurrentResults<T: Sendable>: @unchecked Sendable {
  private var slots: [Result<T, any Error>?]
  private let lock = NSLock()

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ result: Result<T, any Error>) { lock.withLock { slots[index] = result } }

  func all() -> [Result<T, any Error>] {
    lock.withLock { slots.map { $0 ?? .failure(CancellationError()) } }
  }
}
