import Foundation
import JMESPath

/// The one entry point through which a store answers the pushed-down part of a query. The
/// SQLite store is the only one now; a PostgreSQL store implements the same (docs/architecture.md).
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
    if try declines(sql) { return .declined("a manifest makes the expression raise an error") }
    if query.countOnly, query.slice == nil, !query.projectionCanBeNull {
      let counts = try inChunks(sql) { chunk, db in try Self.fetchInteger(chunk.count(), db) }
      return .count(Int(counts.reduce(0, +)))
    }
    let chunks = try inChunks(sql) { chunk, db -> [JSON] in
      var positions: Range<Int>?
      if let slice = query.slice {
        positions = slice.positions(count: Int(try Self.fetchInteger(chunk.count(), db)))
        if positions!.isEmpty { return [] }
      }
      let statement = chunk.rows(positions: positions)
      var items: [JSON] = []
      if query.projection == .document {
        try Self.forEachSummary(
          statement.sql, Self.arguments(statement), in: db, withRepository: query.repository == nil
        ) { items.append($0) }
      } else {
        try Self.appendProjections(
          of: statement, in: db, projection: query.projection, to: &items)
      }
      return items
    }
    let items = chunks.count == 1 ? chunks[0] : Array(chunks.joined())
    return query.countOnly ? .count(items.count) : .documents(items)
  }

  public func filterDocuments(_ query: ListingQuery, keep: @Sendable (JSON) throws -> JSON?)
    throws -> [JSON]?
  {
    let sql = ListingSQL(query, dialect: listingDialect)
    if try declines(sql) { return nil }
    let chunks = try inChunks(sql) { chunk, db -> [JSON] in
      var positions: Range<Int>?
      if let slice = query.slice {
        positions = slice.positions(count: Int(try Self.fetchInteger(chunk.count(), db)))
        if positions!.isEmpty { return [] }
      }
      var kept: [JSON] = []
      let statement = chunk.rows(positions: positions)
      try Self.forEachSummary(
        statement.sql, Self.arguments(statement), in: db, withRepository: query.repository == nil
      ) {
        if let value = try keep($0) { kept.append(value) }
      }
      return kept
    }
    return chunks.count == 1 ? chunks[0] : Array(chunks.joined())
  }

  /// Whether a manifest would make the interpreter raise an error (the store declines).
  func declines(_ sql: ListingSQL) throws -> Bool {
    guard sql.query.failsOn != .constant(false) else { return false }
    return try read { db in
      try db.readingFewPages { try Self.fetchInteger(sql.failure(), db) != 0 }
    }
  }

  /// `body` over the listing: on one connection, or — for every repository in the
  /// listing's own order, unsorted and unsliced — over chunks of repositories on several
  /// connections at once (WAL allows concurrent readers), results in repository order.
  /// A chunk's error is thrown only after every earlier chunk succeeded, so the error is
  /// the one a single pass in order meets first.
  func inChunks<T: Sendable>(
    _ sql: ListingSQL, _ body: @Sendable (ListingSQL, any StoreConnection) throws -> T
  ) throws -> [T] {
    let query = sql.query
    let chunkable =
      query.repository == nil && query.sortKey == nil && query.slice == nil
      && query.listingOrder == nil
    let repositoryChunks = chunkable ? try repositoryChunks(registryId: query.registryId) : []
    guard repositoryChunks.count > 1 else {
      return [try read { db in try db.readingFewPages { try body(sql, db) } }]
    }
    let chunks = repositoryChunks.map { ids in
      var chunk = sql
      chunk.repositoryIds = ids
      return chunk
    }
    return try readConcurrently(chunks) { chunk, db in
      try db.readingFewPages { try body(chunk, db) }
    }
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

  /// Steps (repository, digest, tagList, timestamp) rows into projected values, dropping
  /// the null ones as a JMESPath projection does.
  static func appendProjections(
    of statement: ListingSQL.Statement, in db: any StoreConnection,
    projection: ListingQuery.Projection, to items: inout [JSON]
  ) throws {
    try db.visit(statement.sql, arguments(statement)) { row in
      func value(_ field: ListingQuery.Field) -> JSON {
        switch field {
        case .repository: .string(row.text(0) ?? "")
        case .digest: .string(row.text(1) ?? "")
        case .tags: row.isNull(2) ? .null : tagArray(row.text(2) ?? "")
        case .timestamp: .string(row.text(3) ?? "")
        }
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
  var projectionCanBeNull: Bool { projection == .field(.tags) }
}
