import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

extension RegistryClient {
  /// The manifests whose `subject` is `digest`: from the referrers API, or from the `sha256-<hex>` tag schema where the registry lacks it.
  public func referrers(repository: String, digest: Digest, artifactType: String? = nil)
    async throws -> [Descriptor]
  {
    try Reference.validateRepository(repository)
    var query: [URLQueryItem] = []
    if let artifactType { query.append(URLQueryItem(name: "artifactType", value: artifactType)) }
    let (data, response) = try await request(
      RegistryRequest(
        method: "GET", path: "/v2/\(repository)/referrers/\(digest)", query: query,
        headers: ["Accept": MediaType.ociIndex], scopes: [Self.scope(repository, "pull")]),
      expecting: [200, 404])
    var descriptors: [Descriptor]
    if response.statusCode == 200,
      let index = try? JSONDecoder().decode(ImageIndex.self, from: data)
    {
      descriptors = []
      var page: (manifests: [Descriptor], response: HTTPURLResponse)? = (index.manifests, response)
      var seen = Set<String>()
      while let (manifests, response) = page {
        // A registry that ignored the filter says so by not echoing OCI-Filters-Applied.
        let filtered = response.value(forHTTPHeaderField: "OCI-Filters-Applied")?.contains(
          "artifactType")
        if let artifactType, filtered != true {
          descriptors += manifests.filter { $0.artifactType == artifactType }
        } else {
          descriptors += manifests
        }
        // The spec lets the registry page a long list with Link: rel="next".
        page = nil
        if let next = Self.nextLink(response.value(forHTTPHeaderField: "Link")),
          seen.insert(next).inserted
        {
          let (data, response) = try await request(
            RegistryRequest(
              method: "GET", path: next, headers: ["Accept": MediaType.ociIndex],
              scopes: [Self.scope(repository, "pull")]),
            expecting: [200])
          page = (
            try Self.decode(ImageIndex.self, from: data, what: "referrers page").manifests, response
          )
        }
      }
      return descriptors
    }
    let fallbackTag = Self.referrersTag(for: digest)
    guard try await headManifest(repository: repository, reference: fallbackTag) != nil else {
      return []
    }
    let index = try await manifest(repository: repository, reference: fallbackTag)
    guard case .index(let decoded) = try index.decoded() else { return [] }
    descriptors = decoded.manifests
    if let artifactType { descriptors = descriptors.filter { $0.artifactType == artifactType } }
    return descriptors
  }

  /// The tag under which registries without the referrers API keep a subject's referrers: `sha256-<hex>`.
  public static func referrersTag(for digest: Digest) -> String {
    String("\(digest.algorithm)-\(digest.hex)".prefix(128))
  }
}
