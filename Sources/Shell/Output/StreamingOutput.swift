import JMESPath

/// `-o json`, `jsonl` and `tsv` of a list, handed over in pieces as it is written: a
/// result of a million items never exists as one string (issue 15). The pieces joined are
/// exactly `OutputRenderer.render`'s text; every other format and value is rendered whole.
extension OutputRenderer {
  /// Writes the text of `value` to `sink` in pieces of about `pieceSize` bytes.
  public func write(_ value: JSON, pieceSize: Int = 1 << 16, to sink: (String) -> Void) {
    writeBytes(value, pieceSize: pieceSize) { sink(String(decoding: $0, as: UTF8.self)) }
  }

  /// The same pieces as UTF-8 bytes, for standard output: no string is made of them.
  public func writeBytes(_ value: JSON, pieceSize: Int = 1 << 16, to sink: ([UInt8]) -> Void) {
    guard case .array(let items) = value, !items.isEmpty else {
      let text = render(value)
      if !text.isEmpty { sink(Array(text.utf8)) }
      return
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(pieceSize + 4096)
    // JSON text is escaped a piece at a time: the escape maps each character alone, so a
    // piece may end after any element.
    func flush(escapingJSON: Bool) {
      guard !bytes.isEmpty else { return }
      if escapingJSON, Self.holdsDELOrC1(bytes) {
        sink(Array(TerminalSafeText.escapeJSON(String(decoding: bytes, as: UTF8.self)).utf8))
      } else {
        sink(bytes)
      }
      bytes.removeAll(keepingCapacity: true)
    }
    switch format {
    case .json,
      .jsonc where !color:
      let writer = JSONWriter(style: .pretty(indent: 2))
      writer.writeArrayStart(into: &bytes)
      for (index, item) in items.enumerated() {
        writer.writeArrayElement(item, first: index == 0, into: &bytes)
        if bytes.count >= pieceSize { flush(escapingJSON: true) }
      }
      writer.writeArrayEnd(into: &bytes)
      bytes.append(UInt8(ascii: "\n"))
      flush(escapingJSON: true)
    case .jsonl:
      let writer = JSONWriter(style: .compact)
      for item in items {
        writer.write(item, into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        if bytes.count >= pieceSize { flush(escapingJSON: true) }
      }
      flush(escapingJSON: true)
    case .tsv:
      let tsv = TSVOutput(keepsKeyOrder: fromQuery)
      for item in items {
        bytes.append(contentsOf: tsv.row(item).utf8)
        bytes.append(UInt8(ascii: "\n"))
        if bytes.count >= pieceSize { flush(escapingJSON: false) }
      }
      flush(escapingJSON: false)
    default:
      sink(Array(render(value).utf8))
    }
  }

  /// `TerminalSafeText.holdsDELOrC1` on bytes already written. Read eight bytes at a time:
  /// a document of hundreds of megabytes is checked before it is printed, and nearly all of
  /// it is ASCII below DEL, which one test of a word rules out.
  static func holdsDELOrC1(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { raw in
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
}
