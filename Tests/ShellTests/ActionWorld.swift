import Foundation
import JMESPath
import RegistryAPI
import TestSupport
import Testing

/// A registry with the fixtures, and a regsh home that knows it as `live` and has synced it.
final class ActionWorld {
  let registry: TestRegistry
  let fixtures: Fixtures
  let client: RegistryClient
  let home: TemporaryDirectory
  var env: [String: String] { ["REGSH_HOME": home.url.path] }

  /// The image `latest` and `v2` point at after the re-push; the fixtures' `latestManifest`
  /// is then the untagged one, known to the cache because it saw it tagged first.
  var newLatest: Descriptor!

  init(deletes: Bool = true) async throws {
    registry = try await TestRegistry(deletes: deletes)
    client = try registry.client()
    fixtures = try await Fixtures.push(to: client)
    home = try TemporaryDirectory()
    let added = try RegshProcess.run(
      ["-c", "registry add live \(registry.server); sync --registry live -o none"],
      environment: ["REGSH_HOME": home.url.path])
    #expect(added.status == 0, "\(added.stderr)")
    newLatest = try await pushImage("hello-world", tags: ["latest", "v2"], name: "hello third")
    #expect(try regsh("sync -o none").status == 0)
  }

  /// An image with its own config and top layer over the fixtures' shared base layer,
  /// under `tags` (by digest when there are none).
  func pushImage(_ repository: String, tags: [String], name: String) async throws -> Descriptor {
    let config = try await client.uploadBlob(
      repository: repository,
      data: Data(
        #"{"architecture":"amd64","os":"linux","created":"2024-06-01T00:00:00Z","author":"\#(name)"}"#
          .utf8),
      mediaType: MediaType.ociConfig)
    let top = try await client.uploadBlob(
      repository: repository, data: Data("layer of \(name)".utf8),
      mediaType: MediaType.ociLayerGzip)
    let manifest = ImageManifest(config: config, layers: [fixtures.baseLayer, top])
    let data = try JSONEncoder().encode(manifest)
    let digest = Digest.sha256(of: data)
    // No tags: pushed by its own digest, untagged from the start.
    for reference in tags.isEmpty ? [digest.description] : tags {
      try await client.putManifest(
        repository: repository, reference: reference, data: data, mediaType: MediaType.ociManifest)
    }
    return Descriptor(mediaType: MediaType.ociManifest, digest: digest, size: Int64(data.count))
  }

  func regsh(_ script: String) throws -> RegshProcess.Result {
    try RegshProcess.run(["-c", "use live; " + script], environment: env)
  }

  func json(_ script: String) throws -> JSON {
    let result = try regsh(script)
    #expect(result.status == 0, "\(script): \(result.stderr)")
    return try JSONReader.parse(result.stdout)
  }

  func exists(_ repository: String, _ reference: String) async throws -> Bool {
    try await client.headManifest(repository: repository, reference: reference) != nil
  }
}

extension JSON {
  /// An array element, or null: test code reads documents without unwrapping each step.
  subscript(index: Int) -> JSON {
    guard let items = arrayValue, items.indices.contains(index) else { return .null }
    return items[index]
  }

  var intValue: Int? {
    if case .int(let value) = self { return value }
    return nil
  }
}
