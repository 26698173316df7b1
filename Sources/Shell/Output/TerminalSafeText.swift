import RegistryAPI

/// Escaping of control characters in text that came from a registry (DESIGN.md, safety
/// rule 5): a repository name, tag or annotation holding `ESC [ 2 J` must print as
/// visible text, never reach the terminal as a command.
///
/// Every character of Unicode category Cc is escaped: C0 (U+0000–U+001F), DEL (U+007F) and
/// C1 (U+0080–U+009F, whose U+009B is an 8-bit CSI to some terminals). Tab, newline and
/// carriage return use their short JSON spellings (`\t`, `\n`, `\r`), which also keeps
/// tsv columns and csv rows intact; the others print as `\u001b`, as JSON would write them.
/// Backslashes are left alone: escaping is for the terminal's sake, and tags never hold one.
enum TerminalSafeText {
  /// Whether `scalar` must not reach a terminal as it is.
  @inline(__always)
  static func isControl(_ scalar: Unicode.Scalar) -> Bool { TerminalText.isControl(scalar) }

  /// `text` with every control character replaced by its escape: RegistryAPI's
  /// `TerminalText.escape`, the one function errors use too.
  static func escape(_ text: String) -> String { TerminalText.escape(text) }

  /// A message of several lines (an error, a usage text) whose parts may come from a
  /// registry: each line escaped, the line breaks kept.
  static func escapeLines(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }
      .joined(separator: "\n")
  }

  /// JSON text with DEL and the C1 controls escaped as well.
  ///
  /// `JSONWriter` escapes only what JSON requires (below U+0020). Outside string literals
  /// JSON text is plain ASCII punctuation, so any DEL or C1 character sits inside a string,
  /// where `\u0085` means the same character: the result is the same JSON value.
  static func escapeJSON(_ json: String) -> String {
    // Below U+0020 JSON text holds only the pretty layout's own line breaks.
    let isUnescaped = { (scalar: Unicode.Scalar) in scalar.value >= 0x7F && scalar.value <= 0x9F }
    guard holdsDELOrC1(json) else { return json }
    var out = String.UnicodeScalarView()
    for scalar in json.unicodeScalars {
      if isUnescaped(scalar) {
        out.append(contentsOf: unicodeEscape(scalar).unicodeScalars)
      } else {
        out.append(scalar)
      }
    }
    return String(out)
  }

  /// Whether `text` holds U+007F–U+009F, checked on its UTF-8 bytes: `-o json` of a large
  /// result is megabytes that almost never hold one.
  static func holdsDELOrC1(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { holdsDELOrC1(UnsafeRawBufferPointer($0)) }
  }

  /// The check on UTF-8 bytes, eight at a time: nearly all of a document is ASCII below
  /// DEL, which one test of a word rules out.
  static func holdsDELOrC1(_ raw: UnsafeRawBufferPointer) -> Bool {
    let highBits: UInt64 = 0x8080_8080_8080_8080
    let lowBits: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    let ones: UInt64 = 0x0101_0101_0101_0101
    var i = 0
    while i + 8 <= raw.count {
      let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      // A byte is 0x7F or above when its low seven bits plus one, or the byte itself,
      // reach bit 7; no sum carries into the next byte.
      if (((word & lowBits) &+ ones) | word) & highBits != 0,
        holdsDELOrC1(raw, from: i, to: i + 8)
      {
        return true
      }
      i += 8
    }
    return holdsDELOrC1(raw, from: i, to: raw.count)
  }

  /// The bytes `from..<to`, each with the byte before it (a C1 character's two bytes may
  /// straddle a word).
  private static func holdsDELOrC1(_ raw: UnsafeRawBufferPointer, from: Int, to: Int) -> Bool {
    var previous: UInt8 = from > 0 ? raw[from - 1] : 0
    for i in from..<to {
      let byte = raw[i]
      // C1 characters are 0xC2 0x80...0x9F in UTF-8; 0xC2 is never a continuation byte.
      if byte == 0x7F || (previous == 0xC2 && byte >= 0x80 && byte <= 0x9F) { return true }
      previous = byte
    }
    return false
  }

  /// `\u00XX` for a control character (all of them lie below U+0100).
  static func unicodeEscape(_ scalar: Unicode.Scalar) -> String {
    TerminalText.unicodeEscape(scalar)
  }
}
