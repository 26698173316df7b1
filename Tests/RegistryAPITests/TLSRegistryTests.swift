import Foundation
import TestSupport
import Testing

@testable import RegistryAPI

/// https as users meet it: docker-registry with a certificate from a CA the test made,
/// reached through URLSession, whatever transport the other suites use.
@Suite(
  .serialized, .enabled(if: LiveRegistry.enabled, LiveRegistry.skipReason),
  .enabled(if: TestCertificateAuthority.shared != nil, TestCertificateAuthority.skipReason))
final class TLSRegistryTests {
  let authority: TestCertificateAuthority
  let registry: TestRegistry

  init() async throws {
    authority = try #require(TestCertificateAuthority.shared)
    registry = try await TestRegistry(tls: authority)
  }

  @Test func aBareLoopbackNameIsTriedOverHTTPSFirst() async throws {
    let client = try RegistryClient(server: registry.server)
    #expect(client.baseURL.scheme == "https")
    let fixtures = try await Fixtures.push(to: client)
    #expect(try await client.catalog() == Fixtures.repositories)
    let paged = try RegistryClient(server: registry.server, options: RegistryOptions(pageSize: 1))
    #expect(try await paged.catalog() == Fixtures.repositories)
    let manifest = try await client.manifest(repository: "hello-world", reference: "latest")
    #expect(manifest.digest == fixtures.latestManifest.digest)
  }

  @Test func aPlainRegistryOnLoopbackStaysPlain() async throws {
    let plain = try await TestRegistry(tls: nil)
    let client = try RegistryClient(server: plain.server)
    #expect(client.baseURL.scheme == "http")
    try await client.ping()
  }

  @Test func plainHTTPToATLSPortSaysSo() async throws {
    let client = try RegistryClient(server: "http://\(registry.server)")
    await #expect {
      try await client.ping()
    } throws: { error in
      let text = "\(error)"
      return text.contains("speaks https") && text.contains("https://\(registry.server)")
    }
  }

  @Test func aCertificateFromAnotherAuthorityIsRefused() async throws {
    let stranger = try TestCertificateAuthority()
    let other = try await TestRegistry(tls: stranger)
    let client = try RegistryClient(
      server: "https://\(other.server)",
      options: RegistryOptions(timeout: 5, retry: RetryPolicy(maxAttempts: 1)))
    await #expect(throws: (any Error).self) { try await client.ping() }
  }
}
