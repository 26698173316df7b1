import Foundation
import JMESPath

/// The one entry point through which a store answers the pushed-down part of a query, on
/// either backend: the SQL comes from `ListingSQL` in the backend's `ListingDialect`.
public protocol ListingStore {
  /// The SQL dialect `--explain` shows and `ListingSQL` writes in.
  var listingDialect: any ListingDialect { get }
  /// The answer to `query`, equal to what the interpreter computes over the documents.
  func answer(_ query: ListingQuery) throws -> ListingAnswer
  /// `keep` applied to each whole document `query` keeps (its projection and count are
  /// the caller's), the non-nil results in the query's order; nil when the store declines
  /// as `answer` would. `keep` may run on several threads at once, but what it returns and
  /// the first error it throws are those of one pass in order.
  func filterDocuments(_ query: ListingQuery, keep: @Sendable (JSON) throws -> JSON?) throws
    -> [JSON]?
}

extension MetadataStore: ListingStore {
  public var listingDialect: any ListingDialect { dialect.listing }

  public func answer(_ query: ListingQuery) throws -> ListingAnswer {
    let sql = ListingSQL(query, dialect: listingDialect)
    let declined = ListingAnswer.declined("an item makes the expression raise an error")
    if query.countOnly, query.slice == nil, !query.projectionCanBeNull {
      guard
        let counts = try consistentRead(
          sql,
          { chunk, db in
            try Self.fetchInteger(chunk.count(), db)
          })
      else { return declined }
      return .count(Int(counts.reduce(0, +)))
    }
    let read = try consistentRead(sql) { chunk, db -> [JSON] in
      var positions: Range<Int>?
      if let slice = query.slice {
        positions = slice.positions(count: Int(try Self.fetchInteger(chunk.count(), db)))
        if positions!.isEmpty { return [] }
      }
      let statement = chunk.rows(positions: positions)
      var items: [JSON] = []
      if query.projection == .document {
        try Self.forEachDocument(of: statement, in: db, query: query) { items.append($0) }
      } else {
        try Self.appendProjections(
          of: statement, in: db, source: query.source, projection: query.projection, to: &items)
      }
      return items
    }
    guard let chunks = read else { return declined }
    let items = chunks.count == 1 ? chunks[0] : Array(chunks.joined())
    return query.countOnly ? .count(items.count) : .documents(items)
  }

  public func filterDocuments(_ query: ListingQuery, keep: @Sendable (JSON) throws -> JSON?)
    throws -> [JSON]?
  {
    let sql = ListingSQL(query, dialect: listingDialect)
    let read = try consistentRead(sql) { chunk, db -> [JSON] in
      var positions: Range<Int>?
      if let slice = query.slice {
        positions = slice.positions(count: Int(try Self.fetchInteger(chunk.count(), db)))
        if positions!.isEmpty { return [] }
      }
      var kept: [JSON] = []
      let statement = chunk.rows(positions: positions)
      try Self.forEachDocument(of: statement, in: db, query: query) {
        if let value = try keep($0) { kept.append(value) }
      }
      return kept
    }
    guard let chunks = read else { return nil }
    return chunks.count == 1 ? chunks[0] : Array(chunks.joined())
  }

  static func arguments(_ statement: ListingSQL.Statement) -> StoreArguments {
    StoreArguments(
      values: statement.arguments.map { argument in
        switch argument {
        case .integer(let value): .integer(value)
        case .text(let value): .text(value)
        }
      })
  }

  static func fetchInteger(_ statement: ListingSQL.Statement, _ db: any StoreConnection) throws
    -> Int64
  {
    try db.scalar(Int64.self, statement.sql, arguments(statement)) ?? 0
  }

  /// Steps the rows of `ListingSQL.columns` into projected values, dropping the null ones
  /// as a JMESPath projection does.
  static func appendProjections(
    of statement: ListingSQL.Statement, in db: any StoreConnection, source: ListingQuery.Source,
    projection: ListingQuery.Projection, to items: inout [JSON]
  ) throws {
    try db.visit(statement.sql, arguments(statement)) { row in
      func value(_ field: ListingQuery.Field) -> JSON {
        let column = Int(ListingSQLColumn.position(field, in: source))
        // Only a manifest's tags may be null (untagged); every other field is a string.
        if field == .tags {
          return row.isNull(column) ? .null : tagArray(row.text(column) ?? "")
        }
        return .string(row.text(column) ?? "")
      }
      switch projection {
      case .document: break
      case .field(let field):
        let projected = value(field)
        if case .null = projected { return }
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
  public var projectionCanBeNull: Bool { projection == .field(.tags) }
}
