/// How `--explain` shows what the store answers: in the documents' own terms.
extension ListingQuery: CustomStringConvertible {
  public var description: String {
    let of = repository.map { "repository \($0)" } ?? "every repository"
    var parts = [source == .repositories ? source.noun : "\(source.noun) of \(of)"]
    if let listingOrder { parts.append("listed \(listingOrder.rawValue)") }
    if let top { parts.append("the first \(top) of them") }
    if filter != .constant(true) { parts.append("filter \(filter)") }
    if let sortKey { parts.append(sortKey == .element ? "sort" : "sort_by \(sortKey.rawValue)") }
    if let slice {
      parts.append(
        "slice [\(slice.start.map(String.init) ?? ""):\(slice.stop.map(String.init) ?? "")]")
    }
    switch projection {
    case .document: break
    case .field(let field): parts.append("project \(field.rawValue)")
    case .list(let fields):
      parts.append("project [\(fields.map(\.rawValue).joined(separator: ", "))]")
    case .hash(let pairs):
      parts.append(
        "project {\(pairs.map { "\($0.key): \($0.field.rawValue)" }.joined(separator: ", "))}")
    }
    if countOnly { parts.append("count") }
    if failsOn != .constant(false) {
      parts.append("left to the interpreter when an item has \(failsOn) (an error)")
    }
    return parts.joined(separator: "; ")
  }
}

extension ListingQuery.Predicate: CustomStringConvertible {
  public var description: String {
    switch self {
    case .constant(let value): "\(value)"
    case .and(let a, let b): "(\(a) && \(b))"
    case .or(let a, let b): "(\(a) || \(b))"
    case .not(let a): "!\(a)"
    case .untagged: "tags == null"
    case .noFirstTag: "tags[0] == null"
    case .truthy(let field): field.rawValue
    case .compare(let comparison, let a, let b): "\(a) \(comparison.jmespath) \(b)"
    case .hasTag(let tag): "contains(tags, \(ListingQuery.Text.literal(tag)))"
    case .containsText(let field, let needle):
      "contains(\(field.rawValue), \(ListingQuery.Text.literal(needle)))"
    case .startsWith(let field, let prefix):
      "starts_with(\(field.rawValue), \(ListingQuery.Text.literal(prefix)))"
    }
  }
}

extension ListingQuery.Text: CustomStringConvertible {
  public var description: String {
    switch self {
    case .field(let field): field.rawValue
    case .firstTag: "tags[0]"
    case .literal(let text): "'" + text.replacingOccurrences(of: "'", with: "\\'") + "'"
    }
  }
}

extension ListingQuery.Comparison {
  var jmespath: String {
    switch self {
    case .equal: "=="
    case .notEqual: "!="
    default: rawValue
    }
  }
}
