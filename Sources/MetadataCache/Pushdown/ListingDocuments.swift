import JMESPath

/// The documents of a pushed-down listing, built from the rows `ListingSQL.rows` selects,
/// exactly as the listing's own reads build them (`manifestDocuments`, `tagDocuments`,
/// `repositoryDocuments`): the differential test holds the two to the same bytes.
extension MetadataStore {
  /// Each row of `statement` as the listing's document, in order.
  static func forEachDocument(
    of statement: ListingSQL.Statement, in db: any StoreConnection, query: ListingQuery,
    _ body: (JSON) throws -> Void
  ) throws {
    switch query.source {
    case .manifests:
      try forEachSummary(
        statement.sql, arguments(statement), in: db, withRepository: query.repository == nil,
        body)
    case .tags(detail: true):
      try db.visit(statement.sql, arguments(statement)) { row in try body(tagRecord(row)) }
    case .tags(detail: false), .repositories:
      try db.visit(statement.sql, arguments(statement)) { row in
        try body(.string(row.text(0) ?? ""))
      }
    }
  }

  /// `tagDocuments`' record of one tag: `{name, digest, createdTime, lastUpdateTime}`, then
  /// `signed` when known and `changeableAttributes` when they parse.
  static func tagRecord(_ row: any StoreCursor) -> JSON {
    var tag: JSONObject = [
      "name": .string(row.text(0) ?? ""), "digest": .string(row.text(1) ?? ""),
      "createdTime": .string(row.text(2) ?? ""), "lastUpdateTime": .string(row.text(3) ?? ""),
    ]
    if !row.isNull(4) {
      // Stored as 0 or 1 on both backends; any other integer reads as true, as before.
      tag["signed"] = .bool(row.int64(4) != 0)
    }
    if !row.isNull(5), let value = try? JSONReader.parse(row.text(5) ?? "") {
      tag["changeableAttributes"] = value
    }
    return .object(tag)
  }
}
