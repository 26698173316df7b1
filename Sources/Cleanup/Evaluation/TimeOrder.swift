/// "Newest first, no time last, then by name" — the order of every plan — over keys made
/// once per tag or manifest instead of string comparisons in the sort. A stored time is 28
/// bytes (`Timestamp`); when they are all ASCII the key is those bytes packed big-endian,
/// which orders exactly as the strings do. Any other text keeps its string comparison.
struct TimeOrder {
  /// Plain words, no string: a sort compares keys tens of millions of times, and a key
  /// that holds a string is retained and released on each of them. Text that does not
  /// pack is compared from the caller's `times`.
  struct Key {
    enum Kind: UInt8 { case none, packed, text }
    var kind: Kind
    var w0: UInt64 = 0
    var w1: UInt64 = 0
    var w2: UInt64 = 0
    var w3: UInt32 = 0
  }

  let keys: [Key]

  init(_ times: [String?]) {
    keys = times.indices.map { Self.key(times[$0]) }
  }

  static func key(_ time: String?) -> Key {
    guard var time else { return Key(kind: .none) }
    let packed = time.withUTF8 { bytes -> Key? in
      guard bytes.count == 28, !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
      func word(_ from: Int, _ count: Int) -> UInt64 {
        var value: UInt64 = 0
        for n in from..<from + count { value = value << 8 | UInt64(bytes[n]) }
        return value
      }
      return Key(
        kind: .packed, w0: word(0, 8), w1: word(8, 8), w2: word(16, 8), w3: UInt32(word(24, 4)))
    }
    return packed ?? Key(kind: .text)
  }

  /// Whether `a` comes before `b`: the newer time first, a time before none; nil when
  /// their times are equal (or both missing), for the caller's tie-break by name.
  func precedes(_ a: Int, _ b: Int, times: [String?]) -> Bool? {
    let x = keys[a]
    let y = keys[b]
    switch (x.kind, y.kind) {
    case (.none, .none): return nil
    case (.none, _): return false
    case (_, .none): return true
    case (.packed, .packed):
      if x.w0 != y.w0 { return x.w0 > y.w0 }
      if x.w1 != y.w1 { return x.w1 > y.w1 }
      if x.w2 != y.w2 { return x.w2 > y.w2 }
      if x.w3 != y.w3 { return x.w3 > y.w3 }
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

  /// The same order, names compared by their keys first (`names`, by the same positions).
  func sorted(
    _ positions: [Int], times: [String?], names: NameOrder, name: (Int) -> String
  ) -> [Int] {
    positions.sorted { a, b in
      precedes(a, b, times: times) ?? names.precedes(a, b) ?? (name(a) < name(b))
    }
  }
}

extension Array {
  /// Appends `other`'s elements by swapping each out for `placeholder` (one that holds no
  /// object): `append(contentsOf:)` copies them, retaining every string they hold, and
  /// freeing `other` then releases each again.
  mutating func append(moving other: inout [Element], leaving placeholder: Element) {
    // No `reserveCapacity` here: called once per repository, it would grow the list by
    // exactly what is added each time (a copy per call), not geometrically.
    for n in other.indices {
      append(placeholder)
      swap(&self[count - 1], &other[n])
    }
  }

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
