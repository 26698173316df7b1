import Foundation

/// The one storage seam of the cache (DESIGN.md): everything in `MetadataStore+…` is written
/// once against these protocols, in the SQL that SQLite and PostgreSQL share (`?`
/// placeholders, `ON CONFLICT … DO UPDATE`, `RETURNING`). What only one backend spells its
/// own way comes from its `StoreDialect`; the rest lives in `Store/SQLite` and
/// `Store/PostgreSQL`.
protocol StoreBackend: Sendable {
  /// What `store status` and errors call the store: the SQLite file's path, or the
  /// PostgreSQL URL without its password.
  var description: String { get }
  var dialect: StoreDialect { get }
  /// `body` in a read transaction: one consistent snapshot.
  func read<T>(_ body: (any StoreConnection) throws -> T) throws -> T
  /// `body` in a write transaction, committed when it returns, rolled back when it throws.
  /// Writers take turns (as SQLite's one writer does), so concurrent syncs converge.
  func write<T>(_ body: (any StoreConnection) throws -> T) throws -> T
  /// The lock one delete, purge or policy apply of `registry` holds while it acts, so two
  /// clients never act on one digest at once. When another holds it: wait for it with
  /// `wait`, else `ActionLockBusy` at once.
  func actionLock(registry: String, wait: Bool) throws -> any ActionLock
  /// The schema version the store is at.
  func schemaVersion() throws -> Int
  /// The bytes the store takes on disk.
  func size() throws -> Int64
}

/// Held while an action runs; released by `release()` or when the holder goes away
/// (deinit, or the process or its connection ending).
public protocol ActionLock: AnyObject, Sendable {
  func release()
}

/// Another client holds the registry's action lock.
public struct ActionLockBusy: Error, CustomStringConvertible, Sendable {
  public let registry: String
  public let holder: String
  public var description: String {
    "another purge or delete of registry '\(registry)' is running (it holds \(holder)); nothing was done — run this one when it ends"
  }
}

/// One connection inside a transaction.
protocol StoreConnection: AnyObject {
  var dialect: StoreDialect { get }
  /// Runs one statement; the number of rows it changed.
  @discardableResult func execute(_ sql: String, _ arguments: StoreArguments) throws -> Int
  /// Every row of a query.
  func rows(_ sql: String, _ arguments: StoreArguments) throws -> [StoreRow]
  /// Each row of a query in turn, read through `StoreCursor`'s typed columns without
  /// building a row: the hot loops over a million manifests.
  func visit(_ sql: String, _ arguments: StoreArguments, _ body: (any StoreCursor) throws -> Void)
    throws
  /// Runs one statement once per argument list, as fast as the backend can (one prepared
  /// statement on SQLite; batches of statements per round trip on PostgreSQL).
  func executeEach(_ sql: String, _ argumentLists: [StoreArguments]) throws
  /// `body` reading through the page cache, not a memory map (SQLite's concern only).
  func readingFewPages<T>(_ body: () throws -> T) throws -> T
}

extension StoreConnection {
  @discardableResult func execute(_ sql: String) throws -> Int { try execute(sql, []) }

  func row(_ sql: String, _ arguments: StoreArguments = []) throws -> StoreRow? {
    try rows(sql, arguments).first
  }

  /// The first column of the first row, nil when there is none or it is NULL.
  func scalar<T: StoreDecodable>(
    _ type: T.Type = T.self, _ sql: String, _ arguments: StoreArguments = []
  ) throws -> T? {
    var value: T?
    try visit(sql, arguments) { cursor in
      if value == nil { value = T.decode(cursor.value(0)) }
    }
    return value
  }

  /// The first column of every row.
  func column<T: StoreDecodable>(
    _ type: T.Type = T.self, _ sql: String, _ arguments: StoreArguments = []
  ) throws -> [T] {
    var values: [T] = []
    try visit(sql, arguments) { cursor in
      if let value = T.decode(cursor.value(0)) { values.append(value) }
    }
    return values
  }
}

/// A row being visited: typed access to its columns, valid only inside the visit.
protocol StoreCursor {
  func isNull(_ column: Int) -> Bool
  func int64(_ column: Int) -> Int64
  /// The text in `column`, nil when NULL.
  func text(_ column: Int) -> String?
  /// The bytes of the text in `column` (empty when NULL), without making a String.
  func withText<R>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R
  func value(_ column: Int) -> StoreValue
}

extension StoreCursor {
  /// The text in `column`, reusing `cache`'s String while the bytes repeat (media types
  /// and first-seen times repeat from row to row: one sync stamps many).
  func text(_ column: Int, repeating cache: inout RepeatedText) -> String {
    withText(column) { now in
      if !now.elementsEqual(cache.bytes) {
        cache.bytes = Array(now)
        cache.last = String(decoding: now, as: UTF8.self)
      }
      return cache.last
    }
  }
}

/// The last text a column held, for `StoreCursor.text(_:repeating:)`.
struct RepeatedText {
  var bytes: [UInt8] = []
  var last = ""
}

/// How one backend spells what the shared SQL cannot say the same way on both.
struct StoreDialect: Sendable {
  /// `store status`'s backend name: `sqlite` or `postgresql`.
  var name: String
  /// Names the index a query must use (SQLite's `INDEXED BY`); empty where the planner
  /// chooses well by itself.
  var indexedBy: @Sendable (String) -> String
  /// Tells the planner to scan the table (SQLite's `NOT INDEXED`).
  var notIndexed: String
  /// What makes the table's own id counter go on after ids written explicitly (nil where
  /// the next id follows the largest by itself, as in SQLite).
  var afterExplicitIds: @Sendable (String) -> String? = { _ in nil }
  /// The listing dialect of the pushed-down queries.
  var listing: any ListingDialect
}

