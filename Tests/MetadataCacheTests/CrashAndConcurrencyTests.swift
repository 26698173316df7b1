import Foundation
import JMESPath
import MetadataCache
import RegistryAPI
import TestSupport
import Testing

/// Real processes on a real cache file: a sync killed with SIGKILL, and two regsh
/// processes (one syncing, one querying) at once.
@Suite(.enabled(if: LiveRegistry.enabled, LiveRegistry.skipReason), .serialized)
struct CrashAndConcurrencyTests {
  /// A registry with `repositories` repositories of `tags` tags each (one small image).
  static func crowdedRegistry(repositories: Int, tags: Int) async throws -> TestRegistry {
    let registry = try await TestRegistry()
    let client = try registry.client()
    for r in 0..<repositories {
      let repository = "crowd/repo-\(r)"
      let config = try await client.uploadBlob(
        repository: repository, data: Data(#"{"architecture":"amd64","os":"linux"}"#.utf8),
        mediaType: MediaType.ociConfig)
      let layer = try await client.uploadBlob(
        repository: repository, data: Data("layer \(r)".utf8), mediaType: MediaType.ociLayerGzip)
      let manifest = ImageManifest(config: config, layers: [layer])
      for t in 0..<tags {
        try await client.putManifest(repository: repository, reference: "t\(t)", manifest: manifest)
      }
    }
    return registry
  }

  static func syncedRepositories(_ cache: URL) throws -> Int {
    let result = try run(
      "/usr/bin/env",
      [
        "python3", "-c",
        "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM repository WHERE lastSynced IS NOT NULL').fetchone()[0])",
        cache.path,
      ])
    return Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
  }

  @Test func killedSyncLeavesAConsistentCacheAndTheNextSyncFinishes() async throws {
    let registry = try await Self.crowdedRegistry(repositories: 30, tags: 20)
    let home = try TemporaryDirectory()
    let environment = ["REGSH_HOME": home.url.path]
    let cache = home.url.appendingPathComponent("cache.sqlite")
    #expect(
      try RegshProcess.run(["registry", "add", "crowd", registry.server], environment: environment)
        .status == 0)

    let process = try RegshProcess.start(
      ["sync", "--registry", "crowd", "--concurrency", "1"], environment: environment)
    // Wait until some repositories are committed, then kill without warning.
    var synced = 0
    for _ in 0..<600 where synced < 3 {
      try await Task.sleep(for: .milliseconds(20))
      synced = (try? Self.syncedRepositories(cache)) ?? 0
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(
      process.terminationReason == .uncaughtSignal, "the sync finished before it could be killed")
    let atKill = try Self.syncedRepositories(cache)
    #expect(atKill >= 3 && atKill < 30, "killed after \(atKill) of 30 repositories")

    // The cache opens, passes SQLite's own check, and answers with complete repositories.
    let check = try run(
      "/usr/bin/env",
      [
        "python3", "-c",
        "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])",
        cache.path,
      ])
    #expect(check.output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
    let store = try MetadataStore(url: cache)
    let info = try #require(try store.registry(named: "crowd"))
    for repository in try store.repositoryNames(registryId: info.id)
    where try store.hasSynced(registryId: info.id, repository: repository) {
      let tags = try store.tagDocuments(registryId: info.id, repository: repository)
      #expect(tags.arrayValue?.count == 20, "\(repository) is half-written")
    }

    let finish = try RegshProcess.run(
      ["sync", "--registry", "crowd", "-o", "none"], environment: environment)
    #expect(finish.status == 0, "\(finish.stderr)")
    #expect(try Self.syncedRepositories(cache) == 30)
    let all = try RegshProcess.run(
      ["manifests", "--all", "--registry", "crowd", "--query", "length(@)"],
      environment: environment)
    #expect(all.stdout == "30\n")
  }

  @Test func oneProcessSyncsWhileAnotherQueries() async throws {
    let registry = try await Self.crowdedRegistry(repositories: 10, tags: 10)
    let home = try TemporaryDirectory()
    let environment = ["REGSH_HOME": home.url.path]
    #expect(
      try RegshProcess.run(["registry", "add", "crowd", registry.server], environment: environment)
        .status == 0)
    #expect(
      try RegshProcess.run(["sync", "--registry", "crowd", "-o", "none"], environment: environment)
        .status == 0)

    let syncerErrors = home.url.appendingPathComponent("syncer.stderr")
    let syncer = try RegshProcess.start(
      ["-c", Array(repeating: "sync --registry crowd -o none", count: 5).joined(separator: "; ")],
      environment: environment, stderr: syncerErrors)
    var queries = 0
    while syncer.isRunning || queries < 5 {
      let r = try RegshProcess.run(
        ["manifests", "--all", "--registry", "crowd", "--query", "length(@)"],
        environment: environment)
      #expect(r.status == 0, "\(r.stderr)")
      #expect(r.stdout == "10\n")
      queries += 1
    }
    syncer.waitUntilExit()
    #expect(
      syncer.terminationStatus == 0,
      "\((try? String(contentsOf: syncerErrors, encoding: .utf8)) ?? "")")
    #expect(queries >= 5)
  }
}
