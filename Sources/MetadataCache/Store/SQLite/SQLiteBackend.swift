import Foundation
import GRDB
import GRDBSQLite

#if canImport(Glibc)
  import Glibc
#endif

/// The embedded store: one SQLite file in WAL mode, shared safely by several regsh
/// processes (one syncing while another queries).
final class SQLiteBackend: StoreBackend {
  let url: URL
  let pool: DatabasePool
  var description: String { url.path }

  static let sqliteDialect = StoreDialect(
    name: "sqlite", indexedBy: { "INDEXED BY \($0)" }, notIndexed: "NOT INDEXED",
    listing: SQLiteListingDialect())
  var dialect: StoreDialect { Self.sqliteDialect }

  /// Opens (creating if needed) the cache at `url`. A file that is not SQLite, or that a
  /// newer regsh wrote, is an error and is left as it is.
  init(url: URL) throws {
    self.url = url
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Self.checkHeader(of: url)
    try Self.checkSchemaIsKnown(at: url)
    var configuration = Configuration()
    // A second process waits for the writer instead of failing at once.
    configuration.busyMode = .timeout(30)
    configuration.foreignKeysEnabled = true
    configuration.prepareDatabase { db in
      try db.execute(sql: "PRAGMA synchronous = NORMAL")
      // Reading through a memory map spares a copy per page on large listings.
      try db.execute(sql: "PRAGMA mmap_size = 4294967296")
    }
    do {
      pool = try Self.retryingBusy {
        try DatabasePool(path: url.path, configuration: configuration)
      }
      try Self.retryingBusy { try SQLiteSchema.migrator.migrate(pool) }
    } catch let error as CacheError {
      throw error
    } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
      throw CacheError.notACache(path: url.path)
    } catch let error as DatabaseError {
      throw CacheError.unreadable(path: url.path, reason: error.message ?? "\(error.resultCode)")
    }
  }

  /// SQLite's own check, before GRDB touches the file: its first 16 bytes.
  static func checkHeader(of url: URL) throws {
    guard let handle = try? FileHandle(forReadingFrom: url) else { return }
    defer { try? handle.close() }
    let header = (try? handle.read(upToCount: 16)) ?? Data()
    if header.isEmpty { return }
    if header != Data("SQLite format 3\0".utf8) { throw CacheError.notACache(path: url.path) }
  }

  /// Refuses a cache that a newer regsh migrated further, looking through a read-only
  /// connection so that nothing, not even a checkpoint, touches the file.
  static func checkSchemaIsKnown(at url: URL) throws {
    let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    guard size > 0 else { return }
    var configuration = Configuration()
    configuration.readonly = true
    do {
      let queue = try retryingBusy {
        try DatabaseQueue(path: url.path, configuration: configuration)
      }
      let superseded = try retryingBusy {
        try queue.read { db in
          try db.tableExists("grdb_migrations") && SQLiteSchema.migrator.hasBeenSuperseded(db)
        }
      }
      try queue.close()
      if superseded { throw CacheError.newerSchema(path: url.path) }
    } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
      throw CacheError.notACache(path: url.path)
    }
  }

  func read<T>(_ body: (any StoreConnection) throws -> T) throws -> T {
    try Self.retryingBusy { try pool.read { db in try body(SQLiteConnection(db)) } }
  }

  func write<T>(_ body: (any StoreConnection) throws -> T) throws -> T {
    try Self.retryingBusy { try pool.write { db in try body(SQLiteConnection(db)) } }
  }

  func schemaVersion() throws -> Int {
    try read { db in try db.scalar(Int.self, "SELECT count(*) FROM grdb_migrations") ?? 0 }
  }

  func size() throws -> Int64 {
    [url.path, url.path + "-wal"].reduce(0) { total, path in
      total + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0)
    }
  }

  /// An exclusive `flock` on a file beside the cache: the kernel drops it when the process
  /// ends, however it ends, so a killed action never leaves a stale lock behind.
  func actionLock(registry: String, wait: Bool) throws -> any ActionLock {
    try FileLock(registry: registry, directory: url.deletingLastPathComponent(), wait: wait)
  }

  /// Runs `operation` again while SQLite answers SQLITE_BUSY, for up to 30 s in all.
  ///
  /// The busy timeout covers a lock held by a writer, but not every lock a WAL database
  /// takes: when another process closes the last connection it checkpoints and removes the
  /// WAL under an exclusive lock, and a connection opening then (the pool opens readers
  /// as it needs them) gets SQLITE_BUSY at once. Seen in CI: a `-c` of five syncs failed
  /// with "database is locked" on `SELECT * FROM sqlite_master` while another process ran
  /// queries. A busy read or write changed nothing, so it is safe to run it again.
  static func retryingBusy<T>(_ operation: () throws -> T) throws -> T {
    let deadline = ContinuousClock.now + .seconds(30)
    var pause = 0.005
    while true {
      do {
        return try operation()
      } catch let error as DatabaseError
        where error.resultCode == .SQLITE_BUSY && ContinuousClock.now < deadline
      {
        Thread.sleep(forTimeInterval: pause)
        pause = min(pause * 2, 0.2)
      }
    }
  }
}

/// The registry's action lock on SQLite: `purge-NAME.lock` in the cache's directory, the
/// file regsh's purge has always locked.
final class FileLock: ActionLock, @unchecked Sendable {
  let path: String
  private var descriptor: Int32
  private let lock = NSLock()

  init(registry: String, directory: URL, wait: Bool) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let safe = String(
      registry.unicodeScalars.map {
        CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "." ? Character($0) : "_"
      })
    path = directory.appendingPathComponent("purge-\(safe).lock").path
    descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw CacheError.unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    var result = flock(descriptor, LOCK_EX | (wait ? 0 : LOCK_NB))
    while result != 0 && wait && errno == EINTR { result = flock(descriptor, LOCK_EX) }
    guard result == 0 else {
      close(descriptor)
      throw ActionLockBusy(registry: registry, holder: path)
    }
  }

  func release() {
    lock.withLock {
      guard descriptor >= 0 else { return }
      flock(descriptor, LOCK_UN)
      close(descriptor)
      descriptor = -1
    }
  }

  deinit { release() }
}
