import Foundation
import JMESPath
import MetadataCache
import RegistryAPI
import TestSupport
import Testing

/// Sync against a live docker-registry (distribution 2.8) that the test starts itself.
@Suite(.enabled(if: LiveRegistry.enabled, LiveRegistry.skipReason), .serialized)
struct SyncTests {
  /// A registry with the fixtures pushed, a fresh cache, and a synchronizer between them.
  struct World {
    let registry: TestRegistry
    let fixtures: Fixtures
    let home: TemporaryDirectory
    let store: MetadataStore
    let info: RegistryInfo

    init(_ kind: StoreKind) async throws {
      registry = try await TestRegistry()
      fixtures = try await Fixtures.push(to: try registry.client())
      home = try TemporaryDirectory()
      store = try kind.makeStore(home: home.url)
      info = try store.addRegistry(NewRegistry(name: "test", url: registry.server))
    }

    @discardableResult
    func sync(_ repositories: [String]? = nil) async throws -> SyncReport {
      try await Synchronizer(store: store, registry: info, client: try registry.client()).sync(
        repositories: repositories)
    }

    func manifests(_ repository: String?, detail: Bool = false) throws -> JSON {
      try store.manifestDocuments(
        registryId: info.id, repository: repository, options: DocumentOptions(detail: detail))
    }

    func untagged(_ repository: String, _ expression: String = "[?tags==null].digest") throws
      -> [String]
    {
      try Expression(expression).evaluate(try manifests(repository)).arrayValue!.map {
        $0.stringValue!
      }
    }
  }

  @Test(arguments: StoreKind.available) func syncListsEveryRepositoryAndRemembersUntaggedManifests(
    _ kind: StoreKind
  ) async throws {
    let world = try await World(kind)
    let report = try await world.sync()
    #expect(report.failed.isEmpty, "\(report.failed)")
    #expect(
      try world.store.repositoryDocuments(registryId: world.info.id)
        == .array(Fixtures.repositories.map { .string($0) }))
    // All three spellings of "untagged" select the same manifests: here the signature,
    // which only the referrers fallback index lists. (The first `latest` was overwritten
    // before any sync saw it, so no cache can know it: distribution never lists it.)
    let byNull = try world.untagged("hello-world")
    #expect(!byNull.contains(world.fixtures.latestManifest.digest.description))
    #expect(!byNull.contains(world.fixtures.untaggedManifest.digest.description))
    #expect(try world.untagged("hello-world", "[?tags[0]==null].digest") == byNull)
    #expect(try world.untagged("hello-world", "[?!tags].digest") == byNull)
    // The tag-schema fallback index for the signature is tagged; the signature itself is not.
    #expect(byNull.contains(world.fixtures.signature.digest.description))
  }

  @Test(arguments: StoreKind.available) func indexChildrenAreCachedAsUntaggedAndReferenced(
    _ kind: StoreKind
  ) async throws {
    let world = try await World(kind)
    try await world.sync(["marketing/campaign10-18/web"])
    let detail = try world.manifests("marketing/campaign10-18/web", detail: true)
    let index = try Expression("[?digest=='\(world.fixtures.index.digest)'] | [0]").evaluate(detail)
    #expect(index["children"].arrayValue?.count == 2)
    for child in world.fixtures.indexChildren {
      let record = try Expression("[?digest=='\(child.digest)'] | [0]").evaluate(detail)
      #expect(record["tags"] == .null)
      #expect(record["referencedBy"] == [.string(world.fixtures.index.digest.description)])
      #expect(record["architecture"] == .string(child.platform!.architecture))
    }
  }

  @Test(arguments: StoreKind.available) func secondSyncOfAnUnchangedRegistryFetchesNoManifest(
    _ kind: StoreKind
  ) async throws {
    let world = try await World(kind)
    let first = try await world.sync()
    #expect(first.manifestsFetched > 0)
    let second = try await world.sync()
    #expect(second.manifestsFetched == 0)
    #expect(second.failed.isEmpty)
  }

  @Test(arguments: StoreKind.available) func repushedTagLeavesTheOldDigestUntagged(
    _ kind: StoreKind
  ) async throws {
    let world = try await World(kind)
    try await world.sync(["hello-world"])
    let client = try world.registry.client()
    let previous = world.fixtures.latestManifest.digest.description
    // Point `latest` at v1's manifest: the manifest `latest` had keeps its `v2` tag, so
    // push v2 elsewhere too, leaving that manifest with no tag at all.
    let v1 = try await client.manifest(repository: "hello-world", reference: "v1")
    try await client.putManifest(
      repository: "hello-world", reference: "latest", data: v1.data, mediaType: v1.mediaType)
    try await client.putManifest(
      repository: "hello-world", reference: "v2", data: v1.data, mediaType: v1.mediaType)
    try await world.sync(["hello-world"])
    #expect(try world.untagged("hello-world").contains(previous))
    let history = try world.store.tagHistory(
      registryId: world.info.id, repository: "hello-world", tag: "latest")
    #expect(history.arrayValue?.map { $0["digest"] }.last == .string(v1.digest.description))
    #expect(history.arrayValue?.first?["until"] != JSON.null)
  }

  @Test(arguments: StoreKind.available) func manifestDeletedBehindRegshsBackIsMarkedGone(
    _ kind: StoreKind
  ) async throws {
    let world = try await World(kind)
    try await world.sync(["hello-world"])
    // Leave v1's manifest untagged (the cache remembers it), then delete it with skopeo.
    let client = try world.registry.client()
    let latest = try await client.manifest(repository: "hello-world", reference: "latest")
    try await client.putManifest(
      repository: "hello-world", reference: "v1", data: latest.data, mediaType: latest.mediaType)
    try await world.sync(["hello-world"])
    let victim = world.fixtures.v1Manifest.digest.description
    #expect(try world.untagged("hello-world").contains(victim))
    let deleted = try run(
      "/usr/bin/skopeo",
      ["delete", "--tls-verify=false", "docker://\(world.registry.server)/hello-world@\(victim)"])
    #expect(deleted.status == 0, "\(deleted.output)")
    let report = try await world.sync(["hello-world"])
    #expect(report.manifestsGone == 1)
    #expect(try !world.untagged("hello-world").contains(victim))
    #expect(
      try world.manifests("hello-world").arrayValue?.contains { $0["digest"] == .string(victim) }
        == false)
  }

  @Test(arguments: StoreKind.available) func aRepositoryWithGarbageFailsAloneAndTheOthersSync(
    _ kind: StoreKind
  ) async throws {
    let world = try await World(kind)
    // Corrupt the api image's manifest on disk (configs are shared between repositories;
    // this is not): distribution then answers 500 for it, a broken repository.
    let client = try world.registry.client()
    let api = try await client.manifest(repository: "marketing/campaign10-18/api", reference: "v3")
    try Data("{\"tampered\": true}".utf8).write(to: world.registry.blobFile(api.digest))
    let report = try await world.sync()
    #expect(report.failed.map(\.repository) == ["marketing/campaign10-18/api"])
    #expect(report.failed.first?.reason.contains("500") == true, "\(report.failed)")
    #expect(report.repositories.count == Fixtures.repositories.count - 1)
    #expect(try world.manifests("hello-world").arrayValue?.isEmpty == false)
  }
}
