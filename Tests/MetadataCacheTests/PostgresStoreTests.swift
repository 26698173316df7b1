import Foundation
import MetadataCache
import TestSupport
import Testing

/// What only the PostgreSQL backend has: its URL, its password file, its schema versions
/// under concurrent clients, a server that is not there, and copying a whole store.
@Suite struct PostgresStoreTests {
  @Test(arguments: [
    ("postgresql://", "names no host"),
    ("postgresql://db.internal", "names no database"),
    ("postgresql://regsh:secret@db.internal/cache", "holds a password"),
    ("postgresql://db.internal:99999/cache", "port"),
    ("mysql://db.internal/cache", "is not a store"),
  ])
  func aMalformedStoreURLIsAClearError(_ url: String, _ says: String) {
    #expect {
      _ = try StoreAddress(parsing: url)
    } throws: { error in
      "\(error)".contains(says) && !"\(error)".contains("secret")
    }
  }

  @Test func aURLNamesUserHostPortAndDatabase() throws {
    let address = try StoreAddress(parsing: "postgresql://ops@db.internal:6543/registry_cache")
    guard case .postgresql(let server) = address else {
      Issue.record("not PostgreSQL: \(address)")
      return
    }
    #expect(server.user == "ops" && server.host == "db.internal" && server.port == 6543)
    #expect(server.database == "registry_cache")
    #expect(address.description == "postgresql://ops@db.internal:6543/registry_cache")
    #expect(
      try StoreAddress(parsing: "/tmp/x.sqlite") == .sqlite(URL(fileURLWithPath: "/tmp/x.sqlite")))
  }

  @Test func thePasswordComesFromPGPASSWORDElseTheFirstMatchingPgpassLine() throws {
    let home = try TemporaryDirectory()
    let file = home.url.appendingPathComponent("pgpass")
    try """
    # comment
    other.host:5432:*:ops:wrong
    db.internal:*:registry_cache:ops:pass\\:word
    *:*:*:*:fallback
    """.write(to: file, atomically: true, encoding: .utf8)
    guard
      case .postgresql(let server) = try StoreAddress(
        parsing: "postgresql://ops@db.internal:5432/registry_cache")
    else { return }
    #expect(server.password(environment: ["PGPASSFILE": file.path]) == "pass:word")
    #expect(
      server.password(environment: ["PGPASSFILE": file.path, "PGPASSWORD": "env"]) == "env")
    #expect(server.password(environment: ["PGPASSFILE": "/nonexistent"]) == nil)
  }

  @Test func anUnreachableServerIsAClearErrorNotACrash() throws {
    let port = try freeLoopbackPort()
    #expect {
      _ = try MetadataStore(
        address: try StoreAddress(parsing: "postgresql://regsh@127.0.0.1:\(port)/cache"))
    } throws: { error in
      "\(error)".contains("is unavailable") && "\(error)".contains("127.0.0.1:\(port)")
    }
  }
}

