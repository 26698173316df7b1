/// PostgreSQL's spelling of the pushed-down listings: `$n` placeholders, byte-order
/// comparisons (`COLLATE "C"`, SQLite's BINARY), `strpos` for a substring, `E'\t'` for a
/// tab. The planner picks the partial indexes by itself.
public struct PostgresListingDialect: ListingDialect {
  public init() {}
  public var name: String { "postgresql" }
  public func manifestTable(for predicate: ListingQuery.Predicate) -> String { "manifest m" }
  public func placeholder(_ number: Int) -> String { "$\(number)" }
  public func compareText(
    _ left: String, _ comparison: ListingQuery.Comparison, _ right: String
  ) -> String {
    "\(left) COLLATE \"C\" \(comparison.rawValue) \(right) COLLATE \"C\""
  }
  public func containsText(_ haystack: String, _ needle: String) -> String {
    "strpos(\(haystack), \(needle)) > 0"
  }
  public var tab: String { "E'\\t'" }
  public func concat(_ parts: [String]) -> String { "(" + parts.joined(separator: " || ") + ")" }
  public func firstPart(_ list: String) -> String { "split_part(\(list), E'\\t', 1)" }
  public func limit(_ count: Int, offset: Int) -> String { "LIMIT \(count) OFFSET \(offset)" }
}
