import Foundation
import GRDB
import GRDBSQLite

/// A GRDB connection inside a transaction, behind the seam. Statements are cached per
/// connection, and the hot loops step them by hand, reading columns straight from SQLite.
final class SQLiteConnection: StoreConnection {
  let db: Database
  var dialect: StoreDialect { SQLiteBackend.sqliteDialect }

  init(_ db: Database) { self.db = db }

  func execute(_ sql: String, _ arguments: StoreArguments) throws -> Int {
    let statement = try db.cachedStatement(sql: sql)
    try statement.execute(arguments: Self.bind(arguments))
    return db.changesCount
  }

  func rows(_ sql: String, _ arguments: StoreArguments) throws -> [StoreRow] {
    let statement = try db.cachedStatement(sql: sql)
    var columns: [String: Int] = [:]
    for (i, name) in statement.columnNames.enumerated().reversed() {
      columns[name.lowercased()] = i
    }
    var rows: [StoreRow] = []
    try visit(statement, arguments) { cursor in
      rows.append(
        StoreRow(values: (0..<statement.columnCount).map { cursor.value($0) }, columns: columns))
    }
    return rows
  }

  func visit(
    _ sql: String, _ arguments: StoreArguments, _ body: (any StoreCursor) throws -> Void
  ) throws {
    try visit(try db.cachedStatement(sql: sql), arguments, body)
  }

  private func visit(
    _ statement: Statement, _ arguments: StoreArguments, _ body: (any StoreCursor) throws -> Void
  ) throws {
    try statement.setArguments(Self.bind(arguments))
    let handle = statement.sqliteStatement
    defer { sqlite3_reset(handle) }
    let cursor = SQLiteCursor(handle: handle, columnCount: Int(sqlite3_column_count(handle)))
    while true {
      let step = sqlite3_step(handle)
      if step == SQLITE_DONE { break }
      guard step == SQLITE_ROW else {
        throw DatabaseError(
          resultCode: ResultCode(rawValue: step),
          message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
      }
      try body(cursor)
    }
  }

  func executeEach(_ sql: String, _ argumentLists: [StoreArguments]) throws {
    guard !argumentLists.isEmpty else { return }
    let statement = try db.cachedStatement(sql: sql)
    for arguments in argumentLists { try statement.execute(arguments: Self.bind(arguments)) }
  }

  /// A pushed-down query touches a few pages of a large file, and the map's readahead
  /// made those count as a gigabyte of resident memory (1.3 GB for a count over a
  /// million manifests, 6 MB without it, and no slower).
  func readingFewPages<T>(_ body: () throws -> T) throws -> T {
    let previous = try Int64.fetchOne(db, sql: "PRAGMA mmap_size") ?? 0
    try db.execute(sql: "PRAGMA mmap_size = 0")
    defer { try? db.execute(sql: "PRAGMA mmap_size = \(previous)") }
    return try body()
  }

  static func bind(_ arguments: StoreArguments) -> StatementArguments {
    StatementArguments(
      arguments.values.map { value -> DatabaseValue in
        switch value {
        case .null: .null
        case .integer(let n): n.databaseValue
        case .real(let x): x.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let data): data.databaseValue
        }
      })
  }
}

/// The current row of a stepped statement.
struct SQLiteCursor: StoreCursor {
  let handle: OpaquePointer
  let columnCount: Int

  func isNull(_ column: Int) -> Bool { sqlite3_column_type(handle, Int32(column)) == SQLITE_NULL }

  func int64(_ column: Int) -> Int64 { sqlite3_column_int64(handle, Int32(column)) }

  func text(_ column: Int) -> String? {
    guard let text = sqlite3_column_text(handle, Int32(column)) else { return nil }
    return String(
      decoding: UnsafeBufferPointer(
        start: text, count: Int(sqlite3_column_bytes(handle, Int32(column)))),
      as: UTF8.self)
  }

  func withText<R>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    guard let text = sqlite3_column_text(handle, Int32(column)) else {
      return try body(UnsafeBufferPointer(start: nil, count: 0))
    }
    return try body(
      UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, Int32(column)))))
  }

  func value(_ column: Int) -> StoreValue {
    let c = Int32(column)
    switch sqlite3_column_type(handle, c) {
    case SQLITE_NULL: return .null
    case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, c))
    case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, c))
    case SQLITE_BLOB:
      let count = Int(sqlite3_column_bytes(handle, c))
      guard let bytes = sqlite3_column_blob(handle, c), count > 0 else { return .blob(Data()) }
      return .blob(Data(bytes: bytes, count: count))
    default: return .text(text(column) ?? "")
    }
  }
}
