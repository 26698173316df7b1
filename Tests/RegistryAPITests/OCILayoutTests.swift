import Foundation
import TestSupport
import Testing

@testable import RegistryAPI

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The local registry backend (`oci:DIR`) through RegistryClient's own calls.
@Suite struct OCILayoutTests {
  @Test func addressIsMadeAbsoluteAndNeverACR() throws {
    let relative = try RegistryClient(
      server: "oci:some/dir", options: RegistryOptions(flavor: .acr))
    let cwd = FileManager.default.currentDirectoryPath
    #expect(relative.server == "oci:\(cwd)/some/dir")
    #expect(relative.localLayouts?.root.path == "\(cwd)/some/dir")
    #expect(!relative.isACR)
    #expect(throws: RegistryError.self) { try RegistryClient(server: "oci:") }
    #expect(try RegistryClient(server: "127.0.0.1:5000").localLayouts == nil)
  }

  @Test func pushedImagesAreListedAndReadBack() async throws {
    let fixture = try LayoutFixture(options: RegistryOptions(pageSize: 2))
    let client = fixture.client
    try await client.ping()
    let repositories = [
      "acr-helloworld", "marketing/campaign10-18/api", "marketing/campaign10-18/web",
      "product-returns/web-submission", "zzz",
    ]
    var images: [String: LayoutImage] = [:]
    for repository in repositories.reversed() {
      images[repository] = try await LayoutImage.push(
        client, repository, tag: "v1", name: repository)
    }
    // Five repositories in pages of two: the Link header is followed.
    #expect(try await client.catalog() == repositories)
    let image = try #require(images["marketing/campaign10-18/web"])
    let manifest = try await client.manifest(
      repository: "marketing/campaign10-18/web", reference: "v1")
    #expect(manifest.digest == image.manifest.digest)
    #expect(manifest.mediaType == MediaType.ociManifest)
    let head = try #require(
      try await client.headManifest(
        repository: "marketing/campaign10-18/web", reference: image.manifest.digest.description))
    #expect(head.size == image.manifest.size)
    let layer = try await client.blob(
      repository: "marketing/campaign10-18/web", digest: image.layers[1].digest)
    #expect(layer == Data("layer of marketing/campaign10-18/web".utf8))
    #expect(
      try await client.headBlob(repository: "acr-helloworld", digest: image.layers[1].digest)
        == nil)
    #expect(try await client.headManifest(repository: "acr-helloworld", reference: "v9") == nil)
    await #expect {
      try await client.tags(repository: "no-such-repository")
    } throws: { ($0 as? RegistryError)?.registryErrors.first?.code == "NAME_UNKNOWN" }

    // The files are the OCI image layout.
    let layout = try fixture.layout("marketing/campaign10-18/web")
    #expect(
      try String(contentsOf: layout.layoutFile, encoding: .utf8).contains(
        #""imageLayoutVersion":"1.0.0""#))
    #expect(try layout.readIndex().manifests.map(\.layoutTag) == ["v1"])
    for blob in image.blobs { #expect(layout.hasBlob(blob.digest)) }

    let downloaded = fixture.root.appendingPathComponent("downloaded")
    let size = try await client.downloadBlob(
      repository: "marketing/campaign10-18/web", digest: image.config.digest, to: downloaded)
    #expect(size == image.config.size)
  }

  @Test func aRepositoryCannotLiveInAnotherOnesBlobStore() async throws {
    let fixture = try LayoutFixture()
    _ = try await LayoutImage.push(fixture.client, "a", tag: "v1", name: "a")
    await #expect {
      try await LayoutImage.push(fixture.client, "a/blobs/b", tag: "v1", name: "b")
    } throws: { "\($0)".contains("a/blobs is that repository's blob store") }
    _ = try await LayoutImage.push(fixture.client, "c/blobs", tag: "v1", name: "c")
    await #expect {
      try await LayoutImage.push(fixture.client, "c", tag: "v1", name: "c")
    } throws: { "\($0)".contains("would be the repository c/blobs") }
    #expect(try await fixture.client.catalog() == ["a", "c/blobs"])
  }

  @Test func tagsPageLikeDistribution() async throws {
    let fixture = try LayoutFixture()
    let image = try await LayoutImage.push(fixture.client, "paged", tag: "a", name: "paged")
    let data = try await fixture.client.manifest(repository: "paged", reference: "a")
    for tag in ["b", "c", "d", "e"] {
      try await fixture.client.putManifest(
        repository: "paged", reference: tag, data: data.data, mediaType: data.mediaType)
    }
    let transport = OCILayoutTransport(registry: fixture.registry)
    let (body, response) = try await transport.data(
      for: URLRequest(url: URL(string: "oci-layout://local/v2/paged/tags/list?n=2&last=a")!))
    #expect(response.statusCode == 200)
    #expect(String(decoding: body, as: UTF8.self) == #"{"name":"paged","tags":["b","c"]}"#)
    #expect(
      response.value(forHTTPHeaderField: "Link") == #"</v2/paged/tags/list?last=c&n=2>; rel="next""#
    )
    let paged = try RegistryClient(
      server: "oci:\(fixture.root.path)", options: RegistryOptions(pageSize: 2))
    #expect(try await paged.tags(repository: "paged") == ["a", "b", "c", "d", "e"])
    // A digest with five tags is five index.json entries.
    #expect(
      try fixture.layout("paged").readIndex().manifests.map(\.digest)
        == Array(repeating: image.manifest.digest, count: 5))
  }

  @Test func deleteByTagKeepsTheManifestAndByDigestRemovesEveryTag() async throws {
    let fixture = try LayoutFixture()
    let client = fixture.client
    let first = try await LayoutImage.push(client, "app", tag: "v1", name: "first")
    let data = try await client.manifest(repository: "app", reference: "v1")
    try await client.putManifest(
      repository: "app", reference: "v2", data: data.data, mediaType: data.mediaType)
    let second = try await LayoutImage.push(client, "app", tag: "latest", name: "second")
    let layout = try fixture.layout("app")

    #expect(try await client.deleteTag(repository: "app", tag: "v1") == .deletedByRegistry)
    #expect(try await client.tags(repository: "app") == ["latest", "v2"])
    #expect(try await client.deleteTag(repository: "app", tag: "v2") == .deletedByRegistry)
    #expect(try await client.tags(repository: "app") == ["latest"])
    // The last tag gone, the manifest stays as an untagged entry.
    let entries = try layout.readIndex().manifests
    #expect(entries.filter { $0.digest == first.manifest.digest }.map(\.layoutTag) == [nil])
    #expect(
      try await client.headManifest(
        repository: "app", reference: first.manifest.digest.description) != nil)

    // Moving a tag leaves the manifest it left untagged.
    let third = try await LayoutImage.push(client, "app", tag: "latest", name: "third")
    #expect(
      try layout.readIndex().manifests.map { "\($0.digest)=\($0.layoutTag ?? "-")" }.sorted()
        == [
          "\(first.manifest.digest)=-", "\(second.manifest.digest)=-",
          "\(third.manifest.digest)=latest",
        ].sorted())

    try await client.deleteManifest(repository: "app", digest: third.manifest.digest)
    #expect(try await client.tags(repository: "app") == [])
    #expect(
      try await client.headManifest(
        repository: "app", reference: third.manifest.digest.description) == nil)
    await #expect {
      try await client.deleteManifest(repository: "app", digest: third.manifest.digest)
    } throws: { ($0 as? RegistryError)?.registryErrors.first?.code == "MANIFEST_UNKNOWN" }
    // A manifest pushed by digest is an untagged entry.
    try await client.putManifest(
      repository: "app", reference: third.manifest.digest.description,
      data: try await client.blob(repository: "app", digest: third.manifest.digest),
      mediaType: MediaType.ociManifest)
    #expect(
      try layout.readIndex().manifests.filter { $0.digest == third.manifest.digest }.count == 1)
    // Deletes are enabled on a layout: an unknown digest is 404, not 405.
    await #expect {
      try await client.deleteManifest(
        repository: "app", digest: Digest.sha256(of: Data("never pushed".utf8)))
    } throws: { ($0 as? RegistryError)?.isNotFound == true }
  }

  @Test func indexChildrenAndReferrersAreServed() async throws {
    let fixture = try LayoutFixture()
    let client = fixture.client
    let amd = try await LayoutImage.push(client, "multi", tag: nil, name: "amd64")
    let arm = try await LayoutImage.push(client, "multi", tag: nil, name: "arm64")
    let index = try await client.putManifest(
      repository: "multi", reference: "latest",
      index: ImageIndex(manifests: [amd.manifest, arm.manifest]))
    // Only the index is tagged; its children are served by digest even once their own entries go.
    try await client.deleteManifest(repository: "multi", digest: amd.manifest.digest)
    let child = try await client.manifest(
      repository: "multi", reference: amd.manifest.digest.description)
    #expect(child.digest == amd.manifest.digest)
    await #expect {
      try await client.deleteManifest(repository: "multi", digest: amd.manifest.digest)
    } throws: { ($0 as? RegistryError)?.httpStatus == 409 }

    let signature = try await LayoutImage.push(
      client, "multi", tag: nil, name: "signature", subject: index,
      artifactType: "application/vnd.dev.regsh.signature")
    _ = try await LayoutImage.push(
      client, "multi", tag: nil, name: "sbom", subject: index, artifactType: "application/spdx+json"
    )
    let all = try await client.referrers(repository: "multi", digest: index.digest)
    #expect(all.count == 2)
    let filtered = try await client.referrers(
      repository: "multi", digest: index.digest,
      artifactType: "application/vnd.dev.regsh.signature")
    #expect(filtered.map(\.digest) == [signature.manifest.digest])
    #expect(try await client.referrers(repository: "multi", digest: arm.manifest.digest) == [])
  }

  @Test func uploadsWithTheWrongDigestAreRefused() async throws {
    let fixture = try LayoutFixture()
    let transport = OCILayoutTransport(registry: fixture.registry)
    let wrong = Digest.sha256(of: Data("something else".utf8))
    func send(_ method: String, _ path: String, _ body: Data) async throws -> (
      Data, HTTPURLResponse
    ) {
      var request = URLRequest(url: URL(string: "oci-layout://local\(path)")!)
      request.httpMethod = method
      request.httpBody = body
      return try await transport.data(for: request)
    }
    // Single POST with ?digest=.
    let (body, single) = try await send(
      "POST", "/v2/app/blobs/uploads/?digest=\(wrong)", Data("content".utf8))
    #expect(single.statusCode == 400)
    #expect(RegistryErrorEntry.parse(body).map(\.code) == ["DIGEST_INVALID"])
    // POST, PATCH, then PUT with ?digest=.
    let (_, started) = try await send("POST", "/v2/app/blobs/uploads/", Data())
    #expect(started.statusCode == 202)
    let location = try #require(started.value(forHTTPHeaderField: "Location"))
    let (_, patched) = try await send("PATCH", location, Data("cont".utf8))
    #expect(patched.statusCode == 202)
    let (_, put) = try await send("PUT", "\(location)?digest=\(wrong)", Data("ent".utf8))
    #expect(put.statusCode == 400)
    let layout = try fixture.layout("app")
    #expect(try layout.storedBlobs() == [])
    // The same bytes under their own digest are accepted, in pieces.
    let right = Digest.sha256(of: Data("content".utf8))
    let (_, again) = try await send("POST", "/v2/app/blobs/uploads/", Data())
    let next = try #require(again.value(forHTTPHeaderField: "Location"))
    _ = try await send("PATCH", next, Data("cont".utf8))
    let (_, stored) = try await send("PUT", "\(next)?digest=\(right)", Data("ent".utf8))
    #expect(stored.statusCode == 201)
    #expect(stored.value(forHTTPHeaderField: "Docker-Content-Digest") == right.description)
    #expect(try layout.storedBlobs() == [right])
    let (_, unknown) = try await send("PUT", "\(next)?digest=\(right)", Data())
    #expect(unknown.statusCode == 404)

    // A manifest whose blobs the layout lacks is refused, as a registry refuses it.
    let missing = Descriptor(mediaType: MediaType.ociConfig, digest: wrong, size: 14)
    await #expect {
      try await fixture.client.putManifest(
        repository: "app", reference: "v1", manifest: ImageManifest(config: missing, layers: []))
    } throws: { ($0 as? RegistryError)?.registryErrors.first?.code == "MANIFEST_BLOB_UNKNOWN" }
    #expect(try layout.readIndex().manifests.isEmpty)
  }

  @Test func aDamagedLayoutIsAnErrorNamingTheFile() async throws {
    let fixture = try LayoutFixture()
    let image = try await LayoutImage.push(fixture.client, "app", tag: "v1", name: "app")
    let layout = try fixture.layout("app")
    let original = try Data(contentsOf: layout.indexFile)

    try Data("{\"manifests\": [".utf8).write(to: layout.indexFile)
    await #expect {
      try await fixture.client.tags(repository: "app")
    } throws: { error in
      guard case .layout(let path, _) = error as? RegistryError else { return false }
      return path == layout.indexFile.path && "\(error)".contains("index.json")
    }
    try Data(#"{"schemaVersion":2,"manifests":[{"digest":"sha256:12"}]}"#.utf8).write(
      to: layout.indexFile)
    await #expect {
      try await fixture.client.manifest(repository: "app", reference: "v1")
    } throws: { "\($0)".contains(layout.indexFile.path) }

    try original.write(to: layout.indexFile)
    try FileManager.default.removeItem(at: layout.blobFile(image.manifest.digest))
    await #expect {
      try await fixture.client.manifest(repository: "app", reference: "v1")
    } throws: { error in
      guard case .layout(let path, let reason) = error as? RegistryError else { return false }
      return path == layout.blobFile(image.manifest.digest).path && reason.contains("missing")
    }
    #expect(throws: RegistryError.self) { try layout.collectGarbage() }
    // gc refused: every other blob is still there.
    #expect(try layout.storedBlobs().count == 3)
  }

  @Test func gcRemovesExactlyTheUnreachableBlobs() async throws {
    let fixture = try LayoutFixture()
    let client = fixture.client
    let kept = try await LayoutImage.push(client, "app", tag: "v1", name: "kept")
    let untagged = try await LayoutImage.push(client, "app", tag: "v2", name: "untagged")
    let gone = try await LayoutImage.push(client, "app", tag: "v3", name: "gone")
    try await client.deleteTag(repository: "app", tag: "v2")
    try await client.deleteManifest(repository: "app", digest: gone.manifest.digest)
    let other = try await LayoutImage.push(client, "other", tag: "v1", name: "other")
    let layout = try fixture.layout("app")

    // The shared base layer stays: `kept` and `untagged` (an entry, though untagged) use it.
    let expected = [gone.manifest, gone.config, gone.layers[1]]
    let preview = try layout.collectGarbage(dryRun: true)
    #expect(
      Set(preview) == Set(expected.map { UnreachableBlob(digest: $0.digest, size: $0.size) }))
    for blob in expected { #expect(layout.hasBlob(blob.digest)) }

    let reports = try fixture.registry.collectGarbage()
    #expect(reports.map(\.repository) == ["app", "other"])
    #expect(reports[0].bytes == expected.reduce(0) { $0 + $1.size })
    #expect(reports[1].blobs.isEmpty)
    for blob in expected { #expect(!layout.hasBlob(blob.digest)) }
    for blob in kept.blobs + untagged.blobs { #expect(layout.hasBlob(blob.digest)) }
    for blob in other.blobs {
      #expect(try fixture.layout("other").hasBlob(blob.digest))
    }
    #expect(try layout.collectGarbage().isEmpty)
    _ = try await client.manifest(repository: "app", reference: "v1")
  }

  @Test func concurrentWritersKeepEveryTag() async throws {
    let fixture = try LayoutFixture()
    let root = fixture.root.path
    let image = try await LayoutImage.push(fixture.client, "shared", tag: "seed", name: "seed")
    let data = try await fixture.client.manifest(repository: "shared", reference: "seed")
    // Two clients, as two processes would be: each request opens the lock file anew.
    try await withThrowingTaskGroup(of: Void.self) { group in
      for writer in ["a", "b"] {
        group.addTask {
          let client = try RegistryClient(server: "oci:\(root)")
          for n in 0..<25 {
            try await client.putManifest(
              repository: "shared", reference: "\(writer)\(n)", data: data.data,
              mediaType: data.mediaType)
          }
        }
      }
      try await group.waitForAll()
    }
    let tags = try await fixture.client.tags(repository: "shared")
    #expect(tags.count == 51)
    #expect(
      try fixture.layout("shared").readIndex().manifests.allSatisfy {
        $0.digest == image.manifest.digest
      })
  }
}
