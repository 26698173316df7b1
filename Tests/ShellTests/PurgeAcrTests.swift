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
}
