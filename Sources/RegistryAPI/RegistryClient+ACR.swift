import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Azure Container Registry's `/acr/v1/` metadata API.
///
/// Tested only against a small fake server in the test suite that serves ACR's documented
/// shapes; no real ACR is reachable from where regsh is developed.
extension RegistryClient {
  /// Every repository name from `/acr/v1/_catalog`, following `Link` pages.
  public func acrCatalog(pageSize: Int? = nil) async throws -> [String] {
    try requireACR()
    struct Page: Decodable { var repositories: [String]? }
    return try await paginate(
      RegistryRequest(
        // The client's page size when the caller names none, as `catalog()` pages.
        method: "GET", path: "/acr/v1/_catalog",
        query: Self.acrQuery(pageSize ?? options.pageSize, nil),
        scopes: ["registry:catalog:*"]),
      listing: "ACR catalog"
    ) { try Self.decode(Page.self, from: $0, what: "ACR catalog").repositories ?? [] }
  }

  /// Every tag of `repository` with its attributes, from `/acr/v1/<repo>/_tags`.
  public func acrTags(repository: String, orderBy: ACROrder? = nil, pageSize: Int? = nil)
    async throws -> [ACRTag]
  {
    try requireACR()
    try Reference.validateRepository(repository)
    struct Page: Decodable { var tags: [ACRTag]? }
    return try await paginate(
      RegistryRequest(
        method: "GET", path: "/acr/v1/\(repository)/_tags", query: Self.acrQuery(pageSize, orderBy),
        scopes: [Self.scope(repository, "metadata_read")]),
      listing: "ACR tag list of \(repository)", key: { $0.name },
      items: { try Self.decode(Page.self, from: $0, what: "ACR tags").tags ?? [] })
  }

  /// Every manifest of `repository`, untagged ones included, from `/acr/v1/<repo>/_manifests`.
  public func acrManifests(repository: String, orderBy: ACROrder? = nil, pageSize: Int? = nil)
    async throws -> [ACRManifest]
  {
    try requireACR()
    try Reference.validateRepository(repository)
    struct Page: Decodable { var manifests: [ACRManifest]? }
    return try await paginate(
      RegistryRequest(
        method: "GET", path: "/acr/v1/\(repository)/_manifests",
        query: Self.acrQuery(pageSize, orderBy), scopes: [Self.scope(repository, "metadata_read")]),
      listing: "ACR manifest list of \(repository)", key: { $0.digest.description },
      items: { try Self.decode(Page.self, from: $0, what: "ACR manifests").manifests ?? [] })
  }

  /// Deletes only the tag, through ACR's `DELETE /acr/v1/<repo>/_tags/<tag>`.
  public func acrDeleteTag(repository: String, tag: String) async throws {
    try requireACR()
    try Reference.validateRepository(repository)
    try Reference.validateTag(tag)
    _ = try await request(
      RegistryRequest(
        method: "DELETE", path: "/acr/v1/\(repository)/_tags/\(tag)",
        scopes: [Self.scope(repository, "delete")]),
      expecting: [202, 200, 204])
  }

  /// Changes a tag's locks and returns the tag as ACR now reports it.
  @discardableResult
  public func acrUpdateTagAttributes(
    repository: String, tag: String, _ attributes: ACRChangeableAttributes
  ) async throws -> ACRTag {
    try requireACR()
    try Reference.validateRepository(repository)
    try Reference.validateTag(tag)
    struct Answer: Decodable { var tag: ACRTag }
    let (data, _) = try await request(
      RegistryRequest(
        method: "PATCH", path: "/acr/v1/\(repository)/_tags/\(tag)",
        headers: ["Content-Type": "application/json"],
        body: try JSONEncoder.manifestEncoder.encode(attributes),
        scopes: [Self.scope(repository, "metadata_write")]),
      expecting: [200])
    return try Self.decode(Answer.self, from: data, what: "ACR tag attributes").tag
  }

  /// Changes a manifest's locks and returns the manifest as ACR now reports it.
  @discardableResult
  public func acrUpdateManifestAttributes(
    repository: String, digest: Digest, _ attributes: ACRChangeableAttributes
  ) async throws -> ACRManifest {
    try requireACR()
    try Reference.validateRepository(repository)
    struct Answer: Decodable { var manifest: ACRManifest }
    let (data, _) = try await request(
      RegistryRequest(
        method: "PATCH", path: "/acr/v1/\(repository)/_manifests/\(digest)",
        headers: ["Content-Type": "application/json"],
        body: try JSONEncoder.manifestEncoder.encode(attributes),
        scopes: [Self.scope(repository, "metadata_write")]),
      expecting: [200])
    return try Self.decode(Answer.self, from: data, what: "ACR manifest attributes").manifest
  }

  private func requireACR() throws {
    guard isACR else {
      throw RegistryError.unsupported(
        "the /acr/v1 API (\(server) is not an Azure Container Registry; set RegistryOptions.flavor = .acr to force it)"
      )
    }
  }

  private static func acrQuery(_ pageSize: Int?, _ orderBy: ACROrder?) -> [URLQueryItem] {
    var items: [URLQueryItem] = []
    if let pageSize { items.append(URLQueryItem(name: "n", value: String(pageSize))) }
    if let orderBy { items.append(URLQueryItem(name: "orderby", value: orderBy.rawValue)) }
    return items
  }
}
