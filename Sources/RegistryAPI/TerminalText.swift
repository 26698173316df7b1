/// The one escaping of registry-supplied text on its way to a terminal (DESIGN.md, safety
/// rule 5). It lives here, in the lowest module that builds messages from registry answers,
/// so errors escape what they quote with the same function the output formatters use
/// (Shell's `TerminalSafeText.escape` delegates to it).
///
/// Every character of Unicode category Cc is escaped: C0 (U+0000–U+001F), DEL (U+007F) and
/// C1 (U+0080–U+009F, whose U+009B is an 8-bit CSI to some terminals). Tab, newline and
/// carriage return use their short JSON spellings (`\t`, `\n`, `\r`), which also keeps
/// tsv columns and csv rows intact; the others print as `\u001b`, as JSON would write them.
/// Backslashes are left alone: escaping is for the terminal's sake, and escaping twice gives
/// the same text as escaping once.
public enum TerminalText {
  /// Whether `scalar` must not reach a terminal as it is.
  @inline(__always)
  public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value <= 0x9F)
  }

  /// `text` with every control character replaced by its escape, newline and tab included:
  /// for a name, tag or header value, which never legitimately holds one.
  public static func escape(_ text: String) -> String {
    escape(text, keeping: { _ in false })
  }

  /// A message of several lines (an error, a usage text) whose parts may come from a
  /// registry: every control character escaped except the line breaks and tabs that lay
  /// the message out.
  public static func escapeMessage(_ text: String) -> String {
    escape(text, keeping: { $0 == "\n" || $0 == "\t" })
  }

  private static func escape(_ text: String, keeping: (Unicode.Scalar) -> Bool) -> String {
    guard text.unicodeScalars.contains(where: { isControl($0) && !keeping($0) }) else {
      return text
    }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      guard isControl(scalar), !keeping(scalar) else {
        out.append(scalar)
        continue
      }
      switch scalar {
      case "\t": out.append(contentsOf: #"\t"#.unicodeScalars)
      case "\n": out.append(contentsOf: #"\n"#.unicodeScalars)
      case "\r": out.append(contentsOf: #"\r"#.unicodeScalars)
      default: out.append(contentsOf: unicodeEscape(scalar).unicodeScalars)
      }
    }
    return String(out)
  }

  /// `\u00XX` for a control character (all of them lie below U+0100).
  public static func unicodeEscape(_ scalar: Unicode.Scalar) -> String {
    let hex = String(scalar.value, radix: 16)
    return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }
}
