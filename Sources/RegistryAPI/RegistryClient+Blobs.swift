import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

extension RegistryClient {
  /// The blob's bytes, checked against `digest`; for large blobs use `downloadBlob`.
  ///
  /// Held in memory, so bounded like a manifest (`options.maxManifestBytes`): an image
  /// config is small, and a registry must not be able to fill memory through one.
  public func blob(repository: String, digest: Digest) async throws -> Data {
    try Reference.validateRepository(repository)
    let (data, _) = try await request(
      RegistryRequest(
        method: "GET", path: "/v2/\(repository)/blobs/\(digest)",
        scopes: [Self.scope(repository, "pull")], isBlobDownload: true,
        maxBody: options.maxManifestBytes),
      expecting: [200])
    try digest.verify(data, what: "blob \(repository)@\(digest)")
    return data
  }

  /// Streams the blob into `file` and returns its size; the file only appears once the digest has been verified.
  @discardableResult
  public func downloadBlob(repository: String, digest: Digest, to file: URL) async throws -> Int64 {
    try Reference.validateRepository(repository)
    let partial = file.deletingLastPathComponent().appendingPathComponent(
      ".\(file.lastPathComponent).\(UUID().uuidString).partial")
    defer { try? FileManager.default.removeItem(at: partial) }
    _ = try await download(
      RegistryRequest(
        method: "GET", path: "/v2/\(repository)/blobs/\(digest)",
        scopes: [Self.scope(repository, "pull")], isBlobDownload: true),
      to: partial, expecting: [200])
    let actual = try Digest.of(fileAt: partial, algorithm: digest.algorithm)
    guard actual == digest else {
      throw RegistryError.digestMismatch(
        what: "blob \(repository)@\(digest)", expected: digest, actual: actual)
    }
    let size =
      (try FileManager.default.attributesOfItem(atPath: partial.path)[.size] as? NSNumber)?
      .int64Value ?? 0
    try? FileManager.default.removeItem(at: file)
    try FileManager.default.moveItem(at: partial, to: file)
    return size
  }

  /// The blob's size, or nil when the repository does not have it.
  public func headBlob(repository: String, digest: Digest) async throws -> Int64? {
    try Reference.validateRepository(repository)
    let (_, response) = try await request(
      RegistryRequest(
        method: "HEAD", path: "/v2/\(repository)/blobs/\(digest)",
        scopes: [Self.scope(repository, "pull")]),
      expecting: [200, 404])
    guard response.statusCode == 200 else { return nil }
    return response.value(forHTTPHeaderField: "Content-Length").flatMap { Int64($0) } ?? -1
  }

  /// Uploads `data` as a blob (monolithic POST then PUT), skipping it when the repository already has it; returns its descriptor.
  @discardableResult
  public func uploadBlob(
    repository: String, data: Data, mediaType: String = "application/octet-stream"
  ) async throws -> Descriptor {
    let digest = Digest.sha256(of: data)
    let descriptor = Descriptor(mediaType: mediaType, digest: digest, size: Int64(data.count))
    if try await headBlob(repository: repository, digest: digest) != nil { return descriptor }
    let scopes = [Self.scope(repository, "pull,push")]
    let (_, started) = try await request(
      RegistryRequest(method: "POST", path: "/v2/\(repository)/blobs/uploads/", scopes: scopes),
      expecting: [202])
    guard let location = started.value(forHTTPHeaderField: "Location") else {
      throw RegistryError.invalidResponse("the upload start for \(repository) sent no Location")
    }
    _ = try await request(
      RegistryRequest(
        method: "PUT", path: location,
        query: [URLQueryItem(name: "digest", value: digest.description)],
        headers: ["Content-Type": "application/octet-stream"], body: data, scopes: scopes),
      expecting: [201])
    return descriptor
  }
}
