import GRDB
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
    return try read { db in
      let filter = repository == nil ? "" : "AND r.name = ?"
      var arguments: StatementArguments = [registryId]
      if let repository { arguments += [repository] }
      let statement = try db.cachedStatement(
        sql: """
          SELECT r.name, m.digest, m.tagList, m.timestamp FROM manifest m
          JOIN repository r ON r.id = m.repositoryId
          WHERE r.registryId = ? \(filter) AND m.goneAt IS NULL AND r.goneAt IS NULL
          \(options.orderClause) \(options.limitClause)
          """)
      // Every item has the same keys: copying one template shares the key storage.
      let template: JSONObject =
        repository == nil
        ? ["digest": .null, "repository": .null, "tags": .null, "timestamp": .null]
        : ["digest": .null, "tags": .null, "timestamp": .null]
      var items: [JSON] = []
      let rows = try Row.fetchCursor(statement, arguments: arguments)
      while let row = try rows.next() {
        var item = template
        var i = 0
        item.values[i] = .string(row[1])
        i += 1
        if repository == nil {
          item.values[i] = .string(row[0])
          i += 1
        }
        let tagList: String? = row[2]
        item.values[i] =
          tagList.map { list in .array(list.split(separator: "\t").map { .string(String($0)) }) }
          ?? .null
        item.values[i + 1] = .string(row[3])
        items.append(.object(item))
      }
      return .array(items)
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
            item["tags"] = .array(tagList.split(separator: "\t").map { .string(String($0)) })
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
