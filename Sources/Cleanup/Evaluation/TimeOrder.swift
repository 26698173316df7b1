/// "Newest first, no time last, then by name" — the order of every plan — over keys made
/// once per tag or manifest instead of string comparisons in the sort. A stored time is 28
/// bytes (`Timestamp`); when they are all ASCII the key is those bytes packed big-endian,
/// which orders exactly as the strings do. Any other text keeps its string comparison.
struct TimeOrder {
  enum Key {
    case none
    case packed(UInt64, UInt64, UInt64, UInt32)
    case text(String)
  }

  let keys: [Key]

  init(_ times: [String?]) {
    keys = times.map(Self.key)
  }

  static func key(_ time: String?) -> Key {
    guard var time else { return .none }
    let packed = time.withUTF8 { bytes -> Key? in
      guard bytes.count == 28, !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
      func word(_ from: Int, _ count: Int) -> UInt64 {
        var value: UInt64 = 0
        for n in from..<from + count { value = value << 8 | UInt64(bytes[n]) }
        return value
      }
      return .packed(word(0, 8), word(8, 8), word(16, 8), UInt32(word(24, 4)))
    }
    return packed ?? .text(time)
  }

  /// Whether `a` comes before `b`: the newer time first, a time before none; nil when
  /// their times are equal (or both missing), for the caller's tie-break by name.
  func precedes(_ a: Int, _ b: Int, times: [String?]) -> Bool? {
    switch (keys[a], keys[b]) {
    case (.none, .none): return nil
    case (.none, _): return false
    case (_, .none): return true
    case (.packed(let a0, let a1, let a2, let a3), .packed(let b0, let b1, let b2, let b3)):
      if a0 != b0 { return a0 > b0 }
      if a1 != b1 { return a1 > b1 }
      if a2 != b2 { return a2 > b2 }
      if a3 != b3 { return a3 > b3 }
      return nil
    default:
      let x = times[a]!
      let y = times[b]!
      return x != y ? x > y : nil
    }
  }

  /// `positions` sorted newest first, no time last, then by `name`.
  func sorted(_ positions: [Int], times: [String?], name: (Int) -> String) -> [Int] {
    positions.sorted { a, b in
      precedes(a, b, times: times) ?? (name(a) < name(b))
    }
  }
}

extension Array {
  /// Puts the elements in the order `order` gives (element `order[n]` goes to `n`) by
  /// swapping them in place: no element is copied, so no reference is counted.
  mutating func permute(to order: [Int]) {
    precondition(order.count == count)
    var done = [Bool](repeating: false, count: count)
    for start in indices where !done[start] {
      // The cycle through start: position n takes the element at order[n].
      var n = start
      done[n] = true
      while !done[order[n]] {
        swapAt(n, order[n])
        n = order[n]
        done[n] = true
      }
    }
  }
}
