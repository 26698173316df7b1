import JMESPath
import OrderedCollections

/// `-o table` exactly as az prints it: knack's `_TableOutput` picks the columns and
/// tabulate's "simple" format lays them out.
///
/// Columns are an object's keys with the first letter upper-cased, sorted unless the result
/// came from `--query`. `id`, `type` and `etag` are left out (az's rule: they are long and
/// rarely what a table is for), and so are null, list and object values. A list item that
/// is a list spreads over `Column1`, `Column2`…; any other item is a `Result` column.
struct TableOutput {
  /// Keep the objects' key order instead of sorting (the result came from `--query`).
  var keepsKeyOrder: Bool

  static let skippedKeys: Set<String> = ["id", "type", "etag"]
  /// tabulate's MIN_PADDING: a column is at least its header plus two wide.
  static let headerPadding = 2

  func render(_ value: JSON) -> String {
    let items = value.arrayValue ?? [value]
    let rows = items.map(tableRow)
    return layOut(rows) + "\n"
  }

  /// One row as column name → value, in column order (knack's `_auto_table_item`).
  func tableRow(_ item: JSON) -> OrderedDictionary<String, JSON> {
    var row = OrderedDictionary<String, JSON>()
    switch item {
    case .object(let members):
      let keys = keepsKeyOrder ? Array(members.keys) : PythonText.sortedKeys(members.keys)
      for key in keys where !Self.skippedKeys.contains(key) {
        switch members[key]! {
        case .null, .array, .object: continue
        case let value: row[Self.columnName(key)] = value
        }
      }
    case .array(let elements):
      for (i, element) in elements.enumerated() { row["Column\(i + 1)"] = element }
    default:
      row["Result"] = item
    }
    return row
  }

  /// The key with its first character upper-cased, as Python's `x[0].upper() + x[1:]`.
  static func columnName(_ key: String) -> String {
    guard let first = key.unicodeScalars.first else { return key }
    return String(first).uppercased() + String(key.unicodeScalars.dropFirst())
  }

  /// tabulate(rows, headers="keys", tablefmt="simple", disable_numparse=True): the header
  /// names are the union of the rows' keys in first-seen order, every column left-aligned,
  /// cells stripped of surrounding white space, two spaces between columns, and each line
  /// stripped of trailing white space.
  func layOut(_ rows: [OrderedDictionary<String, JSON>]) -> String {
    var headers: [String] = []
    var seen: Set<String> = []
    for row in rows {
      for key in row.keys where seen.insert(key).inserted { headers.append(key) }
    }
    guard !headers.isEmpty else { return "" }
    let headerTexts = headers.map(TerminalSafeText.escape)
    let cells: [[String]] = rows.map { row in headers.map { Self.cellText(row[$0]) } }
    var widths = headerTexts.map { DisplayWidth.of($0) + Self.headerPadding }
    for line in cells {
      for (column, cell) in line.enumerated() {
        widths[column] = max(widths[column], DisplayWidth.of(cell))
      }
    }
    func line(_ texts: [String]) -> String {
      let padded = zip(texts, widths).map { text, width in
        text + String(repeating: " ", count: max(0, width - DisplayWidth.of(text)))
      }
      return PythonText.rstrip(padded.joined(separator: "  "))
    }
    var lines = [line(headerTexts), line(widths.map { String(repeating: "-", count: $0) })]
    lines += cells.map(line)
    return lines.joined(separator: "\n")
  }

  /// What tabulate prints for a value: nothing for null or a missing column, Python's
  /// `str()` for the rest.
  static func cellText(_ value: JSON?) -> String {
    guard let value else { return "" }
    if case .null = value { return "" }
    return TerminalSafeText.escape(PythonText.strip(PythonText.str(value)))
  }
}
