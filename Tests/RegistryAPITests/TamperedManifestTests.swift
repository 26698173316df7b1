import Foundation
import TestSupport
import Testing

@testable import RegistryAPI

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Manifest bytes that do not hash to the digest asked for or announced, served by fake_registry.py
/// (distribution itself answers 500 for a corrupted manifest blob, so it cannot show this).
@Suite(.serialized) struct TamperedManifestTests {
  let fake: FakeRegistry
  let client: RegistryClient

  init() async throws {
    fake = try await FakeRegistry(mode: "tampered")
    client = try RegistryClient(
      server: fake.server,
      options: RegistryOptions(timeout: 5, retry: RetryPolicy(maxAttempts: 1)),
      credentials: AnonymousCredentials())
  }

  /// The bytes and `Docker-Content-Digest` the fake sends, read past RegistryClient.
  func raw(_ repository: String, _ reference: String) async throws -> (Data, Digest) {
    let url = URL(string: "http://\(fake.server)/v2/\(repository)/manifests/\(reference)")!
    let (data, response) = try await URLSession.shared.data(from: url)
    let http = try #require(response as? HTTPURLResponse)
    #expect(http.statusCode == 200)
    let announced = try Digest(
      try #require(http.value(forHTTPHeaderField: "Docker-Content-Digest")))
    return (data, announced)
  }

  /// The manifest as pushed: the digest every tampered answer claims or is asked by.
  func original() async throws -> (Data, Digest) {
    let (data, announced) = try await raw("honest/app", "v1")
    #expect(Digest.sha256(of: data) == announced)
    return (data, announced)
  }

  func expectMismatch(
    _ repository: String, _ reference: String, expected: Digest, actual: Digest,
    sourceLocation: SourceLocation = #_sourceLocation
  ) async {
    #expect(expected != actual, sourceLocation: sourceLocation)
    var returned: ManifestResponse?
    await #expect(sourceLocation: sourceLocation) {
      returned = try await client.manifest(repository: repository, reference: reference)
    } throws: { error in
      guard case RegistryError.digestMismatch(let what, let e, let a) = error else { return false }
      let text = "\(error)"
      return e == expected && a == actual && what.contains("\(repository)@\(reference)")
        && text.contains(expected.description) && text.contains(actual.description)
        && text.contains("discarded")
    }
    #expect(returned == nil, "tampered bytes were returned", sourceLocation: sourceLocation)
  }

  @Test func honestRegistryIsAcceptedByTagAndDigest() async throws {
    let (bytes, digest) = try await original()
    for reference in ["v1", digest.description] {
      let manifest = try await client.manifest(repository: "honest/app", reference: reference)
      #expect(manifest.data == bytes)
      #expect(manifest.digest == digest)
      #expect(manifest.mediaType == MediaType.ociManifest)
    }
  }

  @Test func tamperedBytesByDigestAreRejected() async throws {
    let (_, digest) = try await original()
    let (tampered, announced) = try await raw("tampered/app", digest.description)
    #expect(announced == digest, "the fake announces the digest asked for")
    await expectMismatch(
      "tampered/app", digest.description, expected: digest, actual: Digest.sha256(of: tampered))
  }

  @Test func tamperedBytesByTagAreRejectedAgainstTheAnnouncedDigest() async throws {
    let (_, digest) = try await original()
    let (tampered, announced) = try await raw("tampered/app", "v1")
    #expect(announced == digest)
    await expectMismatch(
      "tampered/app", "v1", expected: digest, actual: Digest.sha256(of: tampered))
  }

  /// Another manifest, announced under its own digest, in answer to a GET by digest.
  @Test func substitutedManifestByDigestIsRejected() async throws {
    let (_, digest) = try await original()
    let (substituted, announced) = try await raw("substituted/app", digest.description)
    #expect(announced == Digest.sha256(of: substituted))
    await expectMismatch(
      "substituted/app", digest.description, expected: digest, actual: announced)
  }

  /// The right bytes under a wrong `Docker-Content-Digest`: by digest the header is the odd one
  /// out; by tag the bytes do not match what was announced.
  @Test func wrongDockerContentDigestIsRejected() async throws {
    let (_, digest) = try await original()
    let (body, announced) = try await raw("lying-header/app", "v1")
    #expect(Digest.sha256(of: body) == digest)
    await expectMismatch(
      "lying-header/app", digest.description, expected: digest, actual: announced)
    await expectMismatch("lying-header/app", "v1", expected: announced, actual: digest)
  }
}
