import JMESPath

/// `-o tsv` exactly as az prints it (knack's `_TsvOutput`): made for `cut`, `read` and
/// `xargs`, so there is no header and nothing but values.
///
/// - Each list item is a line; a result that is not a list is a one-item list.
/// - An object's values are tab-separated, in key order when the object came from the
///   registry (az sorts them) and in the query's order after `--query`.
/// - A nested list prints as its length and a nested object as an empty field, so every
///   line keeps the same number of columns; nested null prints as `None`, booleans as
///   `True`/`False` (Python's spellings); a top-level boolean as `true`/`false`.
struct TSVOutput {
  /// Keep the objects' key order instead of sorting (the result came from `--query`).
  var keepsKeyOrder: Bool

  func render(_ value: JSON) -> String {
    let items = value.arrayValue ?? [value]
    var out = ""
    for item in items {
      out += row(item)
      out += "\n"
    }
    return out
  }

  func row(_ item: JSON) -> String {
    switch item {
    case .object(let members):
      let keys = keepsKeyOrder ? Array(members.keys) : PythonText.sortedKeys(members.keys)
      return keys.map { field(members[$0]!) }.joined(separator: "\t")
    case .array(let elements):
      return elements.map(field).joined(separator: "\t")
    case .bool(let b):
      return b ? "true" : "false"
    default:
      return field(item)
    }
  }

  func field(_ value: JSON) -> String {
    switch value {
    case .array(let elements): return String(elements.count)
    case .object: return ""
    default: return TerminalSafeText.escape(PythonText.str(value))
    }
  }
}
