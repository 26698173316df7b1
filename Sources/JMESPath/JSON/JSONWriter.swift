/// Writes `JSON` values as text: indented (2 spaces, as `jp` and az print) or compact.
public struct JSONWriter {
  public enum Style: Sendable {
    /// One member per line, indented by `indent` spaces.
    case pretty(indent: Int)
    /// No whitespace at all, as `jp -c` prints.
    case compact
  }

  public var style: Style
  /// Escapes every non-ASCII character as `\uXXXX` (for consumers that want 7-bit text).
  public var asciiOnly: Bool
  /// Writes a whole-number float as Python does (`2.0`, not `2`): what `to_string` returns
  /// in jmespath.py and jmespath-community, whose results regsh's dialects follow.
  public var pythonFloats: Bool = false

  public init(style: Style = .pretty(indent: 2), asciiOnly: Bool = false) {
    self.style = style
    self.asciiOnly = asciiOnly
  }

  /// The value as UTF-8 bytes, without a trailing newline.
  public func bytes(_ value: JSON) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(256)
    write(value, into: &out)
    return out
  }

  public func string(_ value: JSON) -> String {
    String(decoding: bytes(value), as: UTF8.self)
  }

  public func write(_ value: JSON, into out: inout [UInt8]) {
    write(value, level: 0, into: &out)
  }

  func write(_ value: JSON, level: Int, into out: inout [UInt8]) {
    switch value {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .int(let i): Self.writeInt(i, into: &out)
    case .double(let d) where pythonFloats: Self.writePythonDouble(d, into: &out)
    case .double(let d): Self.writeDouble(d, into: &out)
    case .string(let s): Self.writeString(s, asciiOnly: asciiOnly, into: &out)
    case .array(let elements):
      if elements.isEmpty {
        out.append(contentsOf: "[]".utf8)
        return
      }
      out.append(UInt8(ascii: "["))
      for (i, element) in elements.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        newline(level + 1, into: &out)
        write(element, level: level + 1, into: &out)
      }
      newline(level, into: &out)
      out.append(UInt8(ascii: "]"))
    case .object(let members):
      if members.isEmpty {
        out.append(contentsOf: "{}".utf8)
        return
      }
      out.append(UInt8(ascii: "{"))
      var first = true
      for (key, member) in members {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        newline(level + 1, into: &out)
        Self.writeString(key, asciiOnly: asciiOnly, into: &out)
        out.append(UInt8(ascii: ":"))
        if case .pretty = style { out.append(UInt8(ascii: " ")) }
        write(member, level: level + 1, into: &out)
      }
      newline(level, into: &out)
      out.append(UInt8(ascii: "}"))
    }
  }

  @inline(__always)
  func newline(_ level: Int, into out: inout [UInt8]) {
    guard case .pretty(let indent) = style else { return }
    out.append(UInt8(ascii: "\n"))
    for _ in 0..<(level * indent) { out.append(UInt8(ascii: " ")) }
  }

  /// An integer's text, as every document writes it (public for writers of large documents
  /// that lay out their own shapes, such as a policy plan's).
  public static func writeInt(_ value: Int, into out: inout [UInt8]) {
    if value == 0 {
      out.append(UInt8(ascii: "0"))
      return
    }
    var magnitude = value.magnitude
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, enough for 20 digits
    let count = withUnsafeMutableBytes(of: &digits) { buffer -> Int in
      var n = 0
      while magnitude > 0 {
        buffer[23 - n] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
        n += 1
      }
      return n
    }
    if value < 0 { out.append(UInt8(ascii: "-")) }
    withUnsafeBytes(of: &digits) { buffer in
      out.append(contentsOf: buffer[(24 - count)...])
    }
  }

  /// Shortest text that reads back as the same Double. Infinity and NaN have no JSON
  /// spelling; they print as null rather than as invalid JSON.
  static func writeDouble(_ value: Double, into out: inout [UInt8]) {
    guard value.isFinite else {
      out.append(contentsOf: "null".utf8)
      return
    }
    if value.rounded() == value, abs(value) < 1e16 {
      writeInt(Int(value), into: &out)
      return
    }
    out.append(contentsOf: value.description.utf8)
  }

  /// Python's `repr` of a float: as `writeDouble`, but a whole number keeps `.0`.
  static func writePythonDouble(_ value: Double, into out: inout [UInt8]) {
    if value.isFinite, value.rounded() == value, abs(value) < 1e16 {
      if value == 0, value.sign == .minus { out.append(UInt8(ascii: "-")) }
      writeInt(Int(value), into: &out)
      out.append(contentsOf: ".0".utf8)
      return
    }
    writeDouble(value, into: &out)
  }

  static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

  /// A string quoted and escaped, as every document writes it.
  public static func writeString(_ value: String, asciiOnly: Bool, into out: inout [UInt8]) {
    // A native string's bytes are read where they are; `withUTF8` would need a copy of the
    // string to mutate (a retain and release, contended when other threads share it).
    let written: Void? = value.utf8.withContiguousStorageIfAvailable {
      writeUTF8($0, asciiOnly: asciiOnly, into: &out)
    }
    if written == nil {
      var value = value
      value.withUTF8 { writeUTF8($0, asciiOnly: asciiOnly, into: &out) }
    }
  }

  static func writeUTF8(
    _ bytes: UnsafeBufferPointer<UInt8>, asciiOnly: Bool, into out: inout [UInt8]
  ) {
    out.append(UInt8(ascii: "\""))
    var runStart = 0
    var i = 0
    while i < bytes.count {
      // Eight bytes at a time while none needs escaping (names and digests are long runs
      // of plain ASCII; a plan prints a million of them).
      if !asciiOnly {
        while i + 8 <= bytes.count,
          !Self.needsEscape(UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self))
        {
          i += 8
        }
        guard i < bytes.count else { break }
      }
      let b = bytes[i]
      if b >= 0x20 && b != 0x22 && b != 0x5C && (b < 0x80 || !asciiOnly) {
        i += 1
        continue
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
      if b >= 0x80 {
        // asciiOnly: decode this scalar and escape it (as a surrogate pair above the BMP).
        var iterator = bytes[i...].makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { break }
        i += UTF8.width(scalar)
        for unit in String(scalar).utf16 { appendUnicodeEscape(unit, into: &out) }
      } else {
        switch b {
        case 0x22: out.append(contentsOf: "\\\"".utf8)
        case 0x5C: out.append(contentsOf: "\\\\".utf8)
        case 0x0A: out.append(contentsOf: "\\n".utf8)
        case 0x0D: out.append(contentsOf: "\\r".utf8)
        case 0x09: out.append(contentsOf: "\\t".utf8)
        case 0x08: out.append(contentsOf: "\\b".utf8)
        case 0x0C: out.append(contentsOf: "\\f".utf8)
        default: appendUnicodeEscape(UInt16(b), into: &out)
        }
        i += 1
      }
      runStart = i
    }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
    out.append(UInt8(ascii: "\""))
  }

  /// Whether any of a word's eight bytes is a control character, `"` or `\\` (bytes of
  /// 0x80 and above pass: they are escaped only with `asciiOnly`). A byte below 0x20 is
  /// found by subtracting 0x20 from each byte (it borrows into bit 7); the quote and the
  /// backslash as bytes equal to zero after an exclusive or. Each test may flag a byte next
  /// to a real one, never miss one, and the byte loop decides.
  @inline(__always)
  static func needsEscape(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & high != 0 }
    let control = (word &- ones &* 0x20) & ~word & high != 0
    return control || hasZero(word ^ (ones &* 0x22)) || hasZero(word ^ (ones &* 0x5C))
  }

  static func appendUnicodeEscape(_ unit: UInt16, into out: inout [UInt8]) {
    out.append(contentsOf: "\\u".utf8)
    for shift in stride(from: 12, through: 0, by: -4) {
      out.append(hexDigits[Int((unit >> UInt16(shift)) & 0xF)])
    }
  }
}

extension JSON: CustomStringConvertible {
  /// Compact JSON text.
  public var description: String { JSONWriter(style: .compact).string(self) }
}
