import Foundation

/// The texts of a column that holds few distinct values (media types, the times one sync
/// stamps on many rows): one String per distinct value, not one per row. Each row's bytes
/// are compared (memcmp) with the last `limit` values; a new value takes the oldest slot,
/// reusing its buffer, so a column that turns out to hold many costs a few comparisons
/// and the String it would have cost anyway.
struct InternedTexts {
  private var bytes: [[UInt8]] = []
  private var texts: [String] = []
  private var oldest = 0
  let limit: Int

  init(limit: Int) { self.limit = max(1, limit) }

  /// The text in `column` (empty when NULL, as `StoreCursor.withText` reads it).
  mutating func text(_ row: any StoreCursor, _ column: Int) -> String {
    row.withText(column) { now in
      for n in bytes.indices where Self.equal(bytes[n], now) { return texts[n] }
      let text = String(decoding: now, as: UTF8.self)
      if bytes.count < limit {
        bytes.append(Array(now))
        texts.append(text)
      } else {
        bytes[oldest].removeAll(keepingCapacity: true)
        bytes[oldest].append(contentsOf: now)
        texts[oldest] = text
        oldest = (oldest + 1) % limit
      }
      return text
    }
  }

  static func equal(_ stored: [UInt8], _ now: UnsafeBufferPointer<UInt8>) -> Bool {
    guard stored.count == now.count else { return false }
    guard let address = now.baseAddress, !stored.isEmpty else { return true }
    return stored.withUnsafeBufferPointer { memcmp($0.baseAddress!, address, now.count) == 0 }
  }
}
