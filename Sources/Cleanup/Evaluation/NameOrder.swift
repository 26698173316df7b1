/// The name tie-break of every plan's order ("then by name") over keys made once per tag
/// or manifest. The images of one sync share one time, so their sorts are decided by
/// digest: a comparison of two 71-byte strings, each retained and released, tens of
/// millions of times. An ASCII name's first 24 bytes, packed big-endian and padded with
/// zeros, order exactly as the strings do; equal keys, or a name that is not ASCII, fall
/// back to the string comparison.
struct NameOrder {
  struct Key {
    var ascii: Bool
    var w0: UInt64 = 0
    var w1: UInt64 = 0
    var w2: UInt64 = 0
  }

  let keys: [Key]

  init(count: Int, name: (Int) -> String) {
    keys = (0..<count).map { Self.key(name($0)) }
  }

  init(keys: [Key]) { self.keys = keys }

  /// The keys of `positions`, in their order (for a list made from some of the units).
  func picking(_ positions: [Int]) -> NameOrder {
    NameOrder(keys: positions.map { keys[$0] })
  }

  static func key(_ name: String) -> Key {
    func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> Key {
      guard !bytes.contains(where: { $0 >= 0x80 }) else { return Key(ascii: false) }
      func word(_ from: Int) -> UInt64 {
        var value: UInt64 = 0
        for n in from..<from + 8 { value = value << 8 | UInt64(n < bytes.count ? bytes[n] : 0) }
        return value
      }
      return Key(ascii: true, w0: word(0), w1: word(8), w2: word(16))
    }
    return name.utf8.withContiguousStorageIfAvailable(pack)
      ?? Array(name.utf8).withUnsafeBufferPointer(pack)
  }

  /// Whether `a`'s name comes before `b`'s; nil when the keys cannot tell (equal first 24
  /// bytes, or a name that is not ASCII), for the caller's string comparison.
  func precedes(_ a: Int, _ b: Int) -> Bool? {
    let x = keys[a]
    let y = keys[b]
    guard x.ascii, y.ascii else { return nil }
    if x.w0 != y.w0 { return x.w0 < y.w0 }
    if x.w1 != y.w1 { return x.w1 < y.w1 }
    if x.w2 != y.w2 { return x.w2 < y.w2 }
    return nil
  }
}
