import Foundation
import GRDB
import GRDBSQLite
import JMESPath

/// The manifest documents queries run over, in az's shapes (DESIGN.md, "Documents").
extension MetadataStore {
  /// `show-manifests` / `manifests`: `{digest, tags, timestamp}` per manifest the registry
  /// still serves, with `"tags": null` when untagged (what `[?tags==null]` relies on). With
  /// `repository` nil, every repository's manifests, each with a `repository` field.
  public func manifestDocuments(
    registryId: Int64, repository: String?, options: DocumentOptions = DocumentOptions()
  ) throws -> JSON {
    if options.detail {
      return try manifestDetails(registryId: registryId, repository: repository, options: options)
    }
    if repository == nil, options.order == nil, options.top == nil {
      return .array(try allManifestSummaries(registryId: registryId))
    }
    return try read { db in
      let filter = repository == nil ? "" : "AND r.name = ?"
      var arguments: StatementArguments = [registryId]
      if let repository { arguments += [repository] }
      let statement = try db.cachedStatement(
        sql: """
          SELECT r.name, m.digest, m.tagList, m.timestamp FROM repository r
          JOIN manifest m INDEXED BY manifest_listing ON m.repositoryId = r.id AND m.goneAt IS NULL
          WHERE r.registryId = ? \(filter) AND r.goneAt IS NULL
          \(options.orderClause) \(options.limitClause)
          """)
      try statement.setArguments(arguments)
      var items: [JSON] = []
      try Self.appendSummaries(of: statement, in: db, withRepository: repository == nil, to: &items)
      return .array(items)
    }
  }

  /// Every repository's manifests in repository and digest order, built on all cores:
  /// chunks of repositories are read on separate connections (WAL allows concurrent
  /// readers) and joined in order.
  func allManifestSummaries(registryId: Int64) throws -> [JSON] {
    let chunks = try repositoryChunks(registryId: registryId)
    guard chunks.count > 1 else {
      return try read { db in try Self.summaries(of: chunks.first ?? [], in: db) }
    }
    return try readConcurrently(chunks) { chunk, db in try Self.summaries(of: chunk, in: db) }
      .flatMap { $0 }
  }

  static func summaries(of repositoryIds: [Int64], in db: Database) throws -> [JSON] {
    let statement = try db.cachedStatement(
      sql: """
        SELECT r.name, m.digest, m.tagList, m.timestamp FROM repository r
        JOIN manifest m INDEXED BY manifest_listing ON m.repositoryId = r.id AND m.goneAt IS NULL
        WHERE r.id = ? ORDER BY m.digest
        """)
    var items: [JSON] = []
    for id in repositoryIds {
      try statement.setArguments([id])
      try appendSummaries(of: statement, in: db, withRepository: true, to: &items)
    }
    return items
  }

  /// Steps a statement of (repository, digest, tagList, timestamp) rows into documents.
  /// The hot path of every large listing: columns are read straight from SQLite, keys are
  /// shared through one template, and a repository name is shared by all its rows.
  static func appendSummaries(
    of statement: Statement, in db: Database, withRepository: Bool, to items: inout [JSON]
  ) throws {
    try forEachSummary(of: statement, in: db, withRepository: withRepository) { items.append($0) }
  }

