import Foundation
import MetadataCache
import TestSupport
import Testing

/// The backends one suite runs against: the SQLite file always, and a fresh database on
/// a PostgreSQL server the tests start (TestPostgres) wherever PostgreSQL is installed —
/// always under CI, where a missing server fails instead.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
  case sqlite, postgresql

  static let available: [StoreKind] = TestPostgres.enabled ? [.sqlite, .postgresql] : [.sqlite]

  var testDescription: String { rawValue }

  /// A new, empty store of this kind; the SQLite file in `home`.
  func makeStore(home: URL) throws -> MetadataStore {
    try MetadataStore(address: try address(home: home))
  }

  /// Where a new, empty store of this kind is (what REGSH_STORE takes).
  func address(home: URL) throws -> StoreAddress {
    switch self {
    case .sqlite: .sqlite(home.appendingPathComponent("cache.sqlite"))
    case .postgresql: try StoreAddress(parsing: try TestPostgres.freshDatabase())
    }
  }
}
