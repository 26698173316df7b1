import Foundation

extension RegistryClient {
  /// Every tag of `repository`, following `Link` pages, sorted (distribution 2.8 returns them unsorted).
  public func tags(repository: String) async throws -> [String] {
    try Reference.validateRepository(repository)
    struct Page: Decodable { var tags: [String]? }
    let tags = try await paginate(
      RegistryRequest(
        method: "GET", path: "/v2/\(repository)/tags/list", query: pageQuery,
        scopes: [Self.scope(repository, "pull")]),
      listing: "tag list of \(repository)", orderedCursor: true
    ) { try Self.decode(Page.self, from: $0, what: "tags list").tags ?? [] }
    return Array(Set(tags)).sorted()
  }
}
