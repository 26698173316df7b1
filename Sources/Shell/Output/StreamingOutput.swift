import JMESPath

/// `-o json`, `jsonl` and `tsv` of a list, handed over in pieces as it is written: a
/// result of a million items never exists as one string (issue 15). The pieces joined are
/// exactly `OutputRenderer.render`'s text; every other format and value is rendered whole.
extension OutputRenderer {
  /// Writes the text of `value` to `sink` in pieces of about `pieceSize` bytes.
  public func write(_ value: JSON, pieceSize: Int = 1 << 16, to sink: (String) -> Void) {
    guard case .array(let items) = value, !items.isEmpty else {
      let text = render(value)
      if !text.isEmpty { sink(text) }
      return
    }
    var piece = ""
    func add(_ text: String) {
      piece += text
      if piece.utf8.count >= pieceSize {
        sink(piece)
        piece = ""
      }
    }
    switch format {
    case .json,
      .jsonc where !color:
      // Elements are written into one byte buffer and escaped a piece at a time (the
      // escape maps each character alone, so a piece may end after any element).
      let writer = JSONWriter(style: .pretty(indent: 2))
      var bytes: [UInt8] = []
      bytes.reserveCapacity(pieceSize + 4096)
      writer.writeArrayStart(into: &bytes)
      for (index, item) in items.enumerated() {
        writer.writeArrayElement(item, first: index == 0, into: &bytes)
        if bytes.count >= pieceSize {
          add(TerminalSafeText.escapeJSON(String(decoding: bytes, as: UTF8.self)))
          bytes.removeAll(keepingCapacity: true)
        }
      }
      writer.writeArrayEnd(into: &bytes)
      bytes.append(UInt8(ascii: "\n"))
      add(TerminalSafeText.escapeJSON(String(decoding: bytes, as: UTF8.self)))
    case .jsonl:
      let writer = JSONWriter(style: .compact)
      var bytes: [UInt8] = []
      bytes.reserveCapacity(pieceSize + 4096)
      for item in items {
        writer.write(item, into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        if bytes.count >= pieceSize {
          add(TerminalSafeText.escapeJSON(String(decoding: bytes, as: UTF8.self)))
          bytes.removeAll(keepingCapacity: true)
        }
      }
      if !bytes.isEmpty {
        add(TerminalSafeText.escapeJSON(String(decoding: bytes, as: UTF8.self)))
      }
    case .tsv:
      let tsv = TSVOutput(keepsKeyOrder: fromQuery)
      for item in items { add(tsv.row(item) + "\n") }
    default:
      add(render(value))
    }
    if !piece.isEmpty { sink(piece) }
  }
}
