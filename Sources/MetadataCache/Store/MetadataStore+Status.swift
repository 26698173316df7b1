import Foundation

/// What `store status` shows and `store copy` checks: where the store is, its schema, and
/// how many rows each table holds.
public struct StoreStatus: Sendable {
  public var backend: String
  public var location: String
  public var schemaVersion: Int
  public var registries: [String]
  /// Table → rows, in `MetadataStore.tables` order.
  public var rows: [(table: String, count: Int)]
  public var bytes: Int64
}

extension MetadataStore {
  /// The tables that hold the cache and the audit log, parents before children, with the
  /// columns a copy carries (ids included, so references stay intact).
  static let tables: [(name: String, columns: [String], hasId: Bool)] = [
    ("registry", ["id", "name", "url", "insecure", "flavor", "addedAt"], true),
    (
      "repository",
      ["id", "registryId", "name", "firstSeen", "lastSeen", "lastSynced", "goneAt", "syncError"],
      true
    ),
    (
      "manifest",
      [
        "id", "repositoryId", "digest", "mediaType", "raw", "size", "imageSize", "configDigest",
        "configCreated", "architecture", "os", "variant", "artifactType", "subjectDigest",
        "registryCreated", "registryUpdated", "changeableAttributes", "timestamp",
        "timestampSource", "tagList", "firstSeen", "lastSeen", "goneAt",
      ], true
    ),
    ("layer", ["manifestId", "position", "digest", "size", "mediaType"], false),
    ("child", ["manifestId", "position", "digest", "mediaType", "size", "platform"], false),
    (
      "tag",
      [
        "id", "repositoryId", "name", "digest", "sinceTime", "untilTime", "registryCreated",
        "registryUpdated", "signed", "changeableAttributes",
      ], true
    ),
    (
      "protection", ["id", "registryId", "repository", "kind", "pattern", "reason", "createdAt"],
      true
    ),
    (
      "audit",
      [
        "id", "time", "registry", "repository", "action", "digest", "tags", "mediaType",
        "manifest", "bytesFreed", "\"user\"", "detail", "state",
      ], true
    ),
  ]

  /// The store's backend, schema version, registries, rows per table and size.
  public func status() throws -> StoreStatus {
    let (registries, rows) = try read { db in
      (
        try db.column(String.self, "SELECT name FROM registry ORDER BY name"),
        try Self.tables.map { table in
          (table.name, try db.scalar(Int.self, "SELECT count(*) FROM \(table.name)") ?? 0)
        }
      )
    }
    return StoreStatus(
      backend: backend.dialect.name, location: path, schemaVersion: try backend.schemaVersion(),
      registries: registries, rows: rows, bytes: try backend.size())
  }

  /// Rows per table.
  public func rowCounts() throws -> [String: Int] {
    Dictionary(uniqueKeysWithValues: try status().rows.map { ($0.table, $0.count) })
  }
}
