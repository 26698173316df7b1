import Foundation

/// `_catalog`, `tags/list` and the referrers API.
extension OCILayoutTransport {
  func catalog(_ call: LayoutRequest) throws -> LayoutResponse {
    guard call.method == "GET" else {
      return .error(405, "UNSUPPORTED", "the catalog only answers GET")
    }
    struct Catalog: Encodable { var repositories: [String] }
    // A repository whose every manifest was deleted is gone, as on ACR (`az acr repository
    // delete --repository`); its directory waits for `gc`. A damaged index still lists it,
    // so the damage is reported when it is read.
    let listed = registry.repositories().filter { name in
      (try? registry.layout(for: name).readIndex().manifests.isEmpty) != true
    }
    return try Self.page(listed, call, path: "/v2/_catalog") {
      try .json(Catalog(repositories: $0))
    }
  }

  func tags(_ call: LayoutRequest, repository: String) throws -> LayoutResponse {
    guard call.method == "GET" else {
      return .error(405, "UNSUPPORTED", "tags/list only answers GET")
    }
    guard let layout = try existingLayout(repository) else { return Self.nameUnknown(repository) }
    let tags = Set(try layout.readIndex().manifests.compactMap(\.layoutTag)).sorted()
    struct TagList: Encodable {
      var name: String
      var tags: [String]
    }
    return try Self.page(tags, call, path: "/v2/\(repository)/tags/list") {
      try .json(TagList(name: repository, tags: $0))
    }
  }

  /// Pages a sorted list as distribution does: `last` starts after that item, `n` caps the
  /// page, and a `Link: <…?last=…&n=…>; rel="next"` header points at the rest.
  static func page(
    _ items: [String], _ call: LayoutRequest, path: String,
    body: ([String]) throws -> LayoutResponse
  ) throws -> LayoutResponse {
    var remaining = items
    if let last = call.query["last"], !last.isEmpty { remaining = items.filter { $0 > last } }
    guard let text = call.query["n"] else { return try body(remaining) }
    guard let n = Int(text), n >= 0 else {
      return .error(400, "PAGINATION_NUMBER_INVALID", "invalid number of results requested")
    }
    let shown = Array(remaining.prefix(n))
    var response = try body(shown)
    if remaining.count > shown.count, let last = shown.last {
      var next = URLComponents()
      next.path = path
      next.queryItems = [
        URLQueryItem(name: "last", value: last), URLQueryItem(name: "n", value: text),
      ]
      response.headers["Link"] = "<\(next.string ?? path)>; rel=\"next\""
    }
    return response
  }

  /// The manifests in the repository whose `subject` is `digest`, as an image index.
  func referrers(_ call: LayoutRequest, repository: String, digest text: String) throws
    -> LayoutResponse
  {
    let subject = try Digest(text)
    guard call.method == "GET" else {
      return .error(405, "UNSUPPORTED", "the referrers API only answers GET")
    }
    guard let layout = try existingLayout(repository) else { return Self.nameUnknown(repository) }
    var found: [Descriptor] = []
    for (digest, loaded) in try layout.reachableManifests(from: layout.readIndex())
    where loaded.manifest.subject?.digest == subject {
      let (artifactType, annotations): (String?, [String: String]?) =
        switch loaded.manifest {
        case .image(let image): (image.artifactType ?? image.config.mediaType, image.annotations)
        case .index(let index): (index.artifactType, index.annotations)
        }
      found.append(
        Descriptor(
          mediaType: loaded.descriptor.mediaType, digest: digest, size: Int64(loaded.data.count),
          annotations: annotations, artifactType: artifactType))
    }
    var headers: [String: String] = [:]
    if let wanted = call.query["artifactType"], !wanted.isEmpty {
      found = found.filter { $0.artifactType == wanted }
      headers["OCI-Filters-Applied"] = "artifactType"
    }
    return try .json(
      ImageIndex(manifests: found.sorted { $0.digest < $1.digest }),
      contentType: MediaType.ociIndex, headers: headers)
  }
}
