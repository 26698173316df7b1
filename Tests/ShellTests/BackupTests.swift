import Foundation
import JMESPath
import RegistryAPI
import TestSupport
import Testing

/// `export --oci`, `delete --backup` and `restore --from`: copies skopeo and umoci read, and
/// the way back after the registry's garbage collection took the blobs.
@Suite(
  .enabled(if: LiveRegistry.enabled, LiveRegistry.skipReason),
  .enabled(if: OCITools.enabled, OCITools.skipReason))
struct BackupTests {
  @Test func exportedImagesAreLayoutsSkopeoAndUmociRead() async throws {
    let world = try await ActionWorld()
    let backup = try TemporaryDirectory()
    let dir = backup.url.appendingPathComponent("export").path
    let result = try world.json(
      "manifests hello-world | [?tags!=null && !contains(tags[0], 'sha256-')] | export --oci \(dir)"
    )
    #expect(result["exported"].arrayValue?.count == 2, "\(result)")
    let skopeo = try OCITools.require("skopeo", OCITools.skopeo)
    let inspected = try runCapturing(
      skopeo, ["inspect", "--raw", "oci:\(dir)/hello-world:v1"])
    #expect(inspected.status == 0, "\(inspected.error)")
    let v1 = try await world.client.manifest(repository: "hello-world", reference: "v1")
    #expect(Data(inspected.output.utf8) == v1.data)
    let umoci = try OCITools.require("umoci", OCITools.umoci)
    let listed = try runCapturing(umoci, ["ls", "--layout", "\(dir)/hello-world"])
    #expect(listed.status == 0, "\(listed.error)")
    #expect(Set(listed.output.split(separator: "\n").map(String.init)) == ["latest", "v1", "v2"])
    // A layer is a real blob in the layout, byte for byte.
    let base = world.fixtures.baseLayer.digest
    let blob = URL(fileURLWithPath: "\(dir)/hello-world/blobs/sha256/\(base.hex)")
    #expect(try Data(contentsOf: blob) == Data("base layer shared by every image".utf8))
  }

  @Test func restoreAfterGarbageCollectionNeedsTheBackupAndNamesWhatIsMissing() async throws {
    let world = try await ActionWorld()
    let backup = try TemporaryDirectory()
    let dir = backup.url.appendingPathComponent("backup").path
    let digest = world.newLatest.digest.description
    let deleted = try world.json("delete hello-world:latest --backup \(dir) --yes")
    #expect(deleted["deleted"].arrayValue?.count == 1, "\(deleted)")
    #expect(try await !world.exists("hello-world", digest))

    // The registry's garbage collection takes the blobs only the deleted image used.
    let binary = try LiveRegistry.requireBinary(LiveRegistry.binary)
    let collected = try runCapturing(
      binary,
      ["garbage-collect", world.registry.directory.url.appendingPathComponent("config.yml").path])
    #expect(collected.status == 0, "\(collected.error)")
    guard
      case .image(let image) = try Manifest(
        data: try #require(
          try Data(
            contentsOf: URL(
              fileURLWithPath:
                "\(dir)/hello-world/blobs/sha256/\(world.newLatest.digest.hex)"))),
        mediaType: MediaType.ociManifest)
    else {
      Issue.record("the backup does not hold the image manifest")
      return
    }
    let own = image.layers[1].digest
    #expect(try await world.client.headBlob(repository: "hello-world", digest: own) == nil)

    let refused = try world.regsh("restore \(digest)")
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("no longer holds"), "\(refused.stderr)")
    #expect(refused.stderr.contains(own.description))
    #expect(refused.stderr.contains("restore --from DIR"))

    let restored = try world.json("restore \(digest) --from \(dir)")
    #expect(restored["restored"].arrayValue?.count == 1, "\(restored)")
    #expect(try await world.exists("hello-world", digest))
    #expect(try await world.client.headBlob(repository: "hello-world", digest: own) != nil)
    for tag in ["latest", "v2"] {
      #expect(
        try await world.client.headManifest(repository: "hello-world", reference: tag)?.digest
          .description == digest)
    }
  }
}
