import GRDB
import GRDBSQLite
import JMESPath

/// The one entry point through which a store answers the pushed-down part of a query. The
/// SQLite store is the only one now; a PostgreSQL store implements the same (docs/architecture.md).
public protocol ListingStore {
  /// The SQL dialect `--explain` shows and `ListingSQL` writes in.
  var listingDialect: any ListingDialect { get }
  /// The answer to `query`, equal to what the interpreter computes over the documents.
  func answer(_ query: ListingQuery) throws -> ListingAnswer
  /// The whole documents `query` keeps, in its order, handed over one at a time (its
  /// projection and count are the caller's); false, with nothing handed over, when the
  /// store declines as `answer` would.
  func forEachDocument(_ query: ListingQuery, _ body: (JSON) throws -> Void) throws -> Bool
}

extension MetadataStore: ListingStore {
  public var listingDialect: any ListingDialect { SQLiteListingDialect() }

  public func answer(_ query: ListingQuery) throws -> ListingAnswer {
    let sql = ListingSQL(query, dialect: listingDialect)
    return try read { db in
      if query.failsOn != .constant(false), try Self.fetchInteger(sql.failure(), db) != 0 {
        return .declined("a manifest makes the expression raise an error")
      }
      if query.countOnly, query.slice == nil, !query.projectionCanBeNull {
        return .count(Int(try Self.fetchInteger(sql.count(), db)))
      }
      var positions: Range<Int>?
      if let slice = query.slice {
        positions = slice.positions(count: Int(try Self.fetchInteger(sql.count(), db)))
        if positions!.isEmpty { return query.countOnly ? .count(0) : .documents([]) }
      }
      let statement = try Self.prepare(sql.rows(positions: positions), db)
      var items: [JSON] = []
      if query.projection == .document {
        try Self.appendSummaries(
          of: statement, in: db, withRepository: query.repository == nil, to: &items)
      } else {
        try Self.appendProjections(of: statement, in: db, projection: query.projection, to: &items)
      }
      return query.countOnly ? .count(items.count) : .documents(items)
    }
  }

  public func forEachDocument(_ query: ListingQuery, _ body: (JSON) throws -> Void) throws
    -> Bool
  {
    let sql = ListingSQL(query, dialect: listingDialect)
    return try read { db in
      if query.failsOn != .constant(false), try Self.fetchInteger(sql.failure(), db) != 0 {
        return false
      }
      var positions: Range<Int>?
      if let slice = query.slice {
        positions = slice.positions(count: Int(try Self.fetchInteger(sql.count(), db)))
        if positions!.isEmpty { return true }
      }
      let statement = try Self.prepare(sql.rows(positions: positions), db)
      try Self.forEachSummary(of: statement, in: db, withRepository: query.repository == nil, body)
      return true
    }
  }

  static func prepare(_ statement: ListingSQL.Statement, _ db: Database) throws -> Statement {
    let prepared = try db.makeStatement(sql: statement.sql)
    try prepared.setArguments(
      StatementArguments(
        statement.arguments.map { argument -> (any DatabaseValueConvertible) in
          switch argument {
          case .integer(let value): value
          case .text(let value): value
          }
        }))
    return prepared
  }

  static func fetchInteger(_ statement: ListingSQL.Statement, _ db: Database) throws -> Int64 {
    try Int64.fetchOne(try prepare(statement, db)) ?? 0
  }

  /// Steps (repository, digest, tagList, timestamp) rows into projected values, dropping
  /// the null ones as a JMESPath projection does.
  static func appendProjections(
    of statement: Statement, in db: Database, projection: ListingQuery.Projection,
    to items: inout [JSON]
  ) throws {
    let handle = statement.sqliteStatement
    defer { sqlite3_reset(handle) }
    func value(_ field: ListingQuery.Field) -> JSON {
      switch field {
      case .repository: .string(text(handle, 0))
      case .digest: .string(text(handle, 1))
      case .tags:
        sqlite3_column_type(handle, 2) == SQLITE_NULL ? .null : tagArray(text(handle, 2))
      case .timestamp: .string(text(handle, 3))
      }
    }
    while true {
      let step = sqlite3_step(handle)
      if step == SQLITE_DONE { break }
      guard step == SQLITE_ROW else {
        throw DatabaseError(
          resultCode: ResultCode(rawValue: step),
          message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
      }
      switch projection {
      case .document: break
      case .field(let field):
        let projected = value(field)
        if case .null = projected { continue }
        items.append(projected)
      case .list(let fields): items.append(.array(fields.map(value)))
      case .hash(let pairs):
        var object = JSONObject(minimumCapacity: pairs.count)
        for pair in pairs { object[pair.key] = value(pair.field) }
        items.append(.object(object))
      }
    }
  }
}

extension ListingQuery {
  /// Only a projection of the tags can be null (an untagged manifest), and is then dropped.
  var projectionCanBeNull: Bool { projection == .field(.tags) }
}
