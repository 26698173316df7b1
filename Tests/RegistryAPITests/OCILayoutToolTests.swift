import Foundation
import TestSupport
import Testing

@testable import RegistryAPI

/// The `oci:` backend's files cross-checked with skopeo and umoci, which read and write the
/// same OCI image layouts.
@Suite(.enabled(if: OCITools.enabled, OCITools.skipReason))
struct OCILayoutToolTests {
  @Test func skopeoAndUmociReadWhatRegshPushed() async throws {
    let skopeo = try OCITools.require("skopeo", OCITools.skopeo)
    let umoci = try OCITools.require("umoci", OCITools.umoci)
    let fixture = try LayoutFixture()
    let repository = "marketing/campaign10-18/web"
    let image = try await LayoutImage.push(fixture.client, repository, tag: "v2", name: "web")
    let data = try await fixture.client.manifest(repository: repository, reference: "v2")
    try await fixture.client.putManifest(
      repository: repository, reference: "latest", data: data.data, mediaType: data.mediaType)
    _ = try await LayoutImage.push(fixture.client, repository, tag: nil, name: "untagged")
    let layout = fixture.root.appendingPathComponent(repository).path

    let inspect = try runCapturing(skopeo, ["inspect", "oci:\(layout):v2"])
    #expect(inspect.status == 0, "\(inspect.error)")
    let object = try JSONSerialization.jsonObject(with: Data(inspect.output.utf8)) as? [String: Any]
    #expect(object?["Digest"] as? String == image.manifest.digest.description)
    #expect(object?["Architecture"] as? String == "amd64")
    let raw = try runCapturing(skopeo, ["inspect", "--raw", "oci:\(layout):latest"])
    #expect(Digest.sha256(of: Data(raw.output.utf8)) == image.manifest.digest)

    // umoci lists the tags: the two entries of one digest, not the untagged one.
    let list = try runCapturing(umoci, ["ls", "--layout", layout])
    #expect(list.status == 0, "\(list.error)")
    #expect(list.output.split(separator: "\n").sorted() == ["latest", "v2"])
    let stat = try runCapturing(umoci, ["stat", "--json", "--image", "\(layout):v2"])
    #expect(stat.status == 0, "\(stat.error)")
  }

  @Test(.enabled(if: LiveRegistry.enabled, LiveRegistry.skipReason))
  func whatSkopeoCopiesFromARegistryReadsBackThroughRegistryClient() async throws {
    let skopeo = try OCITools.require("skopeo", OCITools.skopeo)
    let registry = try await TestRegistry()
    let source = try registry.client()
    // skopeo gzips uncompressed layers on their way into a layout, changing every digest;
    // a gzip layer is copied as it is, so the copy can be compared digest for digest.
    let work = try TemporaryDirectory()
    let plain = work.url.appendingPathComponent("layer")
    try Data("a layer that skopeo will carry over unchanged".utf8).write(to: plain)
    let gzipped = try runRaw("/bin/gzip", ["-n", "-c", plain.path])
    #expect(gzipped.status == 0)
    let image = try await LayoutImage.push(
      source, "hello-world", tag: "v1", name: "hello",
      layer: (gzipped.output, MediaType.ociLayerGzip))

    let fixture = try LayoutFixture()
    // skopeo creates the layout directory but not its parent.
    try FileManager.default.createDirectory(
      at: fixture.root.appendingPathComponent("other"), withIntermediateDirectories: true)
    let copy = try runCapturing(
      skopeo,
      [
        "copy", "--preserve-digests", "--src-tls-verify=false",
        "docker://\(registry.server)/hello-world:v1", "oci:\(fixture.root.path)/other/copy:v1",
      ])
    #expect(copy.status == 0, "\(copy.error)")

    let client = fixture.client
    #expect(try await client.catalog() == ["other/copy"])
    #expect(try await client.tags(repository: "other/copy") == ["v1"])
    let manifest = try await client.manifest(repository: "other/copy", reference: "v1")
    #expect(manifest.digest == image.manifest.digest)
    guard case .image(let decoded) = try manifest.decoded() else {
      Issue.record("hello-world:v1 is not an image manifest")
      return
    }
    #expect(decoded.layers.map(\.digest) == image.layers.map(\.digest))
    let layer = try await client.blob(repository: "other/copy", digest: image.layers[1].digest)
    #expect(layer == gzipped.output)

    // And the other way: regsh pushes into the layout skopeo wrote, skopeo reads it.
    let pushed = try await LayoutImage.push(client, "other/copy", tag: "v2", name: "pushed")
    let inspect = try runCapturing(
      skopeo, ["inspect", "--raw", "oci:\(fixture.root.path)/other/copy:v2"])
    #expect(Digest.sha256(of: Data(inspect.output.utf8)) == pushed.manifest.digest)
    #expect(try await client.tags(repository: "other/copy") == ["v1", "v2"])
  }
}
