import Foundation
import GRDBSQLite

/// A pushed-down listing read as one state of the cache: the failure check (`failsOn`), the
/// repositories the listing covers and every chunk of it see the same committed data, so a
/// sync committing meanwhile (in this process or another) cannot make them disagree — a
/// count that misses a manifest a sync moved from a later repository to an earlier one, or
/// documents the check never saw.
extension MetadataStore {
  /// `body` over the listing as one state of the cache, in order; nil when an item makes
  /// the expression raise an error (`query.failsOn`), which the store leaves to the
  /// interpreter. A listing of every repository, unsorted and unsliced, is read in chunks of
  /// repositories on several connections at once (WAL allows concurrent readers), each
  /// connection's transaction opened while a `WriteBarrier` keeps every writer out, so all
  /// of them read the same state. Anything else (or a cache that cannot be locked: a
  /// read-only file) is read in one transaction on one connection. A chunk's error is
  /// thrown only after every earlier chunk succeeded: the error a single pass in order
  /// meets first.
  func consistentRead<T: Sendable>(
    _ sql: ListingSQL, _ body: @Sendable (ListingSQL, any StoreConnection) throws -> T
  ) throws -> [T]? {
    let query = sql.query
    let chunkable =
      query.source == .manifests && query.repository == nil && query.sortKey == nil
      && query.slice == nil && query.listingOrder == nil && query.top == nil
    let workers = chunkable ? min(4, ProcessInfo.processInfo.activeProcessorCount) : 1
    // The barrier is SQLite's own lock. On PostgreSQL the listing is read in one
    // transaction on one connection: one snapshot, as the server keeps it.
    if workers > 1, let sqlite = backend as? SQLiteBackend,
      let barrier = WriteBarrier(path: sqlite.url.path)
    {
      return try readInParallel(sql, workers: workers, barrier: barrier, body)
    }
    return try read { db in
      try db.readingFewPages {
        if try Self.fails(sql, db) { return nil }
        return [try body(sql, db)]
      }
    }
  }

  /// Whether an item would make the interpreter raise an error, in `db`'s state.
  static func fails(_ sql: ListingSQL, _ db: any StoreConnection) throws -> Bool {
    guard sql.query.failsOn != .constant(false) else { return false }
    return try fetchInteger(sql.failure(), db) != 0
  }

  func readInParallel<T: Sendable>(
    _ sql: ListingSQL, workers: Int, barrier: WriteBarrier,
    _ body: @Sendable (ListingSQL, any StoreConnection) throws -> T
  ) throws -> [T]? {
    let state = ParallelListingRead<T>(workers: workers, barrier: barrier)
    defer { barrier.release() }
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      do {
        try read { db in
          try db.readingFewPages {
            // The transaction's first read fixes the state it sees; no writer commits
            // while the barrier holds, and it holds until every worker got here.
            let ids = try db.column(
              Int64.self,
              "SELECT id FROM repository WHERE registryId = ? AND goneAt IS NULL ORDER BY name",
              [sql.query.registryId])
            state.started()
            if worker == 0, try Self.fails(sql, db) {
              state.decline()
              return
            }
            let chunks = Self.chunks(of: ids)
            while !state.declined, let index = state.nextChunk(below: chunks.count) {
              var chunk = sql
              chunk.repositoryIds = chunks[index]
              state.set(index, Result { try body(chunk, db) }, of: chunks.count)
            }
          }
        }
      } catch {
        state.failed(error)
      }
    }
    return try state.results()
  }

  /// The repositories in up to four chunks per core, in name order (more chunks than
  /// connections even out repositories of uneven size).
  static func chunks(of ids: [Int64]) -> [[Int64]] {
    let count = min(ids.count, 4 * max(1, ProcessInfo.processInfo.activeProcessorCount))
    guard count > 1 else { return [ids] }
    let size = (ids.count + count - 1) / count
    return stride(from: 0, to: ids.count, by: size).map {
      Array(ids[$0..<min($0 + size, ids.count)])
    }
  }
}

/// SQLite's write lock on the cache, held on a connection of its own: while it is held no
/// writer commits, so read transactions that begin meanwhile all see the same state (SQLite
/// here is built without `sqlite3_snapshot`, which would share one state across
/// connections directly). Released as soon as the readers have begun.
final class WriteBarrier: @unchecked Sendable {
  private var connection: OpaquePointer?
  private let lock = NSLock()

  /// nil when the lock cannot be taken (a read-only cache): the caller reads on one
  /// connection instead.
  init?(path: String) {
    var db: OpaquePointer?
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX
    guard sqlite3_open_v2(path, &db, flags, nil) == SQLITE_OK, let db else {
      sqlite3_close(db)
      return nil
    }
    // A sync's transaction in progress is waited for, as any writer waits.
    sqlite3_busy_timeout(db, 30_000)
    guard sqlite3_exec(db, "BEGIN IMMEDIATE", nil, nil, nil) == SQLITE_OK else {
      sqlite3_close(db)
      return nil
    }
    connection = db
  }

  func release() {
    lock.withLock {
      guard let connection else { return }
      sqlite3_exec(connection, "ROLLBACK", nil, nil, nil)
      sqlite3_close(connection)
      self.connection = nil
    }
  }

  deinit { release() }
}

/// What the workers of one parallel listing read share: how many have begun (the barrier
/// is released when all have), the next chunk to read, each chunk's result, and whether
/// the store declines.
final class ParallelListingRead<T: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private let workers: Int
  private let barrier: WriteBarrier
  private var begun = 0
  private var next = 0
  private var slots: [Result<T, any Error>?] = []
  private var error: (any Error)?
  private var isDeclined = false

  init(workers: Int, barrier: WriteBarrier) {
    self.workers = workers
    self.barrier = barrier
  }

  func started() {
    let all = lock.withLock {
      begun += 1
      return begun == workers
    }
    if all { barrier.release() }
  }

  func decline() { lock.withLock { isDeclined = true } }

  var declined: Bool { lock.withLock { isDeclined } }

  func nextChunk(below count: Int) -> Int? {
    lock.withLock {
      guard next < count else { return nil }
      defer { next += 1 }
      return next
    }
  }

  func set(_ index: Int, _ result: Result<T, any Error>, of count: Int) {
    lock.withLock {
      if slots.count < count { slots = Array(repeating: nil, count: count) }
      slots[index] = result
    }
  }

  func failed(_ error: any Error) { lock.withLock { self.error = self.error ?? error } }

  /// The chunks' results in order (nil: declined); the first chunk's error in order.
  func results() throws -> [T]? {
    try lock.withLock {
      if isDeclined { return nil }
      if let error { throw error }
      return try slots.map { slot in
        guard let slot else { throw CancellationError() }
        return try slot.get()
      }
    }
  }
}
