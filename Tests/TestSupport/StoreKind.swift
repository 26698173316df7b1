import Foundation
import MetadataCache
import Testing

/// The backends one suite runs against: the SQLite file always, and a fresh database on
/// a PostgreSQL server the tests start (TestPostgres) wherever PostgreSQL is installed —
/// always under CI, where a missing server fails instead. Shared by every test target that
/// runs a suite over both backends.
public enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
  case sqlite, postgresql

  public static let available: [StoreKind] =
    TestPostgres.enabled ? [.sqlite, .postgresql] : [.sqlite]

  public var testDescription: String { rawValue }

  /// A new, empty store of this kind; the SQLite file in `home`.
  public func makeStore(home: URL) throws -> MetadataStore {
    try MetadataStore(address: try address(home: home))
  }

  /// Where a new, empty store of this kind is (what REGSH_STORE takes).
  public func address(home: URL) throws -> StoreAddress {
    switch self {
    case .sqlite: .sqlite(home.appendingPathComponent("cache.sqlite"))
    case .postgresql: try StoreAddress(parsing: try TestPostgres.freshDatabase())
    }
  }
}
