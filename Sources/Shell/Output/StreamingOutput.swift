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

  /// `TerminalSafeText.holdsDELOrC1` on bytes already written.
  static func holdsDELOrC1(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { TerminalSafeText.holdsDELOrC1($0) }
  }
}
