import Foundation
import TestSupport
import Testing

/// Issue 17, partial success and errors that name the object: in a repository with good
/// tags, a bad tag name, a body that is not JSON, JSON that is not a manifest and a
/// manifest of 200,000 layers (over the 4 MiB limit), the good tags sync and each bad one
/// is reported with repository, tag, digest and reason, never Swift's decoding text.
@Suite struct HostileManifestTests {
  @Test(arguments: RegistryTransport.allCases)
  func badTagsAreSkippedAndTheRestSyncs(transport: RegistryTransport) async throws {
    let registry = try await HostileRegistry(mode: "manifests")
    let session = try HostileSession(transport: transport)
    let server = registry.server

    let sync = try await session.run(["sync", "-n", server])
    #expect(sync.status == 0, "a partial sync succeeds: \(sync.stderrText)")
    #expect(sync.seconds < 60, "took \(sync.seconds) s")
    let errors = sync.stderrText
    let prefix = "warning: skipped tag"
    #expect(errors.contains(#"\#(prefix) "bad tag!" of mixed on \#(server): invalid reference"#))
    #expect(
      errors.contains(#"\#(prefix) "notjson" of mixed on \#(server) (sha256:"#)
        && errors.contains("does not decode: not JSON at byte 0"), "\(errors)")
    #expect(
      errors.contains(#"\#(prefix) "notmanifest" of mixed on \#(server) (sha256:"#)
        && errors.contains(#"does not decode: missing field "config""#))
    // Each names the request it came from, so an operator can ask the registry again.
    let request =
      #"\(GET /v2/mixed/manifests/sha256:[0-9a-f]{64} on "#
      + NSRegularExpression.escapedPattern(for: server) + #"\)"#
    #expect(
      errors.split(separator: "\n").filter {
        $0.contains("does not decode") && $0.range(of: request, options: .regularExpression) != nil
      }.count == 2, "\(errors)")
    #expect(errors.contains(#"\#(prefix) "huge" of mixed on \#(server) (sha256:"#))
    #expect(errors.contains("on \(server): the answer is larger than 4 MiB"))
    #expect(errors.contains("REGSH_MAX_MANIFEST_BYTES"))
    #expect(!errors.contains("DecodingError") && !errors.contains("codingPath"))
    #expect(sync.rawControls.isEmpty, "\(sync.rawControls)")
    let summary = try JSONSerialization.jsonObject(with: sync.stdout) as? [String: Any]
    #expect((summary?["skipped"] as? [Any])?.count == 4)

    let tags = try await session.run(["tags", "mixed", "-n", server, "-o", "tsv"])
    #expect(tags.stdoutText == "good1\ngood2\n")

    // az reads the registry as it is now: the same warnings, naming the repository.
    let az = try await session.run(
      [
        "az", "acr", "repository", "show-manifests", "-n", server, "--repository", "mixed",
        "--query", "length(@)",
      ])
    #expect(az.status == 0, "\(az.stderrText)")
    #expect(az.stdoutText == "2\n")
    #expect(az.stderrText.contains(#"skipped tag "notjson" of mixed on \#(server)"#))
  }

  /// Memory stays bounded on a manifest of 200,000 layers (about 26 MB): refused by its
  /// Content-Length before its body on both transports; and with the limit raised, decoded
  /// at a small multiple of its size. (A debug build's figures; the baseline is about 45 MiB.)
  @Test(arguments: RegistryTransport.allCases)
  func memoryStaysBoundedOnAHugeManifest(transport: RegistryTransport) async throws {
    let registry = try await HostileRegistry(mode: "manifests")
    let session = try HostileSession(transport: transport)
    let refused = try await session.runMeasuringMemory(["sync", "-n", registry.server])
    #expect(refused.run.status == 0)
    #expect(refused.run.stderrText.contains("the answer is larger than 4 MiB"))
    #expect(refused.peakMiB > 0 && refused.peakMiB < 160, "peak \(refused.peakMiB) MiB")
    #expect(refused.run.rawControls.isEmpty, "\(refused.run.rawControls)")
    let raised = try await session.runMeasuringMemory(
      ["sync", "mixed", "-n", registry.server],
      environment: ["REGSH_MAX_MANIFEST_BYTES": "67108864"])
    // A registry that legitimately serves larger manifests: with the limit raised, it syncs.
    #expect(raised.run.status == 0)
    #expect(!raised.run.stderrText.contains(#""huge""#), "\(raised.run.stderrText)")
    #expect(raised.peakMiB > 0 && raised.peakMiB < 512, "peak \(raised.peakMiB) MiB")
    let tags = try await session.run(["tags", "mixed", "-n", registry.server, "-o", "tsv"])
    #expect(tags.stdoutText == "good1\ngood2\nhuge\n")
  }
}
