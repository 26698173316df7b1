import Foundation
import TestSupport
import Testing

@testable import RegistryAPI

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Every distribution endpoint against a live docker-registry (distribution 2.8) with fixtures pushed by RegistryAPI.
@Suite(.serialized, .enabled(if: LiveRegistry.enabled, LiveRegistry.skipReason))
final class DistributionTests {
  let registry: TestRegistry
  let client: RegistryClient
  let fixtures: Fixtures

  init() async throws {
    registry = try await TestRegistry()
    client = try registry.client()
    fixtures = try await Fixtures.push(to: client)
  }

  @Test func ping() async throws {
    try await client.ping()
  }

  @Test(arguments: [nil, 1, 2])
  func catalogFollowsPages(pageSize: Int?) async throws {
    let paged = try registry.client(options: RegistryOptions(pageSize: pageSize))
    #expect(try await paged.catalog() == Fixtures.repositories)
  }

  @Test(arguments: [nil, 1])
  func tagsAreSortedAcrossPages(pageSize: Int?) async throws {
    let paged = try registry.client(options: RegistryOptions(pageSize: pageSize))
    let tags = try await paged.tags(repository: "hello-world")
    #expect(
      tags
        == ["latest", RegistryClient.referrersTag(for: fixtures.v1Manifest.digest), "v1", "v2"]
        .sorted())
    #expect(try await paged.tags(repository: "marketing/campaign10-18/web") == ["multi", "v2"])
  }

  @Test func tagsOfUnknownRepositorySayWhatToCheck() async throws {
    await #expect {
      try await client.tags(repository: "no/such/repo")
    } throws: { error in
      let error = error as? RegistryError
      return error?.httpStatus == 404 && error?.registryErrors.first?.code == "NAME_UNKNOWN"
        && "\(error!)".contains("check the repository name")
    }
  }

  @Test func manifestByTagAndDigestIsVerified() async throws {
    let byTag = try await client.manifest(repository: "hello-world", reference: "latest")
    #expect(byTag.digest == fixtures.latestManifest.digest)
    #expect(byTag.mediaType == MediaType.ociManifest)
    guard case .image(let manifest) = try byTag.decoded() else {
      Issue.record("not an image manifest")
      return
    }
    #expect(manifest.layers.first == fixtures.baseLayer)
    let byDigest = try await client.manifest(
      repository: "hello-world", reference: fixtures.untaggedManifest.digest.description)
    #expect(byDigest.digest == fixtures.untaggedManifest.digest)
  }

  @Test func headManifest() async throws {
    let head = try #require(
      try await client.headManifest(repository: "hello-world", reference: "v1"))
    #expect(head.digest == fixtures.v1Manifest.digest)
    #expect(head.size == fixtures.v1Manifest.size)
    #expect(head.mediaType == MediaType.ociManifest)
    #expect(try await client.headManifest(repository: "hello-world", reference: "nope") == nil)
  }

  @Test func indexListsUntaggedPlatformChildren() async throws {
    let response = try await client.manifest(
      repository: "marketing/campaign10-18/web", reference: "multi")
    #expect(response.mediaType == MediaType.ociIndex)
    guard case .index(let index) = try response.decoded() else {
      Issue.record("not an index")
      return
    }
    #expect(index.manifests.map(\.digest) == fixtures.indexChildren.map(\.digest))
    #expect(index.manifests.compactMap(\.platform?.architecture) == ["amd64", "arm64"])
    for child in fixtures.indexChildren {
      #expect(
        try await client.headManifest(
          repository: "marketing/campaign10-18/web", reference: child.digest.description) != nil)
    }
  }

  @Test func blobsAreReadAndStreamedVerified() async throws {
    let config = try await client.manifest(repository: "hello-world", reference: "v1")
    guard case .image(let manifest) = try config.decoded() else { return }
    let data = try await client.blob(repository: "hello-world", digest: manifest.config.digest)
    let configuration = try JSONDecoder().decode(ImageConfiguration.self, from: data)
    #expect(configuration.architecture == "amd64")
    #expect(configuration.os == "linux")
    #expect(configuration.created != nil)

    let directory = try TemporaryDirectory()
    let file = directory.url.appendingPathComponent("layer")
    let size = try await client.downloadBlob(
      repository: "hello-world", digest: fixtures.baseLayer.digest, to: file)
    #expect(size == fixtures.baseLayer.size)
    #expect(try Data(contentsOf: file) == Data("base layer shared by every image".utf8))
    #expect(
      try await client.headBlob(repository: "hello-world", digest: fixtures.baseLayer.digest)
        == size)
    #expect(
      try await client.headBlob(
        repository: "hello-world", digest: Digest.sha256(of: Data("x".utf8))) == nil)
  }

  @Test func sharedBaseLayerIsOneBlob() async throws {
    for repository in Fixtures.repositories {
      let tag = try await client.tags(repository: repository).first { !$0.hasPrefix("sha256-") }!
      let response = try await client.manifest(repository: repository, reference: tag)
      let layers: [Descriptor]
      switch try response.decoded() {
      case .image(let manifest): layers = manifest.layers
      case .index(let index):
        let child = try await client.manifest(
          repository: repository, reference: index.manifests[0].digest.description)
        guard case .image(let manifest) = try child.decoded() else { return }
        layers = manifest.layers
      }
      #expect(layers.first?.digest == fixtures.baseLayer.digest, "\(repository)")
    }
  }

  @Test func referrersFallBackToTheTagSchema() async throws {
    let referrers = try await client.referrers(
      repository: "hello-world", digest: fixtures.v1Manifest.digest)
    #expect(referrers.map(\.digest) == [fixtures.signature.digest])
    #expect(referrers.first?.artifactType == "application/vnd.dev.regsh.signature")
    let filtered = try await client.referrers(
      repository: "hello-world", digest: fixtures.v1Manifest.digest,
      artifactType: "application/other")
    #expect(filtered.isEmpty)
    #expect(
      try await client.referrers(repository: "hello-world", digest: fixtures.latestManifest.digest)
        .isEmpty)
    let signature = try await client.manifest(
      repository: "hello-world", reference: fixtures.signature.digest.description)
    #expect(try signature.decoded().subject?.digest == fixtures.v1Manifest.digest)
  }

  @Test func skopeoReadsTheSameBytes() async throws {
    let skopeo = try #require(
      ["/usr/bin/skopeo", "/usr/local/bin/skopeo"].first {
        FileManager.default.isExecutableFile(atPath: $0)
      },
      "skopeo is not installed (apt-get install skopeo)")
    for (repository, reference) in [
      ("hello-world", "latest"), ("marketing/campaign10-18/web", "multi"),
      ("hello-world", fixtures.signature.digest.description),
    ] {
      let separator = reference.contains(":") ? "@" : ":"
      let (status, output) = try runRaw(
        skopeo,
        [
          "inspect", "--raw", "--tls-verify=false",
          "docker://\(registry.server)/\(repository)\(separator)\(reference)",
        ])
      #expect(status == 0)
      let ours = try await client.manifest(repository: repository, reference: reference)
      #expect(output == ours.data, "\(repository)\(separator)\(reference)")
    }
  }

  @Test func deleteManifestByDigestRemovesItsTags() async throws {
    try await client.deleteManifest(
      repository: "product-returns/web-submission",
      digest: try #require(
        try await client.headManifest(
          repository: "product-returns/web-submission", reference: "20180604")
      ).digest)
    #expect(try await client.tags(repository: "product-returns/web-submission").isEmpty)
  }

  @Test func untagByFallbackKeepsTheManifest() async throws {
    let result = try await client.deleteTag(repository: "hello-world", tag: "v2")
    guard case .replacedAndDeleted(let throwaway) = result else {
      Issue.record("distribution 2.8 was expected to need the fallback, got \(result)")
      return
    }
    #expect(throwaway != fixtures.latestManifest.digest)
    #expect(try await client.tags(repository: "hello-world").contains("v2") == false)
    // The manifest v2 pointed at survives, and so does the other tag on it.
    #expect(
      try await client.headManifest(repository: "hello-world", reference: "latest")?.digest
        == fixtures.latestManifest.digest)
    #expect(
      try await client.headManifest(
        repository: "hello-world", reference: fixtures.latestManifest.digest.description) != nil)
    #expect(
      try await client.headManifest(repository: "hello-world", reference: throwaway.description)
        == nil)
  }

  @Test func untagTheOnlyTagLeavesAnUntaggedManifest() async throws {
    try await client.deleteTag(repository: "hello-world", tag: "v1")
    #expect(try await client.headManifest(repository: "hello-world", reference: "v1") == nil)
    #expect(
      try await client.headManifest(
        repository: "hello-world", reference: fixtures.v1Manifest.digest.description) != nil)
  }

  @Test func deleteTagOfMissingTagIsNotFound() async throws {
    await #expect {
      try await client.deleteTag(repository: "hello-world", tag: "missing")
    } throws: { ($0 as? RegistryError)?.isNotFound == true }
  }

  @Test func tamperedBlobIsRejected() async throws {
    let file = registry.blobFile(fixtures.baseLayer.digest)
    var bytes = try Data(contentsOf: file)
    bytes[0] ^= 0xff
    try bytes.write(to: file)
    let tampered = Digest.sha256(of: bytes)
    await #expect {
      try await client.blob(repository: "hello-world", digest: fixtures.baseLayer.digest)
    } throws: { error in
      guard case RegistryError.digestMismatch(_, let expected, let actual) = error else {
        return false
      }
      return expected == fixtures.baseLayer.digest && actual == tampered
        && "\(error)".contains(expected.description) && "\(error)".contains(actual.description)
    }
    let directory = try TemporaryDirectory()
    let target = directory.url.appendingPathComponent("layer")
    await #expect(throws: RegistryError.self) {
      try await client.downloadBlob(
        repository: "hello-world", digest: fixtures.baseLayer.digest, to: target)
    }
    #expect(!FileManager.default.fileExists(atPath: target.path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).isEmpty)
  }

  @Test func concurrencyIsBounded() async throws {
    let counter = CountingHTTPClient(
      LoopbackHTTPClient.registryTransport(
        for: try registry.client().baseURL, timeout: 10, maxConcurrency: 8))
    let bounded = try registry.client(options: RegistryOptions(maxConcurrency: 2), http: counter)
    let digest = fixtures.baseLayer.digest
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<12 {
        group.addTask {
          _ = try await bounded.blob(repository: "hello-world", digest: digest)
        }
      }
      try await group.waitForAll()
    }
    #expect(counter.maxInFlight <= 2)
    #expect(counter.total >= 12)
  }

  @Test func plainHTTPIsOnlyForLoopback() throws {
    #expect(throws: RegistryError.insecureNotAllowed(host: "registry.example.com")) {
      try RegistryClient(server: "http://registry.example.com", credentials: AnonymousCredentials())
    }
    #expect(
      try RegistryClient(server: "registry.example.com", credentials: AnonymousCredentials())
        .baseURL.scheme == "https")
    #expect(
      try RegistryClient(server: "localhost:5000", credentials: AnonymousCredentials()).baseURL
        .scheme == "http")
    #expect(
      try RegistryClient(
        server: "http://registry.example.com", options: RegistryOptions(insecure: true),
        credentials: AnonymousCredentials()
      ).baseURL.scheme == "http")
  }
}

/// Records how many requests were in flight at once.
final class CountingHTTPClient: HTTPClient, @unchecked Sendable {
  let base: any HTTPClient
  private let lock = NSLock()
  private var inFlight = 0
  private(set) var maxInFlight = 0
  private(set) var total = 0
  /// Called after each response; the killed-registry test uses it.
  var afterResponse: (@Sendable (Int) -> Void)?

  init(_ base: any HTTPClient) { self.base = base }

  private func enter() {
    lock.withLock {
      inFlight += 1
      total += 1
      maxInFlight = max(maxInFlight, inFlight)
    }
  }

  private func leave() -> Int {
    lock.withLock {
      inFlight -= 1
      return total
    }
  }

  func data(for request: URLRequest) async throws -> (Data, HTTPURLResponse) {
    enter()
    do {
      let result = try await base.data(for: request)
      try await Task.sleep(for: .milliseconds(20))
      let count = leave()  // not inside the optional call: that would skip it when no hook is set
      afterResponse?(count)
      return result
    } catch {
      _ = leave()
      throw error
    }
  }

  func download(for request: URLRequest, to destination: URL) async throws -> HTTPURLResponse {
    enter()
    defer { _ = leave() }
    return try await base.download(for: request, to: destination)
  }
}
