import Foundation
import JMESPath
import MetadataCache
import TestSupport
import Testing

/// The cache file itself: what happens with bad files, and the synthetic benchmark registry.
struct CacheFileTests {
  @Test func aFileThatIsNotSQLiteIsAnErrorAndLeftUntouched() throws {
    let home = try TemporaryDirectory()
    let file = home.url.appendingPathComponent("cache.sqlite")
    let garbage = Data("this is not a database, but somebody's notes\n".utf8)
    try garbage.write(to: file)
    #expect {
      try MetadataStore(url: file)
    } throws: { error in
      guard case CacheError.notACache(let path) = error else { return false }
      return path == file.path && "\(error)".contains(file.path)
    }
    #expect(try Data(contentsOf: file) == garbage)
  }

  /// regsh writes only valid digests; one edited in by hand is named in an error when it is
  /// read back as a `Digest` (GRDB's own failed conversion would end the process).
  @Test func aDamagedDigestIsAnErrorNotACrash() throws {
    let (home, store, registry, repository) = try Self.cacheWithFirstManifestEdited(
      "digest = 'sha256:\u{1B}[2Jnot-hex'")
    #expect {
      try store.cachedManifests(registryId: registry.id, repository: repository)
    } throws: { error in
      guard case CacheError.damaged(let what) = error else { return false }
      return what.contains("not-hex")
    }
    withExtendedLifetime(home) {}
  }

  /// A column holding a value of another type than regsh wrote (SQLite keeps whatever an
  /// edit puts there) is an error naming the column, not the end of the process.
  @Test func aColumnOfTheWrongTypeIsAnErrorNotACrash() throws {
    let (home, store, registry, repository) = try Self.cacheWithFirstManifestEdited(
      "imageSize = 'not a size'")
    #expect {
      try store.manifestDocuments(
        registryId: registry.id, repository: repository, options: DocumentOptions(detail: true))
    } throws: { error in
      guard case CacheError.damaged(let what) = error else { return false }
      return what.contains("imageSize") && "\(error)".contains("sync the registry again")
    }
    withExtendedLifetime(home) {}
  }

  /// A four-manifest cache whose first manifest row had `assignment` made to it by hand
  /// (python's sqlite3: CI has python3, not the sqlite3 shell), with its registry and
  /// repository, and the temporary home (removed when the caller lets it go).
  static func cacheWithFirstManifestEdited(_ assignment: String) throws -> (
    TemporaryDirectory, MetadataStore, RegistryInfo, String
  ) {
    let home = try TemporaryDirectory()
    let file = home.url.appendingPathComponent("cache.sqlite")
    let store = try MetadataStore(url: file)
    try store.populateBenchmark(manifests: 4, repositories: 1)
    let edit = try run(
      "/usr/bin/env",
      [
        "python3", "-c",
        """
        import sqlite3, sys
        c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE manifest SET " + sys.argv[2] + " WHERE id = (SELECT min(id) FROM manifest)"); c.commit()
        """, file.path, assignment,
      ])
    #expect(edit.status == 0, "\(edit.output)")
    let registry = try #require(try store.registry(named: "bench"))
    let repository = try #require(try store.repositoryNames(registryId: registry.id).first)
    return (home, store, registry, repository)
  }

  /// A cache another process holds under an exclusive lock for a moment (as SQLite does
  /// when the last connection removes the WAL) is waited for: SQLite answers such a lock
  /// with SQLITE_BUSY at once, busy timeout or not, and regsh once failed a sync with
  /// "database is locked" there.
  @Test func aCacheLockedForAMomentIsWaitedFor() throws {
    let home = try TemporaryDirectory()
    let file = home.url.appendingPathComponent("cache.sqlite")
    try MetadataStore(url: file).populateBenchmark(manifests: 10, repositories: 1)
    let ready = home.url.appendingPathComponent("locked")
    let holder = try spawn(
      "/usr/bin/env",
      [
        "python3", "-c",
        """
        import sqlite3, sys, time
        c = sqlite3.connect(sys.argv[1], isolation_level=None)
        c.execute("PRAGMA locking_mode=EXCLUSIVE"); c.execute("BEGIN EXCLUSIVE")
        c.execute("SELECT count(*) FROM manifest").fetchall()
        open(sys.argv[2], "w").close(); time.sleep(2); c.execute("COMMIT"); c.close()
        """, file.path, ready.path,
      ], stdout: "/dev/null", stderr: "/dev/null")
    defer {
      var status: Int32 = 0
      waitpid(holder, &status, 0)
    }
    let waitStart = Date()
    while !FileManager.default.fileExists(atPath: ready.path) {
      try #require(Date().timeIntervalSince(waitStart) < 20, "python3 never took the lock")
      Thread.sleep(forTimeInterval: 0.02)
    }
    let started = Date()
    let store = try MetadataStore(url: file)
    let registry = try #require(try store.registry(named: "bench"))
    #expect(try store.repositoryNames(registryId: registry.id).count == 1)
    // It did meet the lock: opening waited for it to go.
    #expect(Date().timeIntervalSince(started) > 0.5)
  }

  @Test func aCacheFromANewerRegshIsAnErrorAndLeftUntouched() throws {
    let home = try TemporaryDirectory()
    let file = home.url.appendingPathComponent("cache.sqlite")
    _ = try MetadataStore(url: file)
    let sqlite = try run(
      "/usr/bin/env",
      [
        "python3", "-c",
        """
        import sqlite3, sys
        c = sqlite3.connect(sys.argv[1]); c.execute("INSERT INTO grdb_migrations VALUES ('v99: from the future')"); c.commit()
        """, file.path,
      ])
    #expect(sqlite.status == 0, "\(sqlite.output)")
    let before = try Data(contentsOf: file)
    #expect {
      try MetadataStore(url: file)
    } throws: { error in
      if case CacheError.newerSchema = error { return true }
      return false
    }
    #expect(try Data(contentsOf: file) == before)
  }

  @Test func benchPopulateFillsRealisticDocuments() throws {
    let home = try TemporaryDirectory()
    let store = try MetadataStore(url: home.url.appendingPathComponent("cache.sqlite"))
    try store.populateBenchmark(manifests: 1_000, repositories: 10)
    let bench = try #require(try store.registry(named: "bench"))
    let all = try store.manifestDocuments(registryId: bench.id, repository: nil)
    #expect(all.arrayValue?.count == 1_000)
    let untagged = try Expression("length([?tags==null])").evaluate(all).numberValue!
    #expect(untagged > 200 && untagged < 400, "about 30% untagged, got \(untagged)")
    #expect(
      try Expression("[0].keys(@)").evaluate(all) == ["digest", "repository", "tags", "timestamp"])
    #expect(try store.repositoryDocuments(registryId: bench.id).arrayValue?.count == 10)
  }

  @Test(arguments: [
    ("2018-07-12T15:52:00Z", "2018-07-12T15:52:00.0000000Z"),
    ("2018-07-12T15:52:00.2075864Z", "2018-07-12T15:52:00.2075864Z"),
    ("2018-07-12T15:52:00.123456789Z", "2018-07-12T15:52:00.1234567Z"),
    ("2018-07-12T17:52:00.5+02:00", "2018-07-12T15:52:00.5000000Z"),
  ])
  func timestampsNormalizeToSevenFractionalDigits(_ input: String, _ expected: String) {
    #expect(Timestamp.normalize(input) == expected)
  }

  @Test func nonTimestampsDoNotNormalize() {
    #expect(Timestamp.normalize("yesterday") == nil)
    #expect(Timestamp.normalize("2018-13-45") == nil)
  }
}
