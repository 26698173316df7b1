import Foundation
import JMESPath
import RegistryAPI
import TestSupport
import Testing

/// Several regsh processes sharing one PostgreSQL store (issue 14): what a team gets when
/// laptops and CI jobs clean the same registries at once.
@Suite(
  .enabled(if: LiveRegistry.enabled, LiveRegistry.skipReason),
  .enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
struct TeamStoreTests {
  /// A registry with `count` images in `app`, each tagged `u<i>`; their digests, sorted.
  static func registry(images count: Int) async throws -> (TestRegistry, [String]) {
    let registry = try await TestRegistry()
    let client = try registry.client()
    let config = try await client.uploadBlob(
      repository: "app", data: Data(#"{"architecture":"amd64","os":"linux"}"#.utf8),
      mediaType: MediaType.ociConfig)
    let layer = try await client.uploadBlob(
      repository: "app", data: Data("shared layer".utf8), mediaType: MediaType.ociLayerGzip)
    var digests: [String] = []
    for i in 0..<count {
      let pushed = try await client.putManifest(
        repository: "app", reference: "u\(i)",
        manifest: ImageManifest(config: config, layers: [layer], annotations: ["n": "\(i)"]))
      digests.append(pushed.digest.description)
    }
    return (registry, digests.sorted())
  }

  /// Two clients of one store: separate REGSH_HOMEs (their own config and history), one
  /// REGSH_STORE.
  struct Clients {
    let store: String
    let homes: [TemporaryDirectory]
    init(store: String) throws {
      self.store = store
      homes = [try TemporaryDirectory(), try TemporaryDirectory()]
    }
    func environment(_ n: Int) -> [String: String] {
      ["REGSH_HOME": homes[n].url.path, "REGSH_STORE": store]
    }
  }

  static func database(_ url: String) -> String { String(url.split(separator: "/").last!) }

  @Test func twoSyncsOfOneRegistryConvergeWithoutDuplicatesOrLostTags() async throws {
    let (registry, digests) = try await Self.registry(images: 40)
    let server = try TestPostgres.shared()
    let clients = try Clients(store: try server.createDatabase())
    let add = try RegshProcess.run(
      ["registry", "add", "live", registry.server], environment: clients.environment(0))
    #expect(add.status == 0, "\(add.stderr)")
    let syncs = try (0..<2).map { n in
      try RegshProcess.start(
        ["sync", "--registry", "live", "-o", "none", "--concurrency", "2"],
        environment: clients.environment(n))
    }
    for sync in syncs {
      sync.waitUntilExit()
      #expect(sync.terminationStatus == 0)
    }
    let database = Self.database(clients.store)
    #expect(
      try server.psql("SELECT count(*) FROM manifest", database: database)
        .trimmingCharacters(in: .whitespacesAndNewlines) == "\(digests.count)")
    #expect(
      try server.psql(
        "SELECT count(*) FROM tag WHERE untilTime IS NULL", database: database
      ).trimmingCharacters(in: .whitespacesAndNewlines) == "\(digests.count)")
    #expect(
      try server.psql("SELECT count(*) FROM repository", database: database)
        .trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    let tags = try RegshProcess.run(
      ["tags", "app", "--registry", "live", "--query", "length(@)"],
      environment: clients.environment(1))
    #expect(tags.stdout == "\(digests.count)\n", "\(tags.stderr)")
  }

  @Test func twoDeletesOfOneRegistryNeverBothDeleteOneDigest() async throws {
    let (registry, digests) = try await Self.registry(images: 30)
    let server = try TestPostgres.shared()
    let clients = try Clients(store: try server.createDatabase())
    let setup = try RegshProcess.run(
      [
        "-c",
        "registry add live \(registry.server); use live; sync -o none; tags app | untag -o none",
      ],
      environment: clients.environment(0))
    #expect(setup.status == 0, "\(setup.stderr)")
    let deletes = try (0..<2).map { n in
      try RegshProcess.start(
        [
          "-c",
          "use live; sync -o none; manifests app | [?tags==null].digest | delete --yes --concurrency 2 -o none",
        ], environment: clients.environment(n))
    }
    for delete in deletes { delete.waitUntilExit() }
    let doubled = try server.psql(
      """
      SELECT digest FROM audit WHERE action = 'delete' AND state = 'done'
      GROUP BY digest HAVING count(*) > 1
      """, database: Self.database(clients.store))
    #expect(doubled.isEmpty, "deleted by both: \(doubled)")
    let done = try server.psql(
      "SELECT count(DISTINCT digest) FROM audit WHERE action = 'delete' AND state = 'done'",
      database: Self.database(clients.store))
    #expect(done.trimmingCharacters(in: .whitespacesAndNewlines) == "\(digests.count)")
    let client = try registry.client()
    for digest in digests {
      #expect(try await client.headManifest(repository: "app", reference: digest) == nil)
    }
  }

  @Test func aDeleteKilledMidWayIsSettledByAnotherClientsNextDelete() async throws {
    let (registry, digests) = try await Self.registry(images: 150)
    let server = try TestPostgres.shared()
    let clients = try Clients(store: try server.createDatabase())
    let setup = try RegshProcess.run(
      [
        "-c",
        "registry add live \(registry.server); use live; sync -o none; tags app | untag -o none",
      ],
      environment: clients.environment(0))
    #expect(setup.status == 0, "\(setup.stderr)")
    let delete = try RegshProcess.start(
      [
        "-c",
        "use live; manifests app | [?tags==null].digest | delete --yes --concurrency 1 -o none",
      ], environment: clients.environment(0))
    await killWhenOneIsGone(
      delete.processIdentifier,
      paths: digests.map { registry.manifestLinkPath(repository: "app", digest: $0) })
    delete.waitUntilExit()
    let database = Self.database(clients.store)
    let pending = try server.psql(
      "SELECT count(*) FROM audit WHERE state = 'pending'", database: database
    ).trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(pending != "0", "the kill left nothing pending: nothing was tested")

    // The other client deletes one more manifest: it settles what the killed one left.
    let client = try registry.client()
    var remaining: [String] = []
    for digest in digests
    where try await client.headManifest(repository: "app", reference: digest) != nil {
      remaining.append(digest)
    }
    let other = try #require(remaining.last)
    let next = try RegshProcess.run(
      ["-c", "use live; delete app@\(other) --yes -o none"], environment: clients.environment(1))
    #expect(next.status == 0, "\(next.stderr)")
    #expect(next.stderr.contains("left pending"), "\(next.stderr)")
    #expect(
      try server.psql("SELECT count(*) FROM audit WHERE state = 'pending'", database: database)
        .trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    // Every manifest the registry no longer has is recorded as deleted, and no other.
    let doneDigests = Set(
      try server.psql(
        "SELECT digest FROM audit WHERE action = 'delete' AND state = 'done'", database: database
      ).split(separator: "\n").map(String.init))
    var gone: Set<String> = []
    for digest in digests
    where try await client.headManifest(repository: "app", reference: digest) == nil {
      gone.insert(digest)
    }
    #expect(gone == doneDigests)
  }

  /// Client A plans a delete and waits at its question; meanwhile client B, another
  /// process on another REGSH_HOME, protects the tag. A's yes must meet B's rule at the
  /// live check, which reads the rules from the shared store again.
  @Test(.enabled(if: REPLTerminal.enabled, REPLTerminal.skipReason))
  func aProtectionAddedByAnotherClientStopsADeleteAlreadyPlanned() async throws {
    let (registry, _) = try await Self.registry(images: 2)
    let server = try TestPostgres.shared()
    let clients = try Clients(store: try server.createDatabase())
    let setup = try RegshProcess.run(
      ["-c", "registry add live \(registry.server); use live; sync -o none"],
      environment: clients.environment(0))
    #expect(setup.status == 0, "\(setup.stderr)")
    let terminal = try REPLTerminal(
      home: clients.homes[0].url, environment: ["REGSH_STORE": clients.store])
    defer { terminal.stop() }
    try terminal.waitFor("regsh> ")
    try terminal.type("az acr repository delete -n live --image app:u0")
    try terminal.press("Enter")
    try terminal.waitFor("Are you sure you want to continue? (y/n): ")

    let protect = try RegshProcess.run(
      ["protect", "add", "u0", "--repository", "app", "-n", "live", "--reason", "kept by B"],
      environment: clients.environment(1))
    #expect(protect.status == 0, "\(protect.stderr)")

    try terminal.type("y")
    try terminal.press("Enter")
    let screen = try terminal.waitFor("protected by rule")
    #expect(!screen.contains("Deleted"), "\(screen)")
    let client = try registry.client()
    #expect(try await client.headManifest(repository: "app", reference: "u0") != nil)
    #expect(try await client.headManifest(repository: "app", reference: "u1") != nil)
    #expect(
      try server.psql(
        "SELECT count(*) FROM audit WHERE action = 'delete' AND state = 'done'",
        database: Self.database(clients.store)
      ).trimmingCharacters(in: .whitespacesAndNewlines) == "0")
  }

  @Test func aStoreThatGoesAwayMidDeleteStopsItAndNothingUnrecordedIsDeleted() async throws {
    let (registry, digests) = try await Self.registry(images: 150)
    // A server of its own: this one is stopped half-way.
    let server = try TestPostgres()
    defer { server.remove() }
    let store = try server.createDatabase()
    let home = try TemporaryDirectory()
    let environment = ["REGSH_HOME": home.url.path, "REGSH_STORE": store]
    let setup = try RegshProcess.run(
      [
        "-c",
        "registry add live \(registry.server); use live; sync -o none; tags app | untag -o none",
      ],
      environment: environment)
    #expect(setup.status == 0, "\(setup.stderr)")
    let errors = home.url.appendingPathComponent("delete.stderr")
    let delete = try RegshProcess.start(
      [
        "-c",
        "use live; manifests app | [?tags==null].digest | delete --yes --concurrency 1 -o none",
      ], environment: environment, stderr: errors)
    // The server stops as soon as the registry has dropped the first manifest.
    let paths = digests.map { registry.manifestLinkPath(repository: "app", digest: $0) }
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
      Thread.detachNewThread {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, paths.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) {
          usleep(500)
        }
        server.stop()
        done.resume()
      }
    }
    delete.waitUntilExit()
    let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
    #expect(delete.terminationStatus != 0, "\(stderr)")
    #expect(stderr.contains("is unavailable"), "\(stderr)")

    let client = try registry.client()
    var gone: Set<String> = []
    for digest in digests
    where try await client.headManifest(repository: "app", reference: digest) == nil {
      gone.insert(digest)
    }
    #expect(!gone.isEmpty, "the delete never started")
    #expect(gone.count < digests.count, "the delete finished before the server stopped")
    try server.start()
    let recorded = Set(
      try server.psql(
        "SELECT digest FROM audit WHERE action = 'delete' AND state IN ('pending', 'done')",
        database: Self.database(store)
      ).split(separator: "\n").map(String.init))
    #expect(gone.isSubset(of: recorded), "deleted unrecorded: \(gone.subtracting(recorded))")
  }

  @Test func aManifestUnderThousandsOfLongTagsSyncs() async throws {
    let registry = try await TestRegistry()
    let client = try registry.client()
    let config = try await client.uploadBlob(
      repository: "app", data: Data(#"{"architecture":"amd64","os":"linux"}"#.utf8),
      mediaType: MediaType.ociConfig)
    let layer = try await client.uploadBlob(
      repository: "app", data: Data("layer".utf8), mediaType: MediaType.ociLayerGzip)
    let manifest = ImageManifest(config: config, layers: [layer])
    for t in 0..<1500 {
      try await client.putManifest(
        repository: "app", reference: "release-candidate-build-\(t)-of-the-long-running-branch",
        manifest: manifest)
    }
    let environment = [
      "REGSH_HOME": try TemporaryDirectory().url.path,
      "REGSH_STORE": try TestPostgres.freshDatabase(),
    ]
    let sync = try RegshProcess.run(
      [
        "-c",
        "registry add live \(registry.server); use live; sync -o none; manifests app --query 'length([0].tags)'",
      ],
      environment: environment)
    #expect(sync.status == 0, "\(sync.stderr)")
    #expect(sync.stdout == "1500\n")
  }
}
