import Foundation
import TestSupport
import Testing

@testable import RegistryAPI

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The OCI referrers API (`GET /v2/<name>/referrers/<digest>`), which distribution 2.8 lacks, served by fake_registry.py.
///
/// The fake keeps a decoy index under every manifest path, the `sha256-<hex>` fallback tag
/// included, so a client that falls back although the API answered gets a different list.
@Suite(.serialized) struct ReferrersAPITests {
  static let signature = "application/vnd.dev.regsh.signature"
  static let sbom = "application/spdx+json"
  static let subject = Digest.sha256(of: Data("the subject manifest".utf8))
  static let signatureOne = Digest.sha256(of: Data("signature one".utf8))
  static let sbomDigest = Digest.sha256(of: Data("sbom".utf8))
  static let signatureTwo = Digest.sha256(of: Data("signature two".utf8))

  let fake: FakeRegistry
  let client: RegistryClient

  init() async throws {
    fake = try await FakeRegistry(mode: "referrers")
    client = try RegistryClient(
      server: fake.server, options: RegistryOptions(timeout: 5),
      credentials: AnonymousCredentials())
  }

  struct Request: Equatable, CustomStringConvertible {
    var method: String
    var path: String
    var query: [String: String]
    var description: String { "\(method) \(path) \(query)" }
  }

  /// Every request the fake saw, in order.
  func requests() async throws -> [Request] {
    let list = try await fake.stats()["requests"] as? [[String: Any]] ?? []
    return list.map {
      Request(
        method: $0["method"] as? String ?? "", path: $0["path"] as? String ?? "",
        query: $0["query"] as? [String: String] ?? [:])
    }
  }

  func referrersRequest(_ repository: String, _ digest: Digest, _ query: [String: String] = [:])
    -> Request
  {
    Request(method: "GET", path: "/v2/\(repository)/referrers/\(digest)", query: query)
  }

  @Test(arguments: ["filtering/app", "ignoring/app"])
  func everyReferrerComesFromTheAPIWithoutFallback(repository: String) async throws {
    let referrers = try await client.referrers(repository: repository, digest: Self.subject)
    #expect(referrers.map(\.digest) == [Self.signatureOne, Self.sbomDigest, Self.signatureTwo])
    #expect(referrers.map(\.artifactType) == [Self.signature, Self.sbom, Self.signature])
    #expect(referrers.map(\.size) == [401, 502, 403])
    #expect(referrers.allSatisfy { $0.mediaType == MediaType.ociManifest })
    #expect(
      referrers.first?.annotations == ["org.opencontainers.image.created": "2024-05-01T00:00:00Z"])
    let seen = try await requests()
    #expect(seen == [referrersRequest(repository, Self.subject)])
  }

  @Test(arguments: [
    (ReferrersAPITests.sbom, [ReferrersAPITests.sbomDigest]),
    (
      ReferrersAPITests.signature, [ReferrersAPITests.signatureOne, ReferrersAPITests.signatureTwo]
    ),
    ("application/vnd.example.none", []),
  ])
  func serverSideFilterIsAskedForAndUsed(artifactType: String, expected: [Digest]) async throws {
    let referrers = try await client.referrers(
      repository: "filtering/app", digest: Self.subject, artifactType: artifactType)
    #expect(referrers.map(\.digest) == expected)
    #expect(referrers.allSatisfy { $0.artifactType == artifactType })
    let seen = try await requests()
    #expect(
      seen == [
        referrersRequest("filtering/app", Self.subject, ["artifactType": artifactType])
      ])
  }

  @Test(arguments: [
    (ReferrersAPITests.sbom, [ReferrersAPITests.sbomDigest]),
    (
      ReferrersAPITests.signature, [ReferrersAPITests.signatureOne, ReferrersAPITests.signatureTwo]
    ),
    ("application/vnd.example.none", []),
  ])
  func filterTheRegistryIgnoredIsAppliedByTheClient(artifactType: String, expected: [Digest])
    async throws
  {
    let referrers = try await client.referrers(
      repository: "ignoring/app", digest: Self.subject, artifactType: artifactType)
    #expect(referrers.map(\.digest) == expected)
    #expect(referrers.allSatisfy { $0.artifactType == artifactType })
    let seen = try await requests()
    #expect(
      seen == [
        referrersRequest("ignoring/app", Self.subject, ["artifactType": artifactType])
      ])
  }

  @Test func subjectWithoutReferrersIsAnEmptyListNotAFallback() async throws {
    let other = Digest.sha256(of: Data("a manifest nothing refers to".utf8))
    #expect(try await client.referrers(repository: "filtering/app", digest: other).isEmpty)
    #expect(
      try await client.referrers(
        repository: "ignoring/app", digest: other, artifactType: Self.signature
      ).isEmpty)
    let seen = try await requests()
    #expect(
      seen == [
        referrersRequest("filtering/app", other),
        referrersRequest("ignoring/app", other, ["artifactType": Self.signature]),
      ])
  }

  /// The control: without the API (404) the same client does fall back, and finds the decoy.
  @Test func missingAPIFallsBackToTheTagSchema() async throws {
    let referrers = try await client.referrers(repository: "no-api", digest: Self.subject)
    #expect(referrers.map(\.digest) == [Digest.sha256(of: Data("decoy".utf8))])
    let paths = try await requests().map { "\($0.method) \($0.path)" }
    #expect(paths.first == "GET /v2/no-api/referrers/\(Self.subject)")
    #expect(
      paths.contains(
        "GET /v2/no-api/manifests/\(RegistryClient.referrersTag(for: Self.subject))"))
  }
}

extension ReferrersAPITests {
  /// The spec lets a registry split a long referrers list into pages linked with `Link: rel="next"`.
  @Test(
    arguments: [
      (
        nil,
        [
          ReferrersAPITests.signatureOne, ReferrersAPITests.sbomDigest,
          ReferrersAPITests.signatureTwo,
        ]
      ),
      (
        ReferrersAPITests.signature,
        [ReferrersAPITests.signatureOne, ReferrersAPITests.signatureTwo]
      ),
    ] as [(String?, [Digest])])
  func pagedReferrersAreAllCollected(artifactType: String?, expected: [Digest]) async throws {
    let referrers = try await client.referrers(
      repository: "paged/app", digest: Self.subject, artifactType: artifactType)
    #expect(referrers.map(\.digest) == expected)
    let seen = try await requests()
    #expect(seen.count == expected.count)
    #expect(seen.allSatisfy { $0.path == "/v2/paged/app/referrers/\(Self.subject)" })
    #expect(seen.allSatisfy { $0.query["artifactType"] == artifactType })
  }
}
