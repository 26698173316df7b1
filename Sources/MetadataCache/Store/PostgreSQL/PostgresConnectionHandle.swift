import Foundation
import Logging
import NIOCore
import PostgresNIO

/// One PostgreSQL connection behind the seam. The shared SQL's `?` placeholders become
/// `$1, $2, …` here, and integers, texts and bytes are bound in binary.
final class PostgresConnectionHandle: StoreConnection {
  let connection: PostgresConnection
  let store: String
  var dialect: StoreDialect { PostgresBackend.postgresDialect }
  private static let logger = Logger(label: "regsh.store")

  /// Whether the handle serves one of the backend's transactions: a cursor lives only in
  /// one (the action lock's connection and the migrations' run outside).
  let inTransaction: Bool

  init(_ connection: PostgresConnection, store: String, inTransaction: Bool = false) {
    self.connection = connection
    self.store = store
    self.inTransaction = inTransaction
  }

  func execute(_ sql: String, _ arguments: StoreArguments) throws -> Int {
    try run(sql, arguments).metadata.rows ?? 0
  }

  func rows(_ sql: String, _ arguments: StoreArguments) throws -> [StoreRow] {
    let result = try run(sql, arguments)
    guard let first = result.rows.first else { return [] }
    var columns: [String: Int] = [:]
    for (i, cell) in first.enumerated().reversed() { columns[cell.columnName.lowercased()] = i }
    return result.rows.map { row in
      StoreRow(values: row.map(PostgresCursor.value), columns: columns)
    }
  }

  /// Visits the answer through a server-side cursor, `visitBatch` rows at a time: a
  /// visit is how a million manifests are read, and postgres-nio's query collects its whole
  /// answer first, which held every row twice (the answer, then what the visitor builds).
  func visit(
    _ sql: String, _ arguments: StoreArguments, _ body: (any StoreCursor) throws -> Void
  ) throws {
    // A cursor is declared over a query in a transaction only; an INSERT … RETURNING, or
    // a statement outside a transaction, is answered whole.
    guard inTransaction, Self.isQuery(sql) else {
      for row in try run(sql, arguments).rows { try body(PostgresCursor(cells: Array(row))) }
      return
    }
    cursors += 1
    let name = "regsh_visit_\(cursors)"
    _ = try run("DECLARE \(name) NO SCROLL CURSOR FOR \(sql)", arguments)
    while true {
      let batch = try run("FETCH FORWARD \(Self.visitBatch) FROM \(name)", [])
      var count = 0
      for row in batch.rows {
        count += 1
        try body(PostgresCursor(cells: Array(row)))
      }
      if count < Self.visitBatch { break }
    }
    _ = try run("CLOSE \(name)", [])
  }

  static func isQuery(_ sql: String) -> Bool {
    let head = sql.drop { $0.isWhitespace || $0 == "(" }.prefix(6).uppercased()
    return head.hasPrefix("SELECT") || head.hasPrefix("VALUES")
  }

  /// Rows per FETCH: large enough that the round trips cost nothing beside the rows
  /// (200 for a million), small enough that a batch is a few megabytes.
  static let visitBatch = 5_000
  /// Cursors declared on this handle so far, for their names (a visitor may visit again).
  private var cursors = 0

  /// An INSERT of one row of values becomes one INSERT of many rows (up to PostgreSQL's
  /// 65,535 parameters); any other statement is sent once per argument list without
  /// waiting for each answer before sending the next.
  func executeEach(_ sql: String, _ argumentLists: [StoreArguments]) throws {
    guard !argumentLists.isEmpty else { return }
    if let insert = MultiRowInsert(sql) {
      let perStatement = max(1, min(1000, 65_535 / max(1, insert.placeholders)))
      for start in stride(from: 0, to: argumentLists.count, by: perStatement) {
        let batch = argumentLists[start..<min(start + perStatement, argumentLists.count)]
        _ = try run(
          insert.sql(rows: batch.count),
          StoreArguments(values: batch.flatMap(\.values)))
      }
      return
    }
    for start in stride(from: 0, to: argumentLists.count, by: 500) {
      let futures = argumentLists[start..<min(start + 500, argumentLists.count)].map {
        connection.query(Self.query(sql, $0), logger: Self.logger)
      }
      for future in futures {
        do { _ = try answer(future) } catch {
          throw PostgresBackend.storeError(error, store: store)
        }
      }
    }
  }

  func readingFewPages<T>(_ body: () throws -> T) throws -> T { try body() }

  private func run(_ sql: String, _ arguments: StoreArguments) throws -> PostgresQueryResult {
    do {
      return try answer(connection.query(Self.query(sql, arguments), logger: Self.logger))
    } catch {
      throw PostgresBackend.storeError(error, store: store)
    }
  }

