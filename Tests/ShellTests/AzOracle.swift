import Foundation
import JMESPath
import TestSupport

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// What az prints for the fake ACR's data: az's transformations (Azure/azure-cli,
/// `command_modules/acr/repository.py`), written here from reading that code, applied to the
/// fake's raw `/acr/v1/` answers. It talks to the fake on its own (token, paging by `Link`),
/// so it shares no code with what it checks.
struct AzOracle {
  let base: String
  let token: String

  init(_ fake: FakeRegistry) async throws {
    base = "http://\(fake.server)"
    var request = URLRequest(url: URL(string: "\(base)/oauth2/token?service=fake.azurecr.io")!)
    let basic = Data("\(FakeRegistry.username):\(FakeRegistry.password)".utf8)
      .base64EncodedString()
    request.setValue("Basic \(basic)", forHTTPHeaderField: "Authorization")
    let (data, _) = try await URLSession.shared.data(for: request, delegate: nil)
    guard let token = try JSONReader.parse([UInt8](data))["access_token"].stringValue else {
      throw TestFailure("the fake's token server sent no token")
    }
    self.token = token
  }

  /// One GET: the parsed body and the `Link` header's target.
  func get(_ pathAndQuery: String) async throws -> (JSON, String?) {
    var request = URLRequest(url: URL(string: base + pathAndQuery)!)
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    let (data, response) = try await URLSession.shared.data(for: request, delegate: nil)
    let http = response as! HTTPURLResponse
    guard http.statusCode == 200 else {
      throw TestFailure("GET \(pathAndQuery) answered \(http.statusCode)")
    }
    let link = http.value(forHTTPHeaderField: "Link").flatMap { header -> String? in
      guard let open = header.firstIndex(of: "<"), let close = header.firstIndex(of: ">") else {
        return nil
      }
      return String(header[header.index(after: open)..<close])
    }
    return (try JSONReader.parse([UInt8](data)), link)
  }

  /// A PATCH behind regsh's back (a lock the cache does not know of).
  func patch(_ path: String, _ body: String) async throws {
    var request = URLRequest(url: URL(string: base + path)!)
    request.httpMethod = "PATCH"
    request.httpBody = Data(body.utf8)
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    let (_, response) = try await URLSession.shared.data(for: request, delegate: nil)
    guard (response as? HTTPURLResponse)?.statusCode == 200 else {
      throw TestFailure("PATCH \(path) failed")
    }
  }

  /// az's `_obtain_data_from_registry`: pages of 100 (or `top`, and then only one page),
  /// `orderby` mapped to ACR's `timeasc`/`timedesc`, `Link` followed.
  func listing(_ path: String, member: String, top: Int? = nil, orderby: String? = nil)
    async throws -> [JSON]
  {
    var items: [JSON] = []
    var remaining = top
    var n = 100
    if let top { n = min(top, 100) }
    var query = "n=\(n)"
    if let orderby { query += "&orderby=\(orderby == "time_asc" ? "timeasc" : "timedesc")" }
    var next: String? = "\(path)?\(query)"
    while let target = next {
      let (body, link) = try await get(target)
      items += body[member].arrayValue ?? []
      if let left = remaining {
        remaining = left - n
        if remaining! <= 0 { break }
      }
      next = link
    }
    return items
  }

  /// `az acr repository list`: the catalog's names as served (az reads them in the
  /// registry's order, which is sorted on ACR).
  func list(top: Int? = nil) async throws -> JSON {
    .array(try await listing("/acr/v1/_catalog", member: "repositories", top: top))
  }

  /// `show-tags`: the names, or with `--detail` the records as served.
  func showTags(_ repository: String, top: Int? = nil, orderby: String? = nil, detail: Bool = false)
    async throws -> JSON
  {
    let records = try await listing(
      "/acr/v1/\(repository)/_tags", member: "tags", top: top, orderby: orderby)
    return detail ? .array(records) : .array(records.map { $0["name"] })
  }

  /// `show-manifests`: az's `{digest, tags, timestamp}` — `tags` as served, `[]` when the
  /// record has none — or with `--detail` the records as served.
  func showManifests(
    _ repository: String, top: Int? = nil, orderby: String? = nil, detail: Bool = false
  ) async throws -> JSON {
    let records = try await listing(
      "/acr/v1/\(repository)/_manifests", member: "manifests", top: top, orderby: orderby)
    if detail { return .array(records) }
    return .array(
      records.map { record in
        let object = record.objectValue ?? [:]
        return .object([
          "digest": object["digest"] ?? .string(""),
          "tags": object["tags"] ?? .array([]),
          "timestamp": object["lastUpdateTime"] ?? .string(""),
        ])
      })
  }

  /// `show --repository`: the repository's record as served.
  func showRepository(_ repository: String) async throws -> JSON {
    try await get("/acr/v1/\(repository)").0
  }

  /// `show --image`: `repo@digest` → the manifest's record; `repo:tag`, or `repo` meaning
  /// `repo:latest` → the tag's record.
  func showImage(_ image: String) async throws -> JSON {
    if let at = image.firstIndex(of: "@") {
      let repository = image[..<at]
      let digest = image[image.index(after: at)...]
      return try await get("/acr/v1/\(repository)/_manifests/\(digest)").0["manifest"]
    }
    let parts = image.split(separator: ":", maxSplits: 1)
    let tag = parts.count == 2 ? String(parts[1]) : "latest"
    return try await get("/acr/v1/\(parts[0])/_tags/\(tag)").0["tag"]
  }

  /// `delete --image … --yes`: the warning az logs — the digest (looked up from the tag when
  /// the image names one) and every tag of the repository that points at it.
  func deleteWarning(_ image: String) async throws -> String {
    let repository: String
    let digest: String
    if let at = image.firstIndex(of: "@") {
      repository = String(image[..<at])
      digest = String(image[image.index(after: at)...])
    } else {
      let parts = image.split(separator: ":", maxSplits: 1)
      repository = String(parts[0])
      let tag = parts.count == 2 ? String(parts[1]) : "latest"
      digest =
        try await get("/acr/v1/\(repository)/_tags/\(tag)").0["tag"]["digest"]
        .stringValue ?? ""
    }
    let tags = try await listing("/acr/v1/\(repository)/_tags", member: "tags")
      .filter { $0["digest"].stringValue == digest }.compactMap { $0["name"].stringValue }
    var message = "This operation will delete the manifest '\(digest)'"
    if !tags.isEmpty {
      message +=
        " and all the following images: "
        + tags.map { "'\(repository):\($0)'" }.joined(separator: ", ")
    }
    return "WARNING: " + message
  }
}

/// A JSON value as text with its key order, so two documents compare field for field and
/// in order.
func ordered(_ value: JSON) -> String { JSONWriter(style: .compact).string(value) }
