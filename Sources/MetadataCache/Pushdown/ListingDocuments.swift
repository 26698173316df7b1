import GRDB
import GRDBSQLite
import JMESPath

/// The documents of a pushed-down listing, built from the rows `ListingSQL.rows` selects,
/// exactly as the listing's own reads build them (`manifestDocuments`, `tagDocuments`,
/// `repositoryDocuments`): the differential test holds the two to the same bytes.
extension MetadataStore {
  /// Each row of `statement` as the listing's document, in order.
  static func forEachDocument(
    of statement: Statement, in db: Database, query: ListingQuery, _ body: (JSON) throws -> Void
  ) throws {
    switch query.source {
    case .manifests:
      try forEachSummary(
        of: statement, in: db, withRepository: query.repository == nil, body)
    case .tags(detail: true):
      try forEachRow(of: statement, in: db) { handle in try body(tagRecord(handle)) }
    case .tags(detail: false), .repositories:
      try forEachRow(of: statement, in: db) { handle in try body(.string(text(handle, 0))) }
    }
  }

  /// `tagDocuments`' record of one tag: `{name, digest, createdTime, lastUpdateTime}`, then
  /// `signed` when known and `changeableAttributes` when they parse.
  static func tagRecord(_ handle: OpaquePointer) -> JSON {
    var tag: JSONObject = [
      "name": .string(text(handle, 0)), "digest": .string(text(handle, 1)),
      "createdTime": .string(text(handle, 2)), "lastUpdateTime": .string(text(handle, 3)),
    ]
    if sqlite3_column_type(handle, 4) != SQLITE_NULL {
      // GRDB reads an integer as a Bool by `!= 0`.
      tag["signed"] = .bool(sqlite3_column_int64(handle, 4) != 0)
    }
    if sqlite3_column_type(handle, 5) != SQLITE_NULL,
      let value = try? JSONReader.parse(text(handle, 5))
    {
      tag["changeableAttributes"] = value
    }
    return .object(tag)
  }

  /// Steps `statement`, handing each row's statement handle to `body`.
  static func forEachRow(
    of statement: Statement, in db: Database, _ body: (OpaquePointer) throws -> Void
  ) throws {
    let handle = statement.sqliteStatement
    defer { sqlite3_reset(handle) }
    while true {
      let step = sqlite3_step(handle)
      if step == SQLITE_DONE { break }
      guard step == SQLITE_ROW else {
        throw DatabaseError(
          resultCode: ResultCode(rawValue: step),
          message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
      }
      try body(handle)
    }
  }
}
