import JMESPath

/// `-o csv`: RFC 4180 text for spreadsheets and `csvkit`-style tools.
///
/// - A list of objects is a table: a header row of every key the objects use, in the order
///   they first appear, then one row per object, empty where an object lacks the key.
/// - Any other list is one row per item: a list item spreads over fields (what
///   `--query "[].[digest, timestamp]"` asks for), anything else is a single field.
/// - A single object is a header and one row; a single scalar one field.
///
/// Fields: strings as they are, numbers and booleans as JSON writes them, null as an empty
/// field, nested lists and objects as compact JSON. A field holding a comma or a double
/// quote is quoted, quotes doubled. Lines end with CRLF, as RFC 4180 (and sqlite3's csv
/// mode) has them; control characters inside values are escaped, so a field never spans
/// lines.
struct CSVOutput {
  static let lineEnd = "\r\n"

  func render(_ value: JSON) -> String {
    switch value {
    case .object(let members):
      return table(of: [members])
    case .array(let items):
      let objects = items.compactMap(\.objectValue)
      if !items.isEmpty, objects.count == items.count { return table(of: objects) }
      return items.map { record(of: $0) + Self.lineEnd }.joined()
    default:
      return record(of: value) + Self.lineEnd
    }
  }

  func table(of objects: [JSONObject]) -> String {
    var header: [String] = []
    var seen: Set<String> = []
    for object in objects {
      for key in object.keys where seen.insert(key).inserted { header.append(key) }
    }
    var out = header.map { Self.quoted(TerminalSafeText.escape($0)) }.joined(separator: ",")
    out += Self.lineEnd
    for object in objects {
      out += header.map { Self.field(object[$0] ?? .null) }.joined(separator: ",")
      out += Self.lineEnd
    }
    return out
  }

  func record(of item: JSON) -> String {
    if case .array(let elements) = item { return elements.map(Self.field).joined(separator: ",") }
    return Self.field(item)
  }

  static func field(_ value: JSON) -> String {
    switch value {
    case .null: return ""
    case .string(let s): return quoted(TerminalSafeText.escape(s))
    default: return quoted(TerminalSafeText.escapeJSON(JSONWriter(style: .compact).string(value)))
    }
  }

  /// The field as RFC 4180 writes it: in double quotes, inner quotes doubled, when it holds
  /// a comma or a quote (line breaks never reach here: they are escaped).
  static func quoted(_ text: String) -> String {
    // By scalar: a quote followed by a combining mark is one Character, yet still a quote.
    guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" }) else { return text }
    var out = String.UnicodeScalarView()
    out.append("\"")
    for scalar in text.unicodeScalars {
      if scalar == "\"" { out.append("\"") }
      out.append(scalar)
    }
    out.append("\"")
    return String(out)
  }

}
