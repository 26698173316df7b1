import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// A team's shared store: a PostgreSQL database. MetadataStore's API is synchronous, so
/// each call waits for postgres-nio's futures on the caller's thread (never on an event
/// loop's). Connections are kept for reuse; one serves one transaction at a time.
final class PostgresBackend: StoreBackend, @unchecked Sendable {
  let server: PostgresServer
  var description: String { server.description }
  static let postgresDialect = StoreDialect(
    name: "postgresql", indexedBy: { _ in "" }, notIndexed: "",
    afterExplicitIds: { table in
      "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), GREATEST((SELECT max(id) FROM \(table)), 1))"
    }, listing: PostgresListingDialect())
  var dialect: StoreDialect { Self.postgresDialect }

  private let password: String?
  private let idle = NSLock()
  private var connections: [PostgresConnection] = []
  private static let logger = Logger(label: "regsh.store")
  private static let nextId = ManagedCounter()

  /// The advisory lock keys' first half, so regsh's locks never meet another program's.
  static let lockSpace: Int32 = 0x7265_6773  // "regs"
  /// Second halves: every writer takes turns on one key (as SQLite's single writer does,
  /// so concurrent syncs converge instead of racing on the same rows); migrations take
  /// another; a registry's action lock is its name's hash in a third space.
  static let writersKey: Int32 = 1
  static let migrationKey: Int32 = 2
  static let actionSpace: Int32 = 0x7265_6768

  init(server: PostgresServer) throws {
    self.server = server
    password = server.password()
    let connection = try connect()
    do {
      try PostgresSchema.migrate(PostgresConnectionHandle(connection, store: description))
    } catch {
      Self.close(connection)
      throw error
    }
    checkIn(connection)
  }

  deinit {
    // Not waited for: the server ends each session when its connection closes.
    for connection in connections { Self.close(connection) }
  }

  /// Closes without waiting (the server ends the session, and drops its advisory locks,
  /// when the connection closes), keeping the connection alive until it has closed.
  static func close(_ connection: PostgresConnection) {
    connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
  }

  func connect() throws -> PostgresConnection {
    let configuration = PostgresConnection.Configuration(
      host: server.host, port: server.port, username: server.user, password: password,
      database: server.database, tls: .disable)
    do {
      return try PostgresConnection.connect(
        on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration,
        id: Self.nextId.next(), logger: Self.logger
      ).wait()
    } catch {
      throw Self.storeError(error, store: description)
    }
  }

  private func checkOut() throws -> PostgresConnection {
    if let connection = idle.withLock({ connections.popLast() }), !connection.isClosed {
      return connection
    }
    return try connect()
  }

  private func checkIn(_ connection: PostgresConnection) {
    guard !connection.isClosed else { return }
    idle.withLock { connections.append(connection) }
  }

  func read<T>(_ body: (any StoreConnection) throws -> T) throws -> T {
    try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", lock: false, body)
  }

  func write<T>(_ body: (any StoreConnection) throws -> T) throws -> T {
    try transaction("BEGIN", lock: true, body)
  }

  private func transaction<T>(
    _ begin: String, lock: Bool, _ body: (any StoreConnection) throws -> T
  ) throws -> T {
    let connection = try checkOut()
    let handle = PostgresConnectionHandle(connection, store: description, inTransaction: true)
    do {
      try handle.execute(begin)
      if lock {
        try handle.execute(
          "SELECT pg_advisory_xact_lock(\(Self.lockSpace), \(Self.writersKey))")
      }
      let result = try body(handle)
      try handle.execute("COMMIT")
      checkIn(connection)
      return result
    } catch {
      // A connection that failed mid-way may be gone; one that is not is clean again
      // after the rollback.
      if (try? handle.execute("ROLLBACK")) != nil {
        checkIn(connection)
      } else {
        Self.close(connection)
      }
      throw error
    }
  }

  func schemaVersion() throws -> Int {
    try read { db in try db.scalar(Int.self, "SELECT max(version) FROM schema_version") ?? 0 }
  }

  func size() throws -> Int64 {
    try read { db in try db.scalar(Int64.self, "SELECT pg_database_size(current_database())") ?? 0 }
  }

  /// `pg_try_advisory_lock` on a connection of its own, kept open for the action: the
  /// server drops the lock when that connection ends, however the process ends.
  func actionLock(registry: String, wait: Bool) throws -> any ActionLock {
    let connection = try connect()
    let handle = PostgresConnectionHandle(connection, store: description)
    let taken: Bool?
    do {
      taken =
        wait
        ? try handle.scalar(
          Bool.self,
          "SELECT true FROM (SELECT pg_advisory_lock(\(Self.actionSpace), hashtext(?))) AS taken",
          [registry])
        : try handle.scalar(
          Bool.self, "SELECT pg_try_advisory_lock(\(Self.actionSpace), hashtext(?))", [registry])
    } catch {
      // A connection is closed before it is let go, whatever happened on it.
      Self.close(connection)
      throw error
    }
    guard taken == true else {
      Self.close(connection)
      throw ActionLockBusy(registry: registry, holder: "an advisory lock in \(description)")
    }
    return PostgresActionLock(connection: connection)
  }

  /// A postgres-nio error as a person can act on it: unreachable, refused, or what the
  /// server said.
  static func storeError(_ error: any Error, store: String) -> any Error {
    guard let error = error as? PSQLError else {
      if error is CacheError { return error }
      return CacheError.storeUnavailable(store: store, reason: "\(error)")
    }
    if let state = error.serverInfo?[.sqlState], let message = error.serverInfo?[.message] {
      switch state {
      case "28P01", "28000":
        return CacheError.storeUnavailable(
          store: store,
          reason:
            "the server refused the login (\(message)); regsh reads the password from PGPASSWORD or ~/.pgpass"
        )
      case "3D000":
        return CacheError.storeUnavailable(store: store, reason: message)
      default:
        return CacheError.invalidArgument("the store \(store) answered: \(message) (\(state))")
      }
    }
    switch error.code {
    case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
      let cause = error.underlying.map { "\($0)" } ?? "\(error.code)"
      return CacheError.storeUnavailable(store: store, reason: "no connection (\(cause))")
    case .authMechanismRequiresPassword:
      return CacheError.storeUnavailable(
        store: store,
        reason: "the server wants a password: set PGPASSWORD or add it to ~/.pgpass")
    default:
      return CacheError.storeUnavailable(store: store, reason: "\(error.code)")
    }
  }
}

/// Connection ids for postgres-nio's logs.
final class ManagedCounter: @unchecked Sendable {
  private var value = 0
  private let lock = NSLock()
  func next() -> Int {
    lock.withLock {
      value += 1
      return value
    }
  }
}

/// The registry's action lock on PostgreSQL: a session advisory lock on its own connection.
final class PostgresActionLock: ActionLock, @unchecked Sendable {
  private var connection: PostgresConnection?
  private let lock = NSLock()

  init(connection: PostgresConnection) { self.connection = connection }

  func release() {
    lock.withLock {
      guard let connection else { return }
      self.connection = nil
      // Unlocked, and the server's answer waited for, before the connection is let go:
      // a closed session's locks are dropped only when its server process ends, a moment
      // later, and the next action (a script's next command, which does not wait for the
      // lock) must find it free. Never waited for on an event loop, which would hang it.
      if !connection.eventLoop.inEventLoop {
        _ = try? PostgresConnectionHandle(connection, store: "").execute(
          "SELECT pg_advisory_unlock_all()")
      }
      PostgresBackend.close(connection)
    }
  }

  deinit { release() }
}