  /// The query's answer, or an error as soon as the connection is gone: a query sent on a
  /// connection the server dropped (it stopped, or the network went) was seen to wait
  /// forever, and an action must stop with a clear error instead.
  private func answer<T: Sendable>(_ future: EventLoopFuture<T>) throws -> T {
    let promise = future.eventLoop.makePromise(of: T.self)
    let once = Once()
    future.whenComplete { result in once.run { promise.completeWith(result) } }
    connection.closeFuture.whenComplete { [store] _ in
      once.run {
        promise.fail(
          CacheError.storeUnavailable(
            store: store, reason: "the connection to the server was lost"))
      }
    }
    return try promise.futureResult.wait()
  }

  static func query(_ sql: String, _ arguments: StoreArguments) -> PostgresQuery {
    var bindings = PostgresBindings(capacity: arguments.values.count)
    for value in arguments.values {
      switch value {
      case .null: bindings.appendNull()
      case .integer(let n): bindings.append(n)
      case .real(let x): bindings.append(x)
      case .text(let text): bindings.append(text)
      case .blob(let data): bindings.append(ByteBuffer(bytes: data))
      }
    }
    return PostgresQuery(unsafeSQL: numbered(sql), binds: bindings)
  }

  /// `?` → `$1, $2, …`, outside quoted literals and names.
  static func numbered(_ sql: String) -> String {
    var out = ""
    out.reserveCapacity(sql.utf8.count + 16)
    var n = 0
    var quote: Character?
    for character in sql {
      if let open = quote {
        if character == open { quote = nil }
        out.append(character)
      } else if character == "'" || character == "\"" {
        quote = character
        out.append(character)
      } else if character == "?" {
        n += 1
        out += "$\(n)"
      } else {
        out.append(character)
      }
    }
    return out
  }
}

/// Runs the first of several callbacks only: a promise is completed once.
final class Once: @unchecked Sendable {
  private var done = false
  private let lock = NSLock()
  func run(_ body: () -> Void) {
    let first = lock.withLock {
      defer { done = true }
      return !done
    }
    if first { body() }
  }
}

/// `INSERT INTO t (columns) VALUES (…)` with nothing after the values: the statement that
/// can take many rows at once.
struct MultiRowInsert {
  let head: String
  let tuple: String
  let placeholders: Int

  init?(_ sql: String) {
    let trimmed = sql.trimmingCharacters(in: .whitespacesAndNewlines)
    guard trimmed.uppercased().hasPrefix("INSERT INTO"), trimmed.hasSuffix(")"),
      let values = trimmed.range(of: "VALUES", options: [.caseInsensitive, .backwards])
    else { return nil }
    let tail = trimmed[values.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
    guard tail.hasPrefix("("), !tail.uppercased().contains("RETURNING"),
      !tail.uppercased().contains("ON CONFLICT"), !tail.dropFirst().contains("(")
    else { return nil }
    head = String(trimmed[..<values.lowerBound]) + "VALUES "
    tuple = tail
    placeholders = tail.filter { $0 == "?" }.count
  }

  func sql(rows: Int) -> String {
    head + Array(repeating: tuple, count: rows).joined(separator: ", ")
  }
}

/// A fetched row's cells, read by type as the cursor's caller asks.
struct PostgresCursor: StoreCursor {
  let cells: [PostgresCell]

  func isNull(_ column: Int) -> Bool { cells[column].bytes == nil }

  func int64(_ column: Int) -> Int64 {
    if case .integer(let n) = Self.value(cells[column]) { return n }
    return 0
  }

  func text(_ column: Int) -> String? {
    guard let bytes = cells[column].bytes else { return nil }
    if cells[column].dataType == .text || cells[column].dataType == .varchar {
      return String(buffer: bytes)
    }
    return String.decode(Self.value(cells[column]))
  }

  func withText<R>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    guard let bytes = cells[column].bytes else {
      return try body(UnsafeBufferPointer(start: nil, count: 0))
    }
    return try bytes.withUnsafeReadableBytes { raw in
      try body(raw.bindMemory(to: UInt8.self))
    }
  }

  func value(_ column: Int) -> StoreValue { Self.value(cells[column]) }

  /// A cell as the seam's value; booleans as 0 and 1, as SQLite gives them.
  static func value(_ cell: PostgresCell) -> StoreValue {
    guard var bytes = cell.bytes else { return .null }
    switch cell.dataType {
    case .int8: return bytes.readInteger(as: Int64.self).map(StoreValue.integer) ?? .null
    case .int4: return bytes.readInteger(as: Int32.self).map { .integer(Int64($0)) } ?? .null
    case .int2: return bytes.readInteger(as: Int16.self).map { .integer(Int64($0)) } ?? .null
    case .bool: return .integer(bytes.readInteger(as: UInt8.self) == 0 ? 0 : 1)
    case .bytea: return .blob(Data(bytes.readableBytesView))
    case .float8, .float4, .numeric:
      if let x = try? cell.decode(Double.self) { return .real(x) }
      if let d = try? cell.decode(Decimal.self) {
        return .real(NSDecimalNumber(decimal: d).doubleValue)
      }
      return .null
    default: return .text(String(buffer: bytes))
    }
  }
}
