import Foundation

/// `/v2/<name>/manifests/<reference>`: manifests are blobs of the layout; tags and untagged
/// manifests are index.json's entries.
extension OCILayoutTransport {
  /// A tag or a digest, as the path gave it.
  enum ManifestReference {
    case tag(String)
    case digest(Digest)

    init(_ text: String) throws {
      if text.contains(":") {
        self = .digest(try Digest(text))
      } else {
        try Reference.validateTag(text)
        self = .tag(text)
      }
    }
  }

  func manifest(_ call: LayoutRequest, repository: String, reference text: String) throws
    -> LayoutResponse
  {
    let reference = try ManifestReference(text)
    switch call.method {
    case "GET", "HEAD":
      guard let layout = try existingLayout(repository) else {
        return Self.nameUnknown(repository)
      }
      return try getManifest(layout, reference, withBody: call.method == "GET")
    case "PUT":
      return try putManifest(call, repository: repository, reference: reference)
    case "DELETE":
      guard let layout = try existingLayout(repository) else {
        return Self.nameUnknown(repository)
      }
      return try deleteManifest(layout, reference)
    default:
      return .error(405, "UNSUPPORTED", "\(call.method) is not allowed on manifests")
    }
  }

  /// The descriptor `reference` resolves to: an index.json entry, or (by digest) a manifest
  /// an index lists as a child.
  func resolve(_ reference: ManifestReference, in layout: OCILayout, index: ImageIndex) throws
    -> Descriptor?
  {
    switch reference {
    case .tag(let tag):
      return index.manifests.first { $0.layoutTag == tag }
    case .digest(let digest):
      if let entry = index.manifests.first(where: { $0.digest == digest }) { return entry }
      return try layout.reachableManifests(from: index)[digest]?.descriptor
    }
  }

  func getManifest(_ layout: OCILayout, _ reference: ManifestReference, withBody: Bool) throws
    -> LayoutResponse
  {
    let index = try layout.readIndex()
    guard let descriptor = try resolve(reference, in: layout, index: index) else {
      return .error(404, "MANIFEST_UNKNOWN", "manifest unknown", detail: Self.text(reference))
    }
    var response = LayoutResponse(status: 200, contentType: descriptor.mediaType)
    response.headers["Docker-Content-Digest"] = descriptor.digest.description
    if withBody {
      response.body = try layout.blobData(descriptor.digest)
    } else {
      guard let size = layout.blobSize(descriptor.digest) else {
        throw RegistryError.layout(
          path: layout.blobFile(descriptor.digest).path,
          reason: "is missing (index.json lists the manifest \(descriptor.digest))")
      }
      response.headers["Content-Length"] = String(size)
    }
    return response
  }

  func putManifest(_ call: LayoutRequest, repository: String, reference: ManifestReference)
    throws -> LayoutResponse
  {
    let digest = Digest.sha256(of: call.body)
    if case .digest(let pinned) = reference, pinned != digest {
      return .error(
        400, "DIGEST_INVALID", "the manifest's digest is \(digest), not \(pinned)",
        detail: pinned.description)
    }
    guard let mediaType = Self.manifestMediaType(call) else {
      return .error(
        400, "MANIFEST_INVALID",
        "neither Content-Type nor the body's mediaType names a manifest type")
    }
    let manifest: Manifest
    do {
      manifest = try Manifest(data: call.body, mediaType: mediaType)
    } catch {
      return .error(400, "MANIFEST_INVALID", "the manifest does not decode: \(error)")
    }
    let layout = try registry.layout(for: repository)
    try layout.create()
    var entry = Descriptor(
      mediaType: mediaType, digest: digest, size: Int64(call.body.count),
      artifactType: Self.artifactType(of: manifest))
    return try layout.updateIndex { index in
      // Checked under the lock, so a concurrent gc cannot remove a blob after the check.
      if let missing = Self.referencedBlobs(manifest).first(where: { !layout.hasBlob($0) }) {
        return .error(
          400, "MANIFEST_BLOB_UNKNOWN", "blob unknown to registry", detail: missing.description)
      }
      try layout.storeBlob(call.body, digest: digest)
      switch reference {
      case .tag(let tag):
        entry.annotations = [OCILayout.tagAnnotation: tag]
        Self.setTag(tag, to: entry, in: &index)
      case .digest:
        if !index.manifests.contains(where: { $0.digest == digest }) {
          index.manifests.append(entry)
        }
      }
      var response = LayoutResponse(status: 201)
      response.headers["Location"] = "/v2/\(repository)/manifests/\(digest)"
      response.headers["Docker-Content-Digest"] = digest.description
      return response
    }
  }

