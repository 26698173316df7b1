import Foundation
import TestSupport
import Testing

@testable import RegistryAPI

/// ACR's /acr/v1 API. No real ACR is reachable from here: these run against fake_registry.py,
/// which serves the item shapes ACR documents, behind a Bearer token server like ACR's.
@Suite(.serialized) struct ACRTests {
  let fake: FakeRegistry
  let client: RegistryClient

  init() async throws {
    fake = try await FakeRegistry(mode: "acr")
    client = try RegistryClient(
      server: fake.server, options: RegistryOptions(timeout: 5, flavor: .acr),
      credentials: StaticCredentials(
        Credential(username: FakeRegistry.username, secret: FakeRegistry.password)))
  }

  @Test(arguments: [nil, 1, 2])
  func catalogPages(pageSize: Int?) async throws {
    #expect(
      try await client.acrCatalog(pageSize: pageSize)
        == ["hello-world", "marketing/campaign10-18/web", "product-returns/web-submission"])
  }

  @Test(arguments: [(ACROrder?.none, 100), (.timeDescending, 2), (.timeAscending, 2)])
  func manifestsInOrderAcrossPages(order: ACROrder?, pageSize: Int) async throws {
    let manifests = try await client.acrManifests(
      repository: "hello-world", orderBy: order, pageSize: pageSize)
    #expect(manifests.count == 5)
    let times = manifests.compactMap { $0.lastUpdateTime.flatMap(ACRTimestamp.parse) }
    #expect(times.count == 5)
    if order == .timeDescending { #expect(times == times.sorted(by: >)) }
    if order == .timeAscending { #expect(times == times.sorted()) }
    let untagged = manifests.filter { $0.tags == nil }
    #expect(untagged.count == 2, "ACR omits tags on untagged manifests")
    let index = try #require(manifests.first { $0.mediaType == MediaType.ociIndex })
    #expect(index.architecture == nil && index.os == nil)
    #expect(manifests.first?.changeableAttributes?.deleteEnabled == true)
    #expect(manifests.allSatisfy { ($0.imageSize ?? 0) > 0 })
  }

  @Test func tagsCarryAttributes() async throws {
    let tags = try await client.acrTags(
      repository: "hello-world", orderBy: .timeDescending, pageSize: 1)
    #expect(tags.map(\.name) == ["latest", "v3", "v1"])
    #expect(tags.allSatisfy { $0.signed == false && $0.changeableAttributes?.writeEnabled == true })
  }

  @Test func lockedTagCannotBeDeletedUnlockedCan() async throws {
    let locked = try await client.acrUpdateTagAttributes(
      repository: "hello-world", tag: "v1", ACRChangeableAttributes(deleteEnabled: false))
    #expect(locked.changeableAttributes?.deleteEnabled == false)
    #expect(locked.changeableAttributes?.writeEnabled == true)
    await #expect {
      try await client.acrDeleteTag(repository: "hello-world", tag: "v1")
    } throws: { ($0 as? RegistryError)?.httpStatus == 405 }
    try await client.acrUpdateTagAttributes(
      repository: "hello-world", tag: "v1", ACRChangeableAttributes(deleteEnabled: true))
    try await client.acrDeleteTag(repository: "hello-world", tag: "v1")
    let tags = try await client.acrTags(repository: "hello-world")
    #expect(!tags.map(\.name).contains("v1"))
    let manifests = try await client.acrManifests(repository: "hello-world")
    #expect(manifests.filter { $0.tags == nil }.count == 3, "the manifest stays, untagged")
  }

  @Test func manifestAttributes() async throws {
    let digest = try #require(
      try await client.acrManifests(repository: "hello-world", orderBy: .timeAscending)
        .dropFirst(2).first
    ).digest
    let updated = try await client.acrUpdateManifestAttributes(
      repository: "hello-world", digest: digest,
      ACRChangeableAttributes(deleteEnabled: false, writeEnabled: false))
    #expect(updated.digest == digest)
    #expect(
      updated.changeableAttributes
        == ACRChangeableAttributes(
          deleteEnabled: false, writeEnabled: false, readEnabled: true, listEnabled: true))
  }

  @Test func acrEndpointsNeedAnACR() async throws {
    let plain = try RegistryClient(
      server: fake.server, options: RegistryOptions(flavor: .distribution),
      credentials: AnonymousCredentials())
    await #expect(throws: RegistryError.self) { try await plain.acrCatalog() }
    #expect(
      try RegistryClient(server: "myregistry.azurecr.io", credentials: AnonymousCredentials()).isACR
    )
    #expect(
      try !RegistryClient(server: "registry.example.com", credentials: AnonymousCredentials()).isACR
    )
  }

  @Test func timestampsWithSevenFractionalDigits() throws {
    let date = try #require(ACRTimestamp.parse("2018-07-27T21:38:33.4411424Z"))
    #expect(abs(date.timeIntervalSince1970 - 1_532_727_513.4411424) < 0.000_01)
    #expect(ACRTimestamp.parse("2018-07-27T21:38:33Z") != nil)
    #expect(ACRTimestamp.parse("yesterday") == nil)
  }
}
