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

  var orderClause: String {
    switch order {
    case .timeAscending: "ORDER BY m.timestamp ASC, m.digest"
    case .timeDescending: "ORDER BY m.timestamp DESC, m.digest"
    case nil: "ORDER BY r.name, m.digest"
    }
  }

  var limitClause: String { top.map { "LIMIT \(max(0, $0))" } ?? "" }
}
