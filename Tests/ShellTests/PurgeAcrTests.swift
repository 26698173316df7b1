import Foundation
import JMESPath
import RegistryAPI
import TestSupport
import Testing

/// `purge` against fake_registry.py's ACR: tags and manifests are aged by ACR's own
/// `lastUpdateTime` (2024-01-01 … 2024-01-05 there), and locks keep what they lock.
struct PurgeAcrTests {
  struct World {
    let fake: FakeRegistry
    let client: RegistryClient
    let home: TemporaryDirectory

    init() async throws {
      fake = try await FakeRegistry(mode: "acr")
      client = try RegistryClient(
        server: fake.server, options: RegistryOptions(timeout: 5, flavor: .acr),
        credentials: StaticCredentials(
          Credential(username: FakeRegistry.username, secret: FakeRegistry.password)))
      home = try TemporaryDirectory()
    }

    func regsh(_ script: String) throws -> RegshProcess.Result {
      try RegshProcess.run(
        ["-c", "registry add acr \(fake.server) --flavor acr; " + script],
        environment: [
          "REGSH_HOME": home.url.path, "REGSH_USERNAME": FakeRegistry.username,
          "REGSH_PASSWORD": FakeRegistry.password,
        ])
    }
  }

  /// `--ago` in whole hours that puts the cutoff at 2024-01-03T00:00Z: between the fake's
  /// second (01-02) and third (01-03 10:00) manifests.
  static var agoToJanuaryThird: String {
    let cutoff = Date(timeIntervalSince1970: 1_704_240_000)  // 2024-01-03T00:00:00Z
    return "\(Int(Date().timeIntervalSince(cutoff) / 3600))h"
  }

