import JMESPath

/// How Python spells a JSON value, because az's tsv and table output are Python's `str()`
/// of the values `json.loads` made: `None`, `True`, `1.0`, `['a', 'b']`, `{'k': 1}`.
enum PythonText {
  /// `str(value)`: strings as they are, containers as their `repr`.
  static func str(_ value: JSON) -> String {
    if case .string(let s) = value { return s }
    return repr(value)
  }

  /// `repr(value)`, as Python prints a value nested in a list or dict.
  static func repr(_ value: JSON) -> String {
    switch value {
    case .null: return "None"
    case .bool(let b): return b ? "True" : "False"
    case .int(let i): return String(i)
    case .double(let d): return floatRepr(d)
    case .string(let s): return stringRepr(s)
    case .array(let elements):
      return "[" + elements.map(repr).joined(separator: ", ") + "]"
    case .object(let members):
      return "{"
        + members.map { stringRepr($0.key) + ": " + repr($0.value) }.joined(separator: ", ")
        + "}"
    }
  }

  /// Python's `repr(float)`: the shortest digits that read back as the same value, written
  /// positionally when the decimal exponent is in -4..<16 and as `1e+16` otherwise.
  static func floatRepr(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
    // Swift's description has the same shortest digits; only the layout rules differ.
    var text = value.description
    let negative = text.hasPrefix("-")
    if negative { text.removeFirst() }
    var mantissa = text
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      mantissa = String(text[..<e])
      exponent = Int(text[text.index(after: e)...]) ?? 0
    }
    let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
    let integerPart = String(parts[0])
    let fractionPart = parts.count > 1 ? String(parts[1]) : ""
    var digits = integerPart + fractionPart
    // The decimal point sits after `point` digits of `digits`.
    var point = integerPart.count + exponent
    while digits.count > 1, digits.hasPrefix("0") {
      digits.removeFirst()
      point -= 1
    }
    while digits.count > 1, digits.hasSuffix("0") { digits.removeLast() }
    let sign = negative ? "-" : ""
    if digits == "0" { return sign + "0.0" }
    let decimalExponent = point - 1
    if decimalExponent < -4 || decimalExponent >= 16 {
      var head = String(digits.first!)
      if digits.count > 1 { head += "." + digits.dropFirst() }
      let magnitude = abs(decimalExponent)
      let exponentText = (magnitude < 10 ? "0" : "") + String(magnitude)
      return sign + head + "e" + (decimalExponent < 0 ? "-" : "+") + exponentText
    }
    if point <= 0 {
      return sign + "0." + String(repeating: "0", count: -point) + digits
    }
    if point >= digits.count {
      return sign + digits + String(repeating: "0", count: point - digits.count) + ".0"
    }
    let split = digits.index(digits.startIndex, offsetBy: point)
    return sign + digits[..<split] + "." + digits[split...]
  }

  /// Python's `repr(str)`: single quotes unless the text holds a single quote and no double
  /// one; backslash escapes for the quote, the backslash and unprintable characters.
  static func stringRepr(_ text: String) -> String {
    let quote: Unicode.Scalar =
      text.unicodeScalars.contains("'") && !text.unicodeScalars.contains("\"") ? "\"" : "'"
    var out = String.UnicodeScalarView()
    out.append(quote)
    for scalar in text.unicodeScalars {
      switch scalar {
      case quote, "\\":
        out.append("\\")
        out.append(scalar)
      case "\t": out.append(contentsOf: #"\t"#.unicodeScalars)
      case "\n": out.append(contentsOf: #"\n"#.unicodeScalars)
      case "\r": out.append(contentsOf: #"\r"#.unicodeScalars)
      default:
        if isPrintable(scalar) {
          out.append(scalar)
        } else {
          out.append(contentsOf: hexEscape(scalar).unicodeScalars)
        }
      }
    }
    out.append(quote)
    return String(out)
  }

  /// `str.isprintable()` for one character: everything but the "Other" and separator
  /// categories, with the ASCII space allowed.
  static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == " " { return true }
    switch scalar.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator,
      .paragraphSeparator, .spaceSeparator:
      return false
    default:
      return true
    }
  }

  /// `\xNN`, `\uNNNN` or `\UNNNNNNNN`, the shortest Python allows for the code point.
  static func hexEscape(_ scalar: Unicode.Scalar) -> String {
    let (prefix, width) =
      scalar.value < 0x100 ? ("\\x", 2) : scalar.value < 0x10000 ? ("\\u", 4) : ("\\U", 8)
    let hex = String(scalar.value, radix: 16)
    return prefix + String(repeating: "0", count: max(0, width - hex.count)) + hex
  }

  /// Python's `str.isspace()`, which `str.strip()` uses: Unicode white space plus the
  /// information separators U+001C–U+001F.
  static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
  }

  /// `text.strip()`.
  static func strip(_ text: String) -> String {
    let scalars = text.unicodeScalars
    guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
    let last = scalars.lastIndex(where: { !isSpace($0) })!
    return String(scalars[first...last])
  }

  /// `text.rstrip()`.
  static func rstrip(_ text: String) -> String {
    let scalars = text.unicodeScalars
    guard let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
    return String(scalars[...last])
  }

  /// Sorted as Python sorts `str` keys: by code point.
  static func sortedKeys<S: Sequence<String>>(_ keys: S) -> [String] {
    keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
  }
}
