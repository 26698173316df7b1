/// How one SQL backend spells what a `ListingQuery` needs beyond standard SQL. The SQL
/// around it (joins, predicates, order, slices) is written once in `ListingSQL`; a new
/// backend implements this and a `ListingStore` entry point, nothing else.
public protocol ListingDialect: Sendable {
  /// The name `--explain` shows.
  var name: String { get }
  /// The manifest table, aliased `m`, as a listing filtered by `predicate` reads it
  /// (SQLite names the covering index that answers it).
  func manifestTable(for predicate: ListingQuery.Predicate) -> String
  /// The placeholder of the `number`th argument (1-based): `?` or `$1`.
  func placeholder(_ number: Int) -> String
  /// `left op right` between two non-null texts, by code point (UTF-8 byte order).
  func compareText(_ left: String, _ comparison: ListingQuery.Comparison, _ right: String)
    -> String
  /// True (never null) when `needle` occurs in `haystack`; both non-null texts.
  func containsText(_ haystack: String, _ needle: String) -> String
  /// True (never null) when `text` begins with the non-empty `prefix`; both non-null texts.
  func startsWith(_ text: String, _ prefix: String) -> String
  /// A tab character as an SQL expression (the separator of the stored tag list).
  var tab: String { get }
  /// `a || b` for texts.
  func concat(_ parts: [String]) -> String
  /// The first tab-separated part of a non-null text, or the whole text without a tab.
  func firstPart(_ list: String) -> String
  /// `LIMIT n OFFSET m`.
  func limit(_ count: Int, offset: Int) -> String
}

extension ListingDialect {
  /// Standard SQL's spelling (PostgreSQL's among others); SQLite, which has no `POSITION`,
  /// spells it its own way.
  public func startsWith(_ text: String, _ prefix: String) -> String {
    "POSITION(\(prefix) IN \(text)) = 1"
  }
}

/// SQLite's spelling: binary collation compares with memcmp (code point order for UTF-8),
/// and the covering index `manifest_listing` answers listings without table lookups.
public struct SQLiteListingDialect: ListingDialect {
  public init() {}
  public var name: String { "sqlite" }
  public func manifestTable(for predicate: ListingQuery.Predicate) -> String {
    // Only untagged manifests: their own, smaller index (migration v4).
    predicate.requiresUntagged
      ? "manifest m INDEXED BY manifest_untagged" : "manifest m INDEXED BY manifest_listing"
  }
  public func placeholder(_ number: Int) -> String { "?" }
  public func compareText(
    _ left: String, _ comparison: ListingQuery.Comparison, _ right: String
  ) -> String {
    "\(left) \(comparison.rawValue) \(right) COLLATE BINARY"
  }
  public func containsText(_ haystack: String, _ needle: String) -> String {
    "instr(\(haystack), \(needle)) > 0"
  }
  public func startsWith(_ text: String, _ prefix: String) -> String {
    // instr counts characters: the first occurrence at the first one is a prefix (bytes).
    "instr(\(text), \(prefix)) = 1"
  }
  public var tab: String { "char(9)" }
  public func concat(_ parts: [String]) -> String { "(" + parts.joined(separator: " || ") + ")" }
  public func firstPart(_ list: String) -> String {
    "substr(\(list), 1, instr(\(list) || char(9), char(9)) - 1)"
  }
  public func limit(_ count: Int, offset: Int) -> String { "LIMIT \(count) OFFSET \(offset)" }
}

extension ListingQuery.Predicate {
  /// Whether only untagged manifests can satisfy it: `tags == null` is one of the terms
  /// it ANDs together (what lets SQLite use an index limited to untagged manifests).
  public var requiresUntagged: Bool {
    switch self {
    case .untagged: true
    case .and(let a, let b): a.requiresUntagged || b.requiresUntagged
    default: false
    }
  }
}