  /// Moves `tag` to `entry`: the manifest it left keeps an untagged entry when no other tag
  /// holds it (a registry keeps it too), and an untagged entry of `entry`'s digest gives way.
  static func setTag(_ tag: String, to entry: Descriptor, in index: inout ImageIndex) {
    if index.manifests.contains(where: { $0.layoutTag == tag && $0.digest == entry.digest }) {
      return
    }
    while let position = index.manifests.firstIndex(where: { $0.layoutTag == tag }) {
      let previous = index.manifests.remove(at: position)
      if !index.manifests.contains(where: { $0.digest == previous.digest }) {
        index.manifests.insert(previous.untaggedEntry, at: position)
      }
    }
    if let untagged = index.manifests.firstIndex(where: {
      $0.digest == entry.digest && $0.layoutTag == nil
    }) {
      index.manifests[untagged] = entry
    } else {
      index.manifests.append(entry)
    }
  }

  /// By digest: every entry of the manifest goes (all its tags). By tag: only that tag; the
  /// manifest stays as an untagged entry when no other tag holds it.
  func deleteManifest(_ layout: OCILayout, _ reference: ManifestReference) throws
    -> LayoutResponse
  {
    try layout.updateIndex { index in
      switch reference {
      case .digest(let digest):
        guard index.manifests.contains(where: { $0.digest == digest }) else {
          if try layout.reachableManifests(from: index)[digest] != nil {
            return .error(
              409, "DENIED",
              "the manifest is a child of an index in this repository: delete the index instead",
              detail: digest.description)
          }
          return .error(
            404, "MANIFEST_UNKNOWN", "manifest unknown", detail: digest.description)
        }
        index.manifests.removeAll { $0.digest == digest }
      case .tag(let tag):
        guard let position = index.manifests.firstIndex(where: { $0.layoutTag == tag }) else {
          return .error(404, "MANIFEST_UNKNOWN", "manifest unknown", detail: tag)
        }
        let removed = index.manifests.remove(at: position)
        if !index.manifests.contains(where: { $0.digest == removed.digest }) {
          index.manifests.insert(removed.untaggedEntry, at: position)
        }
      }
      return LayoutResponse(status: 202)
    }
  }

  /// The Content-Type when it names a manifest type, else the body's own `mediaType`.
  static func manifestMediaType(_ call: LayoutRequest) -> String? {
    let header = RegistryClient.stripParameters(call.contentType ?? "")
    if OCILayout.isManifest(header) { return header }
    struct Probe: Decodable { var mediaType: String? }
    let probed = (try? JSONDecoder().decode(Probe.self, from: call.body))?.mediaType
    return probed.flatMap { OCILayout.isManifest($0) ? $0 : nil }
  }

  /// What a registry checks exists before it accepts a manifest: an image's config and
  /// layers (except foreign layers, fetched from their `urls`), an index's children.
  static func referencedBlobs(_ manifest: Manifest) -> [Digest] {
    switch manifest {
    case .image(let image):
      return ([image.config] + image.layers).filter { ($0.urls ?? []).isEmpty }.map(\.digest)
    case .index(let index):
      return index.manifests.map(\.digest)
    }
  }

  /// The manifest's own artifact type, recorded on its index.json entry.
  static func artifactType(of manifest: Manifest) -> String? {
    switch manifest {
    case .image(let image): image.artifactType
    case .index(let index): index.artifactType
    }
  }

  static func text(_ reference: ManifestReference) -> String {
    switch reference {
    case .tag(let tag): tag
    case .digest(let digest): digest.description
    }
  }
}
