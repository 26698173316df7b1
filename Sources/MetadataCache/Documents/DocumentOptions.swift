/// The az options that shape a listing: `--orderby`, `--top`, `--detail`.
public struct DocumentOptions: Sendable {
  public enum Order: String, Sendable {
    case timeAscending = "time_asc"
    case timeDescending = "time_desc"
  }

  public var order: Order?
  public var top: Int?
  public var detail: Bool
  /// What the query over the listing reads of each summary (not of `--detail` records).
  public var fields: DocumentFields

  public init(
    order: Order? = nil, top: Int? = nil, detail: Bool = false, fields: DocumentFields = .all
  ) {
    self.order = order
    self.top = top
    self.detail = detail
    self.fields = fields
  }

  /// `--orderby` breaks ties by digest, then by repository name (code point order): the
  /// same manifest in two repositories (a cross-repository mount) has one timestamp and
  /// one digest, and the order between its two rows must not be the database's choice, or
  /// the store's answer and the interpreter's could differ.
  var orderClause: String {
    switch order {
    case .timeAscending: "ORDER BY m.timestamp ASC, m.digest, r.name"
    case .timeDescending: "ORDER BY m.timestamp DESC, m.digest, r.name"
    case nil: "ORDER BY r.name, m.digest"
    }
  }

  var limitClause: String { top.map { "LIMIT \(max(0, $0))" } ?? "" }
}
