import Foundation
import TestSupport
import Testing

@testable import RegistryAPI

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// `checkManifest`, the conditional HEAD of an unchanged sync, against distribution 2.8.
@Suite(.serialized, .enabled(if: LiveRegistry.enabled, LiveRegistry.skipReason))
struct ConditionalHeadTests {
  /// Records the status of every response, to show which ones were 304s.
  final class StatusRecorder: HTTPClient, @unchecked Sendable {
    let base: any HTTPClient
    private let lock = NSLock()
    private var recorded: [Int] = []
    var statuses: [Int] { lock.withLock { recorded } }

    init(_ base: any HTTPClient) { self.base = base }

    func data(for request: URLRequest) async throws -> (Data, HTTPURLResponse) {
      let (data, response) = try await base.data(for: request)
      lock.withLock { recorded.append(response.statusCode) }
      return (data, response)
    }

    func download(for request: URLRequest, to destination: URL) async throws -> HTTPURLResponse {
      try await base.download(for: request, to: destination)
    }
  }

  @Test func answersWithoutTheManifestWhenTheTagStillNamesTheDigest() async throws {
    let registry = try await TestRegistry()
    let fixtures = try await Fixtures.push(to: try registry.client())
    let recorder = StatusRecorder(
      LoopbackHTTPClient.registryTransport(
        for: try registry.client().baseURL, timeout: 10, maxConcurrency: 8))
    let client = try registry.client(http: recorder)
    let v1 = fixtures.v1Manifest.digest
    let latest = fixtures.latestManifest.digest

    #expect(
      try await client.checkManifest(repository: "hello-world", reference: "v1", known: v1)
        == .unchanged)
    #expect(recorder.statuses.last == 304)

    guard
      case .changed(let head) = try await client.checkManifest(
        repository: "hello-world", reference: "latest", known: v1)
    else {
      Issue.record("a tag that names another digest was reported unchanged or missing")
      return
    }
    #expect(head.digest == latest)
    #expect(head.size == fixtures.latestManifest.size)
    #expect(recorder.statuses.last == 200)

    #expect(
      try await client.checkManifest(repository: "hello-world", reference: "nope", known: v1)
        == .missing)
    // distribution would answer 304 to this digest although no such manifest exists.
    let absent = Digest.sha256(of: Data("no manifest has these bytes".utf8))
    #expect(
      try await client.checkManifest(
        repository: "hello-world", reference: absent.description, known: absent) == .missing)
    #expect(
      try await client.checkManifest(
        repository: "hello-world", reference: v1.description, known: v1) == .unchanged)
    #expect(recorder.statuses.last == 200)
    await #expect(throws: RegistryError.self) {
      try await client.checkManifest(
        repository: "hello-world", reference: "sha256:not-hex", known: v1)
    }
  }
}
