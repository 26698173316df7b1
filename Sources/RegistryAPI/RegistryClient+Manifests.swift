import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A manifest exactly as the registry stored it, with its verified digest.
public struct ManifestResponse: Sendable, Hashable {
  /// The raw bytes: the digest is over these, so keep them for restore and re-push.
  public var data: Data
  public var mediaType: String
  public var digest: Digest
  /// The request that fetched it (`GET /v2/R/manifests/REF on HOST`), named by an error
  /// about its body; nil for bytes that came from elsewhere (the audit log).
  public var request: String?

  /// Wraps manifest bytes, e.g. ones kept in the audit log for restore.
  public init(data: Data, mediaType: String, digest: Digest, request: String? = nil) {
    self.data = data
    self.mediaType = mediaType
    self.digest = digest
    self.request = request
  }

  /// Decodes the bytes as an image manifest or index. A body that does not decode is an
  /// error naming the request it came from, so an operator can ask the registry again.
  public func decoded() throws -> Manifest {
    do {
      return try Manifest(data: data, mediaType: mediaType)
    } catch RegistryError.invalidResponse(let reason) where request != nil {
      throw RegistryError.invalidResponse("\(reason) (\(request ?? ""))")
    }
  }
}

/// What a manifest HEAD tells without the body.
public struct ManifestHead: Sendable, Hashable {
  public var digest: Digest
  /// The manifest's byte count, or -1 when the registry sent no `Content-Length`.
  public var size: Int64
  public var mediaType: String

  /// Creates a head result.
  public init(digest: Digest, size: Int64, mediaType: String) {
    self.digest = digest
    self.size = size
    self.mediaType = mediaType
  }
}

extension RegistryClient {
  /// The manifest at `reference` (tag or digest), checked against the digest asked for or announced.
  public func manifest(repository: String, reference: String) async throws -> ManifestResponse {
    try Reference.validateRepository(repository)
    let pinned = try Self.pinnedDigest(reference)
    let (data, response) = try await request(
      RegistryRequest(
        method: "GET", path: "/v2/\(repository)/manifests/\(reference)",
        headers: ["Accept": MediaType.manifestAccept.joined(separator: ", ")],
        scopes: [Self.scope(repository, "pull")], maxBody: options.maxManifestBytes),
      expecting: [200])
    let announced = try response.value(forHTTPHeaderField: "Docker-Content-Digest").map(Digest.init)
    let expected = pinned ?? announced ?? Digest.sha256(of: data)
    try expected.verify(data, what: "manifest \(repository)@\(reference)")
    if let announced, pinned != nil, announced != expected {
      throw RegistryError.digestMismatch(
        what: "manifest \(repository)@\(reference) (Docker-Content-Digest)", expected: expected,
        actual: announced)
    }
    let mediaType = Self.mediaType(of: response, body: data)
    return ManifestResponse(
      data: data, mediaType: mediaType, digest: expected,
      request: "GET /v2/\(repository)/manifests/\(reference) on \(server)")
  }

  /// The manifest's digest, size and media type from a HEAD, or nil when it does not exist.
  public func headManifest(repository: String, reference: String) async throws -> ManifestHead? {
    let response = try await sendManifestHead(repository: repository, reference: reference)
    if response.statusCode == 404 { return nil }
    return try await manifestHead(from: response, repository: repository, reference: reference)
  }

  /// HEADs a manifest; the status is 200, 404, or 304 when `ifNoneMatch` is the current digest.
  func sendManifestHead(repository: String, reference: String, ifNoneMatch: Digest? = nil)
    async throws -> HTTPURLResponse
  {
    try Reference.validateRepository(repository)
    _ = try Self.pinnedDigest(reference)  // a malformed digest fails here, not at the registry
    var headers = ["Accept": MediaType.manifestAccept.joined(separator: ", ")]
    if let ifNoneMatch { headers["If-None-Match"] = "\"\(ifNoneMatch)\"" }
    let (_, response) = try await request(
      RegistryRequest(
        method: "HEAD", path: "/v2/\(repository)/manifests/\(reference)", headers: headers,
        scopes: [Self.scope(repository, "pull")]),
      expecting: ifNoneMatch == nil ? [200, 404] : [200, 304, 404])
    return response
  }

