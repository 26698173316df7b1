import JMESPath

/// `-o jsonc`: the same text as `-o json`, with keys, strings, numbers and literals
/// coloured. Stripping the colour codes gives `-o json` byte for byte.
struct ColoredJSONOutput {
  static let indent = 2
  let scalarWriter = JSONWriter(style: .compact)

  func render(_ value: JSON) -> String {
    var out = ""
    write(value, level: 0, into: &out)
    return out + "\n"
  }

  func write(_ value: JSON, level: Int, into out: inout String) {
    switch value {
    case .null, .bool:
      out += ANSIColor.literal.paint(scalarWriter.string(value))
    case .int, .double:
      out += ANSIColor.number.paint(scalarWriter.string(value))
    case .string:
      out += ANSIColor.string.paint(safe(value))
    case .array(let elements):
      guard !elements.isEmpty else {
        out += "[]"
        return
      }
      out += "["
      for (i, element) in elements.enumerated() {
        out += i > 0 ? ",\n" : "\n"
        out += String(repeating: " ", count: (level + 1) * Self.indent)
        write(element, level: level + 1, into: &out)
      }
      out += "\n" + String(repeating: " ", count: level * Self.indent) + "]"
    case .object(let members):
      guard !members.isEmpty else {
        out += "{}"
        return
      }
      out += "{"
      for (i, (key, member)) in members.enumerated() {
        out += i > 0 ? ",\n" : "\n"
        out += String(repeating: " ", count: (level + 1) * Self.indent)
        out += ANSIColor.key.paint(safe(.string(key))) + ": "
        write(member, level: level + 1, into: &out)
      }
      out += "\n" + String(repeating: " ", count: level * Self.indent) + "}"
    }
  }

  func safe(_ string: JSON) -> String {
    TerminalSafeText.escapeJSON(scalarWriter.string(string))
  }
}
