import Foundation
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
      return .array(try allManifestSummaries(registryId: registryId, fields: options.fields))
    }
    return try read { db in
      let filter = repository == nil ? "" : "AND r.name = ?"
      var arguments: StoreArguments = [registryId]
      if let repository { arguments += [repository] }
      var items: [JSON] = []
      try Self.forEachSummary(
        """
        SELECT r.name, m.digest, m.tagList, m.timestamp FROM repository r
        JOIN manifest m \(db.dialect.indexedBy("manifest_listing")) ON m.repositoryId = r.id AND m.goneAt IS NULL
        WHERE r.registryId = ? \(filter) AND r.goneAt IS NULL
        \(options.orderClause) \(options.limitClause)
        """, arguments, in: db, withRepository: repository == nil, fields: options.fields
      ) { items.append($0) }
      return .array(items)
    }
  }

  /// Every repository's manifests in repository and digest order, built on all cores:
  /// chunks of repositories are read on separate connections (WAL allows concurrent
  /// readers) and joined in order.
  func allManifestSummaries(registryId: Int64, fields: DocumentFields = .all) throws -> [JSON] {
    let chunks = try repositoryChunks(registryId: registryId)
    guard chunks.count > 1 else {
      return try read { db in
        try Self.summaries(of: chunks.first ?? [], in: db, fields: fields)
      }
    }
    return try readConcurrently(chunks) { chunk, db in
      try Self.summaries(of: chunk, in: db, fields: fields)
    }
    .flatMap { $0 }
  }

  static func summaries(
    of repositoryIds: [Int64], in db: any StoreConnection, fields: DocumentFields = .all
  ) throws -> [JSON] {
    // Through the cache's memory map, every page this read touches (1.8 GB for a million
    // manifests) stays resident in the process beside the documents; through the page
    // cache it does not, and the read is no slower.
    try db.readingFewPages { try summaryItems(of: repositoryIds, in: db, fields: fields) }
  }

  private static func summaryItems(
    of repositoryIds: [Int64], in db: any StoreConnection, fields: DocumentFields
  ) throws -> [JSON] {
    var items: [JSON] = []
    for id in repositoryIds {
      try forEachSummary(
        """
        SELECT r.name, m.digest, m.tagList, m.timestamp FROM repository r
        JOIN manifest m \(db.dialect.indexedBy("manifest_listing")) ON m.repositoryId = r.id AND m.goneAt IS NULL
        WHERE r.id = ? ORDER BY m.digest
        """, [id], in: db, withRepository: true, fields: fields
      ) { items.append($0) }
    }
    return items
  }

  /// Visits (repository, digest, tagList, timestamp) rows as documents, handed over one at
  /// a time, so a caller that keeps few of them (a filter the interpreter evaluates) never
  /// holds them all. The hot path of every large listing: columns are read straight from
  /// the row, keys are shared through one template, and a repository name is shared by
  /// all its rows. A field outside `fields` keeps its key with a null nobody reads, and
  /// costs no allocation.
  static func forEachSummary(
    _ sql: String, _ arguments: StoreArguments, in db: any StoreConnection, withRepository: Bool,
    fields: DocumentFields = .all, _ body: (JSON) throws -> Void
  ) throws {
    let template: JSONObject =
      withRepository
      ? ["digest": .null, "repository": .null, "tags": .null, "timestamp": .null]
      : ["digest": .null, "tags": .null, "timestamp": .null]
    var repositoryName: JSON = .null
    var repositoryBytes: [UInt8] = []
    try db.visit(sql, arguments) { row in
      var item = template
      var i = 0
      item.values[i] = .string(row.text(1) ?? "")
      i += 1
      if withRepository {
        row.withText(0) { name in
          if !name.elementsEqual(repositoryBytes) {
            repositoryBytes = Array(name)
            repositoryName = .string(String(decoding: name, as: UTF8.self))
          }
        }
        item.values[i] = repositoryName
        i += 1
      }
      if fields.tags, !row.isNull(2) { item.values[i] = tagArray(row.text(2) ?? "") }
      if fields.timestamp { item.values[i + 1] = .string(row.text(3) ?? "") }
      try body(.object(item))
    }
  }

  /// `--detail`: the full record of each manifest.
  func manifestDetails(registryId: Int64, repository: String?, options: DocumentOptions) throws
    -> JSON
  {
    try read { db in
      let filter = repository == nil ? "" : "AND r.name = ?"
      var arguments: StoreArguments = [registryId]
      if let repository { arguments += [repository] }
      let rows = try db.rows(
        """
        SELECT m.*, r.name AS repositoryName FROM manifest m JOIN repository r ON r.id = m.repositoryId
        WHERE r.registryId = ? \(filter) AND m.goneAt IS NULL AND r.goneAt IS NULL
        \(options.orderClause) \(options.limitClause)
        """, arguments)
      let ids = try rows.map { try $0["id"] as Int64 }
      let layers = try Self.groupedLayers(db, manifestIds: ids)
      let children = try Self.groupedChildren(db, manifestIds: ids)
      let parents = try Self.referencingManifests(db, registryId: registryId)
      return .array(
        try rows.map { row in
          let id: Int64 = try row["id"]
          let digest: String = try row["digest"]
          var item = JSONObject()
          if repository == nil { item["repository"] = .string(try row["repositoryName"]) }
          item["digest"] = .string(digest)
          item["mediaType"] = .string(try row["mediaType"])
          item["imageSize"] = .int(try row["imageSize"])
          item["manifestSize"] = .int(try row["size"])
          item["createdTime"] = .string(
            try row["registryCreated"] ?? row["configCreated"] ?? row["firstSeen"])
          item["lastUpdateTime"] = .string(try row["timestamp"])
          item["timestampSource"] = .string(try row["timestampSource"])
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
          item["firstSeen"] = .string(try row["firstSeen"])
          item["lastSeen"] = .string(try row["lastSeen"])
          if let attributes: String = row["changeableAttributes"],
            let value = try? JSONReader.parse(attributes)
          {
            item["changeableAttributes"] = value
          }
          return .object(item)
        })
    }
  }

  /// The stored tab-separated tag list as a JSON array (split on bytes: no grapheme
  /// breaking for a million rows).
  static func tagArray(_ list: String) -> JSON { TagList.document(list) }

  static func groupedLayers(_ db: any StoreConnection, manifestIds: [Int64]) throws -> [Int64:
    [JSON]]
  {
    var grouped: [Int64: [JSON]] = [:]
    for batch in batches(manifestIds) {
      for row in try db.rows(
        """
        SELECT manifestId, digest, size, mediaType FROM layer
        WHERE manifestId IN \(placeholders(batch.count)) AND position >= 0
        ORDER BY manifestId, position
        """, arguments([], batch))
      {
        grouped[try row[0], default: []].append(
          .object([
            "digest": .string(try row[1]), "size": .int(try row[2]),
            "mediaType": .string(try row[3]),
          ]))
      }
    }
    return grouped
  }

  static func groupedChildren(_ db: any StoreConnection, manifestIds: [Int64]) throws -> [Int64:
    [JSON]]
  {
    var grouped: [Int64: [JSON]] = [:]
    for batch in batches(manifestIds) {
      for row in try db.rows(
        """
        SELECT manifestId, digest, mediaType, size, platform FROM child
        WHERE manifestId IN \(placeholders(batch.count)) ORDER BY manifestId, position
        """, arguments([], batch))
      {
        var child: JSONObject = [
          "digest": .string(try row[1]), "mediaType": .string(try row[2]), "size": .int(try row[3]),
        ]
        if let platform: String = row[4] { child["platform"] = .string(platform) }
        grouped[try row[0], default: []].append(.object(child))
      }
    }
    return grouped
  }

  /// digest → the live manifests that list it as an index child or name it as their subject.
  static func referencingManifests(_ db: any StoreConnection, registryId: Int64) throws -> [String:
    [String]]
  {
    var parents: [String: [String]] = [:]
    for row in try db.rows(
      """
      SELECT c.digest, m.digest FROM child c JOIN manifest m ON m.id = c.manifestId
      JOIN repository r ON r.id = m.repositoryId WHERE r.registryId = ? AND m.goneAt IS NULL
      UNION
      SELECT m.subjectDigest, m.digest FROM manifest m JOIN repository r ON r.id = m.repositoryId
      WHERE r.registryId = ? AND m.subjectDigest IS NOT NULL AND m.goneAt IS NULL
      ORDER BY 1, 2
      """, [registryId, registryId])
    {
      parents[try row[0], default: []].append(try row[1])
    }
    return parents
  }
}
