import Foundation

extension RegistryClient {
  /// Every repository name in the registry, following `Link` pages, sorted.
  public func catalog() async throws -> [String] {
    struct Page: Decodable { var repositories: [String]? }
    let names = try await paginate(
      RegistryRequest(
        method: "GET", path: "/v2/_catalog", query: pageQuery, scopes: ["registry:catalog:*"]),
      listing: "catalog", orderedCursor: true
    ) { try Self.decode(Page.self, from: $0, what: "catalog").repositories ?? [] }
    return Array(Set(names)).sorted()
  }

  var pageQuery: [URLQueryItem] {
    options.pageSize.map { [URLQueryItem(name: "n", value: String($0))] } ?? []
  }

  static func decode<T: Decodable>(_ type: T.Type, from data: Data, what: String) throws -> T {
    do {
      return try JSONDecoder().decode(type, from: data)
    } catch {
      throw RegistryError.invalidResponse(
        "the \(what) response does not decode: \(DecodingProblem.describe(error, in: data))")
    }
  }
}