  @Test func tagsAndManifestsAreAgedByACRsLastUpdateTime() async throws {
    let world = try await World()
    let manifests = try await world.client.acrManifests(
      repository: "hello-world", orderBy: .timeAscending)
    let result = try world.regsh(
      "purge -r acr --filter 'hello-world:.*' --ago \(Self.agoToJanuaryThird) --untagged --dry-run")
    #expect(result.status == 0, "\(result.stderr)")
    let host = world.fake.server
    let lines = result.stdout.split(separator: "\n").map(String.init)
    // v1 (01-02) is older than the cutoff; v3 (01-04) and latest (01-05) are not. Then the
    // untagged image 0 and image 1 (whose only tag goes) are old enough; image 2 is newer
    // and a child of the tagged index.
    #expect(
      lines.filter { $0.hasPrefix("Would delete: ") }
        == [
          "Would delete: \(host)/hello-world:v1",
          "Would delete: \(host)/hello-world@\(manifests[1].digest)",
          "Would delete: \(host)/hello-world@\(manifests[0].digest)",
        ])
    #expect(
      result.stdout.hasSuffix(
        "Number of tags to be deleted: 1\nNumber of manifests to be deleted: 2\n"))
  }

  @Test func aLockedTagStays() async throws {
    let world = try await World()
    _ = try await world.client.acrUpdateTagAttributes(
      repository: "hello-world", tag: "v1", ACRChangeableAttributes(deleteEnabled: false))
    let result = try world.regsh(
      "purge -r acr --filter 'hello-world:^v' --ago 0m --dry-run -o json")
    #expect(result.status == 0, "\(result.stderr)")
    let plan = try JSONReader.parse(result.stdout)["repositories"][0]
    #expect(plan["tags"][0]["reference"] == .string("v3"))
    #expect(plan["tags"].arrayValue?.count == 1)
    #expect(plan["keptTags"][0]["code"] == .string("locked"))
  }
  /// A tag locked after the cache first saw it reads locked at the purge's own sync.
  @Test func aTagLockedAfterTheLastSyncStays() async throws {
    let world = try await World()
    #expect(try world.regsh("sync --registry acr -o none").status == 0)
    _ = try await world.client.acrUpdateTagAttributes(
      repository: "hello-world", tag: "v1", ACRChangeableAttributes(deleteEnabled: false))
    let result = try world.regsh(
      "purge -r acr --filter 'hello-world:^v1$' --ago 0m --dry-run -o json")
    #expect(result.status == 0, "\(result.stderr)")
    let plan = try JSONReader.parse(result.stdout)["repositories"][0]
    #expect(plan["tags"].arrayValue?.count == 0)
    #expect(plan["keptTags"][0]["code"] == .string("locked"))
  }

  /// `--include-locked` unlocks first, as acr does: the PATCH, acr's "Unlocked" line, then
  /// the delete; a locked untagged manifest too.
  @Test func includeLockedUnlocksThenDeletes() async throws {
    let world = try await World()
    let manifests = try await world.client.acrManifests(
      repository: "hello-world", orderBy: .timeAscending)
    _ = try await world.client.acrUpdateTagAttributes(
      repository: "hello-world", tag: "v1", ACRChangeableAttributes(deleteEnabled: false))
    let untagged = manifests[0].digest
    _ = try await world.client.acrUpdateManifestAttributes(
      repository: "hello-world", digest: untagged, ACRChangeableAttributes(writeEnabled: false))
    let dry = try world.regsh(
      "purge -r acr --filter 'hello-world:^v1$' --ago 0m --untagged --include-locked --dry-run")
    #expect(dry.status == 0, "\(dry.stderr)")
    let result = try world.regsh(
      "purge -r acr --filter 'hello-world:^v1$' --ago 0m --untagged --include-locked")
    #expect(result.status == 0, "\(result.stderr)")
    let host = world.fake.server
    #expect(
      result.stdout.contains("Unlocked \(host)/hello-world:v1\nDeleted \(host)/hello-world:v1\n"))
    #expect(result.stdout.contains("Unlocked \(host)/hello-world@\(untagged)\n"))
    #expect(result.stdout.contains("Deleted \(host)/hello-world@\(untagged)\n"))
    // The dry run listed what the real run deleted.
    let would = dry.stdout.split(separator: "\n").filter { $0.hasPrefix("Would delete: ") }
      .map { $0.dropFirst("Would delete: ".count) }
    let deleted = result.stdout.split(separator: "\n").filter { $0.hasPrefix("Deleted ") }
      .map { $0.dropFirst("Deleted ".count) }
    #expect(would == deleted && !deleted.isEmpty, "\(dry.stdout)\n\(result.stdout)")
    #expect(
      !(try await world.client.acrTags(repository: "hello-world")).contains { $0.name == "v1" })
  }

  /// Protection holds under `--include-locked`: the tag is neither unlocked nor removed.
  @Test func aProtectedLockedTagSurvivesIncludeLocked() async throws {
    let world = try await World()
    _ = try await world.client.acrUpdateTagAttributes(
      repository: "hello-world", tag: "v1", ACRChangeableAttributes(deleteEnabled: false))
    let result = try world.regsh(
      "protect add hello-world:v1 -n acr -o none; purge -r acr --filter 'hello-world:^v1$' --ago 0m --include-locked"
    )
    #expect(result.status == 0, "\(result.stderr)")
    #expect(!result.stdout.contains("Unlocked"))
    #expect(result.stdout.hasSuffix("Number of deleted tags: 0\nNumber of deleted manifests: 0\n"))
    let v1 = try await world.client.acrTags(repository: "hello-world").first { $0.name == "v1" }
    #expect(v1?.changeableAttributes?.deleteEnabled == false)
  }

  /// A tag locked after the sync the purge planned from answers 405: acr's "Skipped …,
  /// operation not allowed" line, not counted, not a failure.
  /// `--repository-page-size` reaches ACR's own catalog, which sync lists on ACR.
  @Test func theRepositoryPageSizePagesACRsCatalog() async throws {
    let world = try await World()
    let result = try world.regsh(
      "purge -r acr --filter 'hello-world:^nothing$' --ago 0m --dry-run --repository-page-size 1")
    #expect(result.status == 0, "\(result.stderr)")
    let requests = try await world.fake.stats()["requests"] as? [[String: Any]] ?? []
    let catalogPages = requests.filter { ($0["path"] as? String) == "/acr/v1/_catalog" }
    #expect(catalogPages.count > 1, "\(catalogPages)")
    #expect(
      catalogPages.allSatisfy { ($0["query"] as? [String: String])?["n"] == "1" }, "\(catalogPages)"
    )
  }

  @Test func aLockedTagsRefusalIsSkippedNotFailed() async throws {
    let world = try await World()
    #expect(try world.regsh("sync --registry acr -o none").status == 0)
    _ = try await world.client.acrUpdateTagAttributes(
      repository: "hello-world", tag: "v1", ACRChangeableAttributes(deleteEnabled: false))
    let result = try world.regsh("purge -r acr --filter 'hello-world:^v1$' --ago 0m --cached")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout.contains(
        "Skipped \(world.fake.server)/hello-world:v1, operation not allowed, HTTP status: 405\n"),
      "\(result.stdout)")
    #expect(result.stdout.hasSuffix("Number of deleted tags: 0\nNumber of deleted manifests: 0\n"))
  }
}
