import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// ACR's records exactly as served: the bytes of `/acr/v1/` answers, for the `az` forms,
/// which print what ACR says field for field (key order, explicit nulls, fields regsh does
/// not model). The typed readers (`acrManifests`, `acrTags`) serve sync; these serve output.
extension RegistryClient {
  /// Which `/acr/v1/` record `acrRecord` and `acrUpdateRecord` address.
  public enum ACRRecord: Sendable {
    case repository(String)
    case tag(repository: String, tag: String)
    case manifest(repository: String, digest: Digest)

    var path: String {
      switch self {
      case .repository(let repository): "/acr/v1/\(repository)"
      case .tag(let repository, let tag): "/acr/v1/\(repository)/_tags/\(tag)"
      case .manifest(let repository, let digest): "/acr/v1/\(repository)/_manifests/\(digest)"
      }
    }

    public var repository: String {
      switch self {
      case .repository(let repository), .tag(let repository, _), .manifest(let repository, _):
        repository
      }
    }

    func validate() throws {
      try Reference.validateRepository(repository)
      if case .tag(_, let tag) = self { try Reference.validateTag(tag) }
    }
  }

  /// The answer of `GET` on a repository, tag or manifest record, as bytes.
  public func acrRecord(_ record: ACRRecord) async throws -> Data {
    try requireACRRecords()
    try record.validate()
    let (data, _) = try await request(
      RegistryRequest(
        method: "GET", path: record.path,
        scopes: [Self.scope(record.repository, "metadata_read")]),
      expecting: [200])
    return data
  }

  /// `PATCH`es a record's changeable attributes; ACR answers with the record as it now is.
  public func acrUpdateRecord(_ record: ACRRecord, _ attributes: ACRChangeableAttributes)
    async throws -> Data
  {
    try requireACRRecords()
    try record.validate()
    let (data, _) = try await request(
      RegistryRequest(
        method: "PATCH", path: record.path, headers: ["Content-Type": "application/json"],
        body: try JSONEncoder.manifestEncoder.encode(attributes),
        scopes: [Self.scope(record.repository, "metadata_write")]),
      expecting: [200])
    return data
  }

  /// Every page of `/acr/v1/<repo>/_tags` or `_manifests`, as bytes, following `Link`.
  public func acrListingPages(
    repository: String, manifests: Bool, orderBy: ACROrder? = nil, pageSize: Int? = nil
  ) async throws -> [Data] {
    try requireACRRecords()
    try Reference.validateRepository(repository)
    var query: [URLQueryItem] = []
    if let pageSize { query.append(URLQueryItem(name: "n", value: String(pageSize))) }
    if let orderBy { query.append(URLQueryItem(name: "orderby", value: orderBy.rawValue)) }
    let what = manifests ? "manifest" : "tag"
    // A page is its own key: a registry that links to a page repeating the previous one is
    // caught by `paginate`'s no-new-entry rule.
    return try await paginate(
      RegistryRequest(
        method: "GET", path: "/acr/v1/\(repository)/\(manifests ? "_manifests" : "_tags")",
        query: query, scopes: [Self.scope(repository, "metadata_read")]),
      listing: "ACR \(what) list of \(repository)",
      key: { String(decoding: $0, as: UTF8.self) }, items: { [$0] })
  }

  /// ACR's `DELETE /acr/v1/<repo>`: the repository with every manifest and tag in one
  /// request. The answer (`{"manifestsDeleted": […], "tagsDeleted": […]}`) as bytes; empty
  /// when ACR sends no body.
  public func acrDeleteRepository(_ repository: String) async throws -> Data {
    try requireACRRecords()
    try Reference.validateRepository(repository)
    let (data, _) = try await request(
      RegistryRequest(
        method: "DELETE", path: "/acr/v1/\(repository)",
        scopes: [Self.scope(repository, "delete")]),
      expecting: [202, 200, 204])
    return data
  }

  private func requireACRRecords() throws {
    guard isACR else {
      throw RegistryError.unsupported(
        "the /acr/v1 API (\(server) is not an Azure Container Registry; add it with --flavor acr if it is one)"
      )
    }
  }
}
