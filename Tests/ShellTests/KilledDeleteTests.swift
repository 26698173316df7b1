import Foundation
import JMESPath
import RegistryAPI
import TestSupport
import Testing

/// A delete killed with SIGKILL half-way leaves every manifest it may have deleted in the
/// audit log, with the bytes restore needs (safety rule 4).
@Suite(.enabled(if: LiveRegistry.enabled, LiveRegistry.skipReason))
struct KilledDeleteTests {
  @Test func everyManifestGoneAfterAKillIsInTheAuditLogAndRestoreBringsItBack() async throws {
    let registry = try await TestRegistry()
    let client = try registry.client()
    let config = try await client.uploadBlob(
      repository: "app", data: Data(#"{"architecture":"amd64","os":"linux"}"#.utf8),
      mediaType: MediaType.ociConfig)
    let layer = try await client.uploadBlob(
      repository: "app", data: Data("shared layer".utf8), mediaType: MediaType.ociLayerGzip)
    var digests: [String] = []
    for i in 0..<150 {
      let pushed = try await client.putManifest(
        repository: "app", reference: "u\(i)",
        manifest: ImageManifest(config: config, layers: [layer], annotations: ["n": "\(i)"]))
      digests.append(pushed.digest.description)
    }
    digests.sort()
    let home = try TemporaryDirectory()
    let env = ["REGSH_HOME": home.url.path]
    // The cache sees them tagged; regsh untags them all: 150 untagged manifests it knows.
    let setup = try RegshProcess.run(
      [
        "-c",
        "registry add live \(registry.server); use live; sync -o none; tags app | untag -o none",
      ], environment: env)
    #expect(setup.status == 0, "\(setup.stderr)")

    let delete = try RegshProcess.start(
      [
        "-c",
        "use live; manifests app | [?tags==null].digest | delete --yes --concurrency 1 -o none",
      ], environment: env)
    // Killed as soon as the registry has dropped its first manifest.
    await killWhenOneIsGone(
      delete.processIdentifier,
      paths: digests.map { registry.manifestLinkPath(repository: "app", digest: $0) })
    delete.waitUntilExit()

    var gone: Set<String> = []
    for digest in digests
    where try await client.headManifest(repository: "app", reference: digest) == nil {
      gone.insert(digest)
    }
    #expect(!gone.isEmpty, "the delete never started")
    #expect(gone.count < digests.count, "the delete finished before the kill: nothing was tested")
    let audit = try RegshProcess.run(
      ["-c", "use live; audit --query \"[?action=='delete'].digest\""], environment: env)
    let audited = Set(
      try JSONReader.parse(audit.stdout).arrayValue?.compactMap(\.stringValue) ?? [])
    #expect(
      gone.isSubset(of: audited), "deleted but not in the audit log: \(gone.subtracting(audited))")

    let restore = try RegshProcess.run(
      ["-c", "use live; restore --last \(digests.count) -o none"], environment: env)
    #expect(restore.status == 0, "\(restore.stderr)")
    for digest in gone {
      #expect(try await client.headManifest(repository: "app", reference: digest) != nil)
    }
  }
}