@Suite(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
struct PostgresSchemaTests {
  @Test func aStoreFromANewerRegshIsRefusedAndLeftAlone() throws {
    let server = try TestPostgres.shared()
    let url = try server.createDatabase()
    let database = String(url.split(separator: "/").last!)
    _ = try MetadataStore(address: try StoreAddress(parsing: url))
    try server.psql("INSERT INTO schema_version VALUES (99, 'later')", database: database)
    #expect {
      _ = try MetadataStore(address: try StoreAddress(parsing: url))
    } throws: { error in
      "\(error)".contains("was written by a newer regsh")
    }
    #expect(
      try server.psql("SELECT max(version) FROM schema_version", database: database)
        .trimmingCharacters(in: .whitespacesAndNewlines) == "99")
  }

  @Test func clientsOpeningANewStoreAtOnceMigrateItOnce() async throws {
    let url = try TestPostgres.freshDatabase()
    let database = String(url.split(separator: "/").last!)
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<6 {
        group.addTask {
          let store = try MetadataStore(address: try StoreAddress(parsing: url))
          #expect(try store.status().schemaVersion == 4)
        }
      }
      try await group.waitForAll()
    }
    #expect(
      try TestPostgres.shared().psql(
        "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version",
        database: database
      ).trimmingCharacters(in: .whitespacesAndNewlines) == "1,2,3,4")
  }

  /// A released action lock is free at once: a script's next command does not wait for
  /// it, and the server drops a closed session's locks only a moment after the close.
  @Test func aReleasedActionLockIsFreeAtOnce() throws {
    let store = try MetadataStore(
      address: try StoreAddress(parsing: try TestPostgres.freshDatabase()))
    for _ in 0..<100 {
      let lock = try store.actionLock(registry: "lab", wait: false)
      lock.release()
    }
  }

  @Test func aWholeStoreCopiesToPostgreSQLAndBackWithEveryRow() throws {
    let home = try TemporaryDirectory()
    let sqlite = try MetadataStore(url: home.url.appendingPathComponent("cache.sqlite"))
    // More rows than two of PostgreSQL's cursor batches (`visitBatch`), so the copy back
    // and the documents read every batch, and a batch lost or read twice shows.
    try sqlite.populateBenchmark(manifests: 12_001, repositories: 7)
    let bench = try #require(try sqlite.registry(named: "bench"))
    _ = try sqlite.addProtection(
      ProtectionRule(registryId: bench.id, repository: nil, pattern: "v1*", reason: "kept"))
    let postgres = try MetadataStore(
      address: try StoreAddress(parsing: try TestPostgres.freshDatabase()))
    let there = try sqlite.copyEverything(to: postgres)
    #expect(there["manifest"] == 12_001 && there["layer"] == 48_004 && there["protection"] == 1)
    let back = try MetadataStore(url: home.url.appendingPathComponent("back.sqlite"))
    #expect(try postgres.copyEverything(to: back) == there)
    let status = try postgres.status()
    #expect(status.backend == "postgresql" && status.schemaVersion == 4)
    #expect(status.registries == ["bench"] && status.bytes > 0)
    // The documents are the same, byte for byte, from all three stores.
    let documents = try sqlite.manifestDocuments(registryId: bench.id, repository: nil)
    #expect(try postgres.manifestDocuments(registryId: bench.id, repository: nil) == documents)
    #expect(try back.manifestDocuments(registryId: bench.id, repository: nil) == documents)
    // Ids go on after the copied ones: a new registry does not collide.
    #expect(
      try postgres.addRegistry(NewRegistry(name: "next", url: "localhost:5000")).id > bench.id)
    // A store that holds anything is not a copy's target.
    #expect(throws: (any Error).self) { try sqlite.copyEverything(to: postgres) }
  }

  @Test func aRefusedOrMissingPasswordIsAClearErrorAndTheRightOneFromPgpassWorks() throws {
    // A server of its own: its logins change.
    let server = try TestPostgres()
    defer { server.remove() }
    try server.addPasswordRole("keeper", password: "right")
    let url = try server.createDatabase()
    let database = String(url.split(separator: "/").last!)
    let address = try StoreAddress(parsing: server.url(database: database, user: "keeper"))
    guard case .postgresql(let keeper) = address else { return }
    let home = try TemporaryDirectory()
    let pgpass = home.url.appendingPathComponent("pgpass")
    try "127.0.0.1:\(server.port):\(database):keeper:wrong\n".write(
      to: pgpass, atomically: true, encoding: .utf8)
    #expect(keeper.password(environment: ["PGPASSFILE": pgpass.path]) == "wrong")
    setenv("PGPASSFILE", pgpass.path, 1)
    defer { unsetenv("PGPASSFILE") }
    #expect {
      _ = try MetadataStore(address: address)
    } throws: { error in
      "\(error)".contains("refused the login") && !"\(error)".contains("wrong")
    }
    try "127.0.0.1:\(server.port):*:keeper:right\n".write(
      to: pgpass, atomically: true, encoding: .utf8)
    let store = try MetadataStore(address: address)
    #expect(try store.status().schemaVersion == 4)
  }
}
