import Foundation
import JMESPath
import MetadataCache
import RegistryAPI

/// What the `az acr repository` forms print, record for record as az prints it.
///
/// On ACR the records are read live from `/acr/v1/`, as az reads them: az never answers
/// from a cache, and keeping ACR's raw records in the cache too would mean a second copy of
/// every field (and its key order) to keep in step. The cache is still synced by the
/// listings, for the pipeline stages that follow (`show-manifests | … | delete`).
///
/// On other registries the same shapes are derived from the cache, with the fields regsh
/// can know (docs/registries.md); regsh's own extra facts (layers, first seen, where a
/// timestamp came from) stay in the native `manifests --detail` and `show`.
enum AzRecords {
  /// The fields of ACR's manifest record, in the order ACR serves them.
  static let manifestFields = [
    "digest", "imageSize", "createdTime", "lastUpdateTime", "architecture", "os", "mediaType",
    "configMediaType", "tags", "changeableAttributes",
  ]

  /// ACR's `_manifests` or `_tags` listing, every page, as served.
  static func listing(
    _ client: RegistryClient, repository: String, manifests: Bool, options: DocumentOptions
  ) async throws -> [JSON] {
    let order: ACROrder? =
      switch options.order {
      case .timeAscending: .timeAscending
      case .timeDescending: .timeDescending
      case nil: nil
      }
    if options.top == 0 { return [] }
    // az asks for pages of at most 100 (fewer with --top) and stops once it has --top items.
    let pageSize = options.top.map { min($0, 100) }
    let pages = try await client.acrListingPages(
      repository: repository, manifests: manifests, orderBy: order, pageSize: pageSize)
    var items: [JSON] = []
    for page in pages {
      let value = try parse(page, what: "ACR \(manifests ? "manifest" : "tag") list")
      items += value[manifests ? "manifests" : "tags"].arrayValue ?? []
      if let top = options.top, items.count >= top { break }
    }
    if let top = options.top { items = Array(items.prefix(top)) }
    return items
  }

  /// `show-manifests` without `--detail`: az's `{digest, tags, timestamp}` of each record.
  /// The one deliberate departure from az: an untagged manifest has `"tags": null` (az
  /// prints `[]` for a record without `tags`), so the article's `[?tags==null]` works.
  static func manifestSummary(_ record: JSON) -> JSON {
    var tags = record["tags"]
    if tags.arrayValue?.isEmpty == true { tags = .null }
    return .object([
      "digest": record["digest"].stringValue.map(JSON.string) ?? .string(""),
      "tags": tags,
      "timestamp": record["lastUpdateTime"].stringValue.map(JSON.string) ?? .string(""),
    ])
  }

  /// `show-tags` without `--detail`: the names.
  static func tagNames(_ records: [JSON]) -> JSON {
    .array(records.map { $0["name"] })
  }

  /// A regsh `--detail` manifest record cut to ACR's fields and order (non-ACR registries).
  static func manifestRecord(fromDetail detail: JSON) -> JSON {
    guard let object = detail.objectValue else { return detail }
    var record = JSONObject()
    for field in manifestFields {
      if let value = object[field] { record[field] = value }
    }
    return .object(record)
  }

  /// One `/acr/v1/` record's member (`tag`, `manifest`), or the whole answer (repository).
  static func record(_ data: Data, member: String?, what: String) throws -> JSON {
    let value = try parse(data, what: what)
    guard let member else { return value }
    guard case .object(let object) = value, let inner = object[member] else {
      throw ShellError.failed("the registry's answer for \(what) has no \"\(member)\" member")
    }
    return inner
  }

  static func parse(_ data: Data, what: String) throws -> JSON {
    do {
      return try JSONReader.parse([UInt8](data))
    } catch {
      throw ShellError.failed("the registry's answer for \(what) is not JSON: \(error)")
    }
  }

  /// The login server of a registry, as ACR names it: `host[:port]`, without a scheme.
  static func loginServer(_ registry: RegistryInfo) -> String {
    var url = registry.url
    for scheme in ["http://", "https://"] where url.lowercased().hasPrefix(scheme) {
      url.removeFirst(scheme.count)
    }
    while url.hasSuffix("/") { url.removeLast() }
    return url
  }
}
