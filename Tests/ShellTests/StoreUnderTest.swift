import Foundation
import TestSupport
import Testing

/// The store the walkthrough tests run regsh against: the SQLite file under REGSH_HOME, or
/// a fresh database on the PostgreSQL server the tests start (TestPostgres), through
/// REGSH_STORE — the same walkthrough must print the same on both.
enum StoreUnderTest: String, CaseIterable, CustomTestStringConvertible, Sendable {
  case sqlite, postgresql

  static let available: [StoreUnderTest] =
    TestPostgres.enabled ? [.sqlite, .postgresql] : [.sqlite]

  var testDescription: String { rawValue }

  /// What regsh's environment needs to use a new, empty store of this kind.
  func environment() throws -> [String: String] {
    switch self {
    case .sqlite: [:]
    case .postgresql: ["REGSH_STORE": try TestPostgres.freshDatabase()]
    }
  }
}