/// A value bound to a placeholder or read from a column.
enum StoreValue: Sendable, Hashable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  case blob(Data)
}

/// What can be bound to a `?`.
protocol StoreBindable {
  var storeValue: StoreValue { get }
}

extension String: StoreBindable { var storeValue: StoreValue { .text(self) } }
extension Substring: StoreBindable { var storeValue: StoreValue { .text(String(self)) } }
extension Int64: StoreBindable { var storeValue: StoreValue { .integer(self) } }
extension Int: StoreBindable { var storeValue: StoreValue { .integer(Int64(self)) } }
extension Int32: StoreBindable { var storeValue: StoreValue { .integer(Int64(self)) } }
extension Double: StoreBindable { var storeValue: StoreValue { .real(self) } }
extension Data: StoreBindable { var storeValue: StoreValue { .blob(self) } }
// Booleans are stored as 0 and 1 on both backends, as SQLite has no type for them.
extension Bool: StoreBindable { var storeValue: StoreValue { .integer(self ? 1 : 0) } }
extension StoreValue: StoreBindable { var storeValue: StoreValue { self } }
extension Optional: StoreBindable where Wrapped: StoreBindable {
  var storeValue: StoreValue { self?.storeValue ?? .null }
}

/// The arguments of a statement, in placeholder order: `[registryId, name, nil]`.
struct StoreArguments: ExpressibleByArrayLiteral, Sendable {
  var values: [StoreValue]

  init(arrayLiteral elements: (any StoreBindable)?...) {
    values = elements.map { $0?.storeValue ?? .null }
  }

  init(_ elements: [any StoreBindable]) { values = elements.map(\.storeValue) }

  init(values: [StoreValue]) { self.values = values }

  static func += (left: inout StoreArguments, right: StoreArguments) {
    left.values += right.values
  }

  static func + (left: StoreArguments, right: StoreArguments) -> StoreArguments {
    StoreArguments(values: left.values + right.values)
  }
}

/// What a column's value can be read as.
protocol StoreDecodable {
  static func decode(_ value: StoreValue) -> Self?
}

extension String: StoreDecodable {
  static func decode(_ value: StoreValue) -> String? {
    switch value {
    case .text(let text): text
    case .blob(let data): String(decoding: data, as: UTF8.self)
    case .integer(let n): String(n)
    case .real(let x): String(x)
    case .null: nil
    }
  }
}

extension Int64: StoreDecodable {
  static func decode(_ value: StoreValue) -> Int64? {
    switch value {
    case .integer(let n): n
    case .real(let x): Int64(exactly: x.rounded(.towardZero))
    case .text(let text): Int64(text)
    default: nil
    }
  }
}

extension Int: StoreDecodable {
  static func decode(_ value: StoreValue) -> Int? { Int64.decode(value).map { Int($0) } }
}

extension Bool: StoreDecodable {
  static func decode(_ value: StoreValue) -> Bool? { Int64.decode(value).map { $0 != 0 } }
}

extension Double: StoreDecodable {
  static func decode(_ value: StoreValue) -> Double? {
    switch value {
    case .integer(let n): Double(n)
    case .real(let x): x
    default: nil
    }
  }
}

extension Data: StoreDecodable {
  static func decode(_ value: StoreValue) -> Data? {
    switch value {
    case .blob(let data): data
    case .text(let text): Data(text.utf8)
    default: nil
    }
  }
}

extension StoreValue: StoreDecodable {
  static func decode(_ value: StoreValue) -> StoreValue? { value }
}

/// A fetched row: its values by position or by column name (case-insensitively, as SQL
/// names are: PostgreSQL folds unquoted names to lower case).
struct StoreRow: Sendable {
  var values: [StoreValue]
  /// Lower-cased column name → position, shared by the rows of one result.
  var columns: [String: Int]

  /// The column's value as `T`. A value of another type (a cache edited by hand, a column
  /// damaged on disk) is `CacheError.damaged`, an error the user sees, never a crash.
  subscript<T: StoreDecodable>(_ index: Int) -> T {
    get throws {
      guard let value = T.decode(values[index]) else {
        throw CacheError.damaged(
          "\(Self.describe(values[index])) in column \(index + 1) of a row, where \(T.self) belongs"
        )
      }
      return value
    }
  }

  subscript<T: StoreDecodable>(_ index: Int) -> T? { T.decode(values[index]) }

  subscript<T: StoreDecodable>(_ name: String) -> T {
    get throws {
      guard let index = columns[name.lowercased()] else {
        throw CacheError.damaged("no column \(name)")
      }
      guard let value = T.decode(values[index]) else {
        throw CacheError.damaged(
          "\(Self.describe(values[index])) in column \(name), where \(T.self) belongs")
      }
      return value
    }
  }

  /// A value as an error names it: its kind, not its bytes (a damaged text may be long or
  /// hold anything).
  static func describe(_ value: StoreValue) -> String {
    switch value {
    case .null: "null"
    case .integer: "an integer"
    case .real: "a real number"
    case .text: "text"
    case .blob: "bytes"
    }
  }

  subscript<T: StoreDecodable>(_ name: String) -> T? {
    columns[name.lowercased()].flatMap { T.decode(values[$0]) }
  }

  func value(_ index: Int) -> StoreValue { values[index] }
  func value(_ name: String) -> StoreValue {
    columns[name.lowercased()].map { values[$0] } ?? .null
  }
}
