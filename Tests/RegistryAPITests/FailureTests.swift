import Foundation
import TestSupport
import Testing

@testable import RegistryAPI

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Retries, dropped connections, a registry that dies mid-listing, and deletes switched off.
@Suite(.serialized) struct RetryTests {
  let fake: FakeRegistry
  let client: RegistryClient

  init() async throws {
    fake = try await FakeRegistry(mode: "flaky")
    client = try RegistryClient(
      server: fake.server,
      options: RegistryOptions(timeout: 3, retry: RetryPolicy(maxAttempts: 3, initialDelay: 0.1)),
      credentials: AnonymousCredentials())
  }

  @Test(arguments: ["r429", "r500", "drop"])
  func transientFailuresAreRetried(repository: String) async throws {
    let started = Date()
    #expect(try await client.tags(repository: repository) == ["a", "b"])
    let counts = try await fake.stats()["counts"] as? [String: Int]
    #expect(counts?["/v2/\(repository)/tags/list"] == 2)
    if repository == "r429" {
      #expect(Date().timeIntervalSince(started) >= 0.9, "Retry-After: 1 was not honoured")
    }
  }

  @Test func persistentFailureReportsTheRegistryError() async throws {
    await #expect {
      try await client.tags(repository: "always500")
    } throws: { error in
      let text = "\(error)"
      return (error as? RegistryError)?.httpStatus == 503 && text.contains("UNAVAILABLE")
        && text.contains("down for maintenance") && text.contains("try again later")
    }
    let counts = try await fake.stats()["counts"] as? [String: Int]
    #expect(counts?["/v2/always500/tags/list"] == 3)
  }

  @Test func slowRegistryTimesOut() async throws {
    let impatient = try RegistryClient(
      server: fake.server, options: RegistryOptions(timeout: 1, retry: RetryPolicy(maxAttempts: 1)),
      credentials: AnonymousCredentials())
    let started = Date()
    await #expect {
      try await impatient.tags(repository: "slow")
    } throws: { error in
      guard case RegistryError.limitExceeded(_, _, _, let exceeded, _) = error else { return false }
      return exceeded.kind == .idle(1) && "\(error)".contains("timed out: no answer for 1 s")
    }
    #expect(Date().timeIntervalSince(started) < 4)
  }

  @Test func retryAfterParsing() {
    #expect(RegistryClient.retryAfter("3") == 3)
    #expect(RegistryClient.retryAfter(nil) == nil)
    #expect(RegistryClient.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT") == 0)
  }
}

@Suite(.serialized, .enabled(if: LiveRegistry.enabled, LiveRegistry.skipReason))
struct RegistryFailureTests {
  @Test func registryKilledMidListingFailsClearlyAndQuickly() async throws {
    let registry = try await TestRegistry()
    _ = try await Fixtures.push(to: try registry.client())
    let counter = CountingHTTPClient(
      LoopbackHTTPClient.registryTransport(
        for: try registry.client().baseURL, timeout: 3, maxConcurrency: 8))
    counter.afterResponse = { count in
      if count == 1 { registry.kill() }
    }
    let client = try registry.client(
      options: RegistryOptions(
        timeout: 3, retry: RetryPolicy(maxAttempts: 3, initialDelay: 0.2), pageSize: 1),
      http: counter)
    let started = Date()
    await #expect {
      try await client.catalog()
    } throws: { error in
      guard case RegistryError.transport(let method, let path, _, let attempts) = error else {
        return false
      }
      return method == "GET" && path == "/v2/_catalog" && attempts == 3
        && "\(error)".contains("check that the registry is running")
        && !"\(error)".contains("timed out")
    }
    // Refused connections fail at once: three attempts take well under a second alone, and
    // the error above is a refused connection, not a timeout. The bound leaves room for a
    // CI machine whose two cores run the other suites' processes meanwhile.
    #expect(Date().timeIntervalSince(started) < 30)
  }

  @Test func deletesDisabledLeaveTheTagAlone() async throws {
    let registry = try await TestRegistry(deletes: false)
    let client = try registry.client()
    let fixtures = try await Fixtures.push(to: client)
    await #expect {
      try await client.deleteTag(repository: "hello-world", tag: "v1")
    } throws: { error in
      guard case RegistryError.deletesDisabled(405, _, let errors) = error else { return false }
      return errors.first?.code == "UNSUPPORTED"
        && "\(error)".contains("deletes are disabled on this registry (405 UNSUPPORTED)")
        && "\(error)".contains("enable storage.delete")
    }
    #expect(
      try await client.headManifest(repository: "hello-world", reference: "v1")?.digest
        == fixtures.v1Manifest.digest)
    #expect(try await client.tags(repository: "hello-world").contains("v1"))
    await #expect(throws: RegistryError.self) {
      try await client.deleteManifest(
        repository: "hello-world", digest: fixtures.untaggedManifest.digest)
    }
    #expect(
      try await client.headManifest(
        repository: "hello-world", reference: fixtures.untaggedManifest.digest.description) != nil)
  }
}