  /// The same documents handed over one at a time, so a caller that keeps few of them
  /// (a filter the interpreter evaluates) never holds them all.
  static func forEachSummary(
    of statement: Statement, in db: Database, withRepository: Bool,
    _ body: (JSON) throws -> Void
  ) throws {
    let template: JSONObject =
      withRepository
      ? ["digest": .null, "repository": .null, "tags": .null, "timestamp": .null]
      : ["digest": .null, "tags": .null, "timestamp": .null]
    let handle = statement.sqliteStatement
    defer { sqlite3_reset(handle) }
    var repositoryName: JSON = .null
    var repositoryBytes: [UInt8] = []
    while true {
      let step = sqlite3_step(handle)
      if step == SQLITE_DONE { break }
      guard step == SQLITE_ROW else {
        throw DatabaseError(
          resultCode: ResultCode(rawValue: step),
          message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
      }
      var item = template
      var i = 0
      item.values[i] = .string(text(handle, 1))
      i += 1
      if withRepository {
        let name = bytes(handle, 0)
        if !name.elementsEqual(repositoryBytes) {
          repositoryBytes = Array(name)
          repositoryName = .string(String(decoding: name, as: UTF8.self))
        }
        item.values[i] = repositoryName
        i += 1
      }
      item.values[i] =
        sqlite3_column_type(handle, 2) == SQLITE_NULL ? .null : tagArray(text(handle, 2))
      item.values[i + 1] = .string(text(handle, 3))
      try body(.object(item))
    }
  }

  /// `--detail`: the full record of each manifest.
  func manifestDetails(registryId: Int64, repository: String?, options: DocumentOptions) throws
    -> JSON
  {
    try read { db in
      let filter = repository == nil ? "" : "AND r.name = ?"
      var arguments: StatementArguments = [registryId]
      if let repository { arguments += [repository] }
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT m.*, r.name AS repositoryName FROM manifest m JOIN repository r ON r.id = m.repositoryId
          WHERE r.registryId = ? \(filter) AND m.goneAt IS NULL AND r.goneAt IS NULL
          \(options.orderClause) \(options.limitClause)
          """, arguments: arguments)
      let ids = rows.map { $0["id"] as Int64 }
      let layers = try Self.groupedLayers(db, manifestIds: ids)
      let children = try Self.groupedChildren(db, manifestIds: ids)
      let parents = try Self.referencingManifests(db, registryId: registryId)
      return .array(
        rows.map { row in
          let id: Int64 = row["id"]
          let digest: String = row["digest"]
          var item = JSONObject()
          if repository == nil { item["repository"] = .string(row["repositoryName"]) }
          item["digest"] = .string(digest)
          item["mediaType"] = .string(row["mediaType"])
          item["imageSize"] = .int(row["imageSize"])
          item["manifestSize"] = .int(row["size"])
          item["createdTime"] = .string(
            row["registryCreated"] ?? row["configCreated"] ?? row["firstSeen"])
          item["lastUpdateTime"] = .string(row["timestamp"])
          item["timestampSource"] = .string(row["timestampSource"])
          if let tagList: String = row["tagList"] {
            item["tags"] = Self.tagArray(tagList)
          }
          for key in ["architecture", "os", "variant", "configDigest", "artifactType"] {
            if let value: String = row[key] { item[key] = .string(value) }
          }
          if let blobs = layers[id] {
            item["layers"] = .array(blobs)
          }
          if let list = children[id] { item["children"] = .array(list) }
          if let subject: String = row["subjectDigest"] { item["subject"] = .string(subject) }
          if let referencing = parents[digest], !referencing.isEmpty {
            item["referencedBy"] = .array(referencing.map { .string($0) })
          }
          item["firstSeen"] = .string(row["firstSeen"])
          item["lastSeen"] = .string(row["lastSeen"])
          if let attributes: String = row["changeableAttributes"],
            let value = try? JSONReader.parse(attributes)
          {
            item["changeableAttributes"] = value
          }
          return .object(item)
        })
    }
  }

  static func bytes(_ handle: OpaquePointer, _ column: Int32) -> UnsafeBufferPointer<UInt8> {
    guard let text = sqlite3_column_text(handle, column) else {
      return UnsafeBufferPointer(start: nil, count: 0)
    }
    return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column)))
  }

  static func text(_ handle: OpaquePointer, _ column: Int32) -> String {
    String(decoding: bytes(handle, column), as: UTF8.self)
  }

  /// The stored tab-separated tag list as a JSON array (split on bytes: no grapheme
  /// breaking for a million rows).
  static func tagArray(_ list: String) -> JSON { TagList.document(list) }

  static func groupedLayers(_ db: Database, manifestIds: [Int64]) throws -> [Int64: [JSON]] {
    var grouped: [Int64: [JSON]] = [:]
    let statement = try db.makeStatement(
      sql:
        "SELECT position, digest, size, mediaType FROM layer WHERE manifestId = ? AND position >= 0 ORDER BY position"
    )
    for id in manifestIds {
      let rows = try Row.fetchAll(statement, arguments: [id])
      if rows.isEmpty { continue }
      grouped[id] = rows.map { row in
        .object(["digest": .string(row[1]), "size": .int(row[2]), "mediaType": .string(row[3])])
      }
    }
    return grouped
  }

  static func groupedChildren(_ db: Database, manifestIds: [Int64]) throws -> [Int64: [JSON]] {
    var grouped: [Int64: [JSON]] = [:]
    let statement = try db.makeStatement(
      sql:
        "SELECT digest, mediaType, size, platform FROM child WHERE manifestId = ? ORDER BY position"
    )
    for id in manifestIds {
      let rows = try Row.fetchAll(statement, arguments: [id])
      if rows.isEmpty { continue }
      grouped[id] = rows.map { row in
        var child: JSONObject = [
          "digest": .string(row[0]), "mediaType": .string(row[1]), "size": .int(row[2]),
        ]
        if let platform: String = row[3] { child["platform"] = .string(platform) }
        return .object(child)
      }
    }
    return grouped
  }

  /// digest → the live manifests that list it as an index child or name it as their subject.
  static func referencingManifests(_ db: Database, registryId: Int64) throws -> [String: [String]] {
    var parents: [String: [String]] = [:]
    let rows = try Row.fetchCursor(
      db,
      sql: """
        SELECT c.digest, m.digest FROM child c JOIN manifest m ON m.id = c.manifestId
        JOIN repository r ON r.id = m.repositoryId WHERE r.registryId = ? AND m.goneAt IS NULL
        UNION
        SELECT m.subjectDigest, m.digest FROM manifest m JOIN repository r ON r.id = m.repositoryId
        WHERE r.registryId = ? AND m.subjectDigest IS NOT NULL AND m.goneAt IS NULL
        """, arguments: [registryId, registryId])
    while let row = try rows.next() { parents[row[0], default: []].append(row[1]) }
    return parents
  }
}