  /// What a 200 answer to a manifest HEAD says.
  func manifestHead(from response: HTTPURLResponse, repository: String, reference: String)
    async throws -> ManifestHead
  {
    guard
      let digest = try response.value(forHTTPHeaderField: "Docker-Content-Digest").map(Digest.init)
        ?? Self.pinnedDigest(reference)
    else {
      // Some registries omit the header on HEAD; the body tells the truth.
      let full = try await manifest(repository: repository, reference: reference)
      return ManifestHead(
        digest: full.digest, size: Int64(full.data.count), mediaType: full.mediaType)
    }
    let size = response.value(forHTTPHeaderField: "Content-Length").flatMap { Int64($0) } ?? -1
    let mediaType = response.value(forHTTPHeaderField: "Content-Type") ?? ""
    return ManifestHead(digest: digest, size: size, mediaType: Self.stripParameters(mediaType))
  }

  /// Stores `data` as a manifest under `reference` (a tag, or its own digest) and returns its digest.
  @discardableResult
  public func putManifest(
    repository: String, reference: String, data: Data, mediaType: String
  ) async throws -> Digest {
    try Reference.validateRepository(repository)
    let digest = Digest.sha256(of: data)
    if let pinned = try Self.pinnedDigest(reference), pinned != digest {
      throw RegistryError.digestMismatch(
        what: "manifest to push to \(repository)@\(reference)", expected: pinned, actual: digest)
    }
    let (_, response) = try await request(
      RegistryRequest(
        method: "PUT", path: "/v2/\(repository)/manifests/\(reference)",
        headers: ["Content-Type": mediaType], body: data,
        scopes: [Self.scope(repository, "pull,push")]),
      expecting: [201, 200])
    if let stored = try response.value(forHTTPHeaderField: "Docker-Content-Digest").map(
      Digest.init),
      stored != digest
    {
      throw RegistryError.digestMismatch(
        what: "manifest pushed to \(repository):\(reference)", expected: digest, actual: stored)
    }
    return digest
  }

  /// Encodes and pushes a manifest model; returns its descriptor.
  @discardableResult
  public func putManifest(repository: String, reference: String, manifest: ImageManifest)
    async throws -> Descriptor
  {
    let data = try JSONEncoder.manifestEncoder.encode(manifest)
    let mediaType = manifest.mediaType ?? MediaType.ociManifest
    let digest = try await putManifest(
      repository: repository, reference: reference, data: data, mediaType: mediaType)
    return Descriptor(
      mediaType: mediaType, digest: digest, size: Int64(data.count),
      artifactType: manifest.artifactType)
  }

  /// Encodes and pushes an index model; returns its descriptor.
  @discardableResult
  public func putManifest(repository: String, reference: String, index: ImageIndex) async throws
    -> Descriptor
  {
    let data = try JSONEncoder.manifestEncoder.encode(index)
    let mediaType = index.mediaType ?? MediaType.ociIndex
    let digest = try await putManifest(
      repository: repository, reference: reference, data: data, mediaType: mediaType)
    return Descriptor(mediaType: mediaType, digest: digest, size: Int64(data.count))
  }

  /// Deletes the manifest `digest` and, with it, every tag pointing at it.
  public func deleteManifest(repository: String, digest: Digest) async throws {
    try Reference.validateRepository(repository)
    _ = try await request(
      RegistryRequest(
        method: "DELETE", path: "/v2/\(repository)/manifests/\(digest)",
        scopes: [Self.scope(repository, "delete")]),
      expecting: [202, 200])
  }

  static func pinnedDigest(_ reference: String) throws -> Digest? {
    if reference.contains(":") { return try Digest(reference) }
    try Reference.validateTag(reference)
    return nil
  }

  static func stripParameters(_ contentType: String) -> String {
    String(contentType.split(separator: ";", maxSplits: 1).first?.trimmingSpaces ?? "")
  }

  /// The `Content-Type`, or the body's own `mediaType` when the registry sent a generic one.
  static func mediaType(of response: HTTPURLResponse, body: Data) -> String {
    let header = stripParameters(response.value(forHTTPHeaderField: "Content-Type") ?? "")
    if header.hasPrefix("application/vnd.") { return header }
    struct Probe: Decodable { var mediaType: String? }
    return (try? JSONDecoder().decode(Probe.self, from: body))?.mediaType ?? header
  }
}
