/// A policy's regular expression that needs no regex engine: a sequence of literal
/// characters, `.`, `\d` and bracket classes of ASCII characters and ranges, each optionally
/// repeated (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`), matched against a whole ASCII name
/// (what ICU answers for `\A(?:pattern)\z`).
/// Release patterns such as `v[0-9]+` or `[0-9]+\.[0-9]+\.[0-9]+` are of this kind, and a
/// policy over a million tags spent most of its matching time in Foundation's regex engine
/// (converting each name to UTF-16 for ICU). Anything else — groups, alternation, anchors,
/// lazy or possessive repetition, negated classes, other escapes, non-ASCII text — is left
/// to `NSRegularExpression`, as is a name that is not ASCII. Matches are exactly ICU's
/// (`SimpleExpressionTests` compares both over generated names).
struct SimpleExpression: Sendable {
  /// One position of the pattern: the bytes it accepts and how often.
  struct Atom: Sendable {
    /// Bit `b` of word `b / 64` is set when byte `b` (ASCII) is accepted.
    var accepted: (UInt64, UInt64)
    var minimum: Int
    var maximum: Int

    func accepts(_ byte: UInt8) -> Bool {
      byte < 64
        ? accepted.0 & (1 << UInt64(byte)) != 0
        : byte < 128 ? accepted.1 & (1 << UInt64(byte - 64)) != 0 : false
    }
  }

  let atoms: [Atom]

  /// The pattern's atoms, or nil when it uses anything beyond this subset.
  init?(_ pattern: String) {
    var bytes = Array(pattern.utf8)[...]
    var atoms: [Atom] = []
    while let byte = bytes.popFirst() {
      var atom = Atom(accepted: (0, 0), minimum: 1, maximum: 1)
      switch byte {
      case UInt8(ascii: "."):
        // ICU's `.` matches anything but a line terminator (of ASCII: \n, \v, \f, \r).
        for b in UInt8(0)..<128 where !(0x0A...0x0D).contains(b) { atom.add(b) }
      case UInt8(ascii: "\\"):
        guard let escaped = bytes.popFirst() else { return nil }
        if escaped == UInt8(ascii: "d") {
          atom.add(UInt8(ascii: "0")...UInt8(ascii: "9"))
        } else if Self.isPunctuation(escaped) {
          atom.add(escaped)
        } else {
          return nil
        }
      case UInt8(ascii: "["):
        guard Self.readClass(&bytes, into: &atom) else { return nil }
      case _ where Self.isLiteral(byte):
        atom.add(byte)
      default:
        return nil
      }
      guard Self.readRepetition(&bytes, into: &atom) else { return nil }
      atoms.append(atom)
    }
    self.atoms = atoms
  }

  /// Whether the whole of `name` matches; nil when `name` is not ASCII (ICU decides then).
  func matches(_ name: String) -> Bool? {
    let answer = name.utf8.withContiguousStorageIfAvailable { matches($0) }
    if let answer { return answer }
    return matches(Array(name.utf8))
  }

  func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
    guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
    // failed[i * (count + 1) + p]: atoms i... cannot match bytes p... (each pair is tried
    // at most once, so no pattern takes more than atoms × length × repetitions).
    let cells = (atoms.count + 1) * (bytes.count + 1)
    return withUnsafeTemporaryAllocation(of: Bool.self, capacity: cells) { failed in
      failed.initialize(repeating: false)
      return match(0, 0, bytes, failed)
    }
  }

  func matches(_ bytes: [UInt8]) -> Bool? {
    bytes.withUnsafeBufferPointer { matches($0) }
  }

  private func match(
    _ atom: Int, _ position: Int, _ bytes: UnsafeBufferPointer<UInt8>,
    _ failed: UnsafeMutableBufferPointer<Bool>
  ) -> Bool {
    if atom == atoms.count { return position == bytes.count }
    let memo = atom * (bytes.count + 1) + position
    if failed[memo] { return false }
    let current = atoms[atom]
    // How many bytes from `position` this atom can take, at most.
    var run = 0
    while run < current.maximum, position + run < bytes.count,
      current.accepts(bytes[position + run])
    {
      run += 1
    }
    if run >= current.minimum {
      // Greedy, as ICU: the longest first (the answer is the same either way).
      for taken in stride(from: run, through: current.minimum, by: -1)
      where match(atom + 1, position + taken, bytes, failed) {
        return true
      }
    }
    failed[memo] = true
    return false
  }

  /// Letters, digits and the punctuation that stands for itself outside a class.
  static func isLiteral(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"),
      UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "="),
      UInt8(ascii: ","), UInt8(ascii: "%"), UInt8(ascii: "~"):
      return true
    default:
      return false
    }
  }

  /// ASCII punctuation, which a backslash makes literal (letters and digits after a
  /// backslash are ICU's classes and escapes, left to ICU but for `\d`).
  static func isPunctuation(_ byte: UInt8) -> Bool {
    (0x21...0x7E).contains(byte) && !isAlphanumeric(byte)
  }

  static func isAlphanumeric(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
      || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
      || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
  }

  /// A class after its `[`: letters, digits, `_`, `-`, `.` (literal there) and ranges of
  /// letters or digits, up to `]`. Negation, nested classes, escapes and ICU's set
  /// operators are declined.
  static func readClass(_ bytes: inout ArraySlice<UInt8>, into atom: inout Atom) -> Bool {
    var members = 0
    while let byte = bytes.popFirst() {
      if byte == UInt8(ascii: "]") { return members > 0 }
      let isMember =
        isAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        || (byte == UInt8(ascii: "-") && (members == 0 || bytes.first == UInt8(ascii: "]")))
      guard isMember else { return false }
      if byte != UInt8(ascii: "-"), bytes.first == UInt8(ascii: "-"),
        let end = bytes.dropFirst().first, end != UInt8(ascii: "]")
      {
        // A range: both ends letters or digits of one kind, in order.
        guard isAlphanumeric(byte), isAlphanumeric(end), sameKind(byte, end), byte <= end
        else { return false }
        bytes.removeFirst(2)
        atom.add(byte...end)
      } else {
        atom.add(byte)
      }
      members += 1
    }
    return false
  }

  static func sameKind(_ a: UInt8, _ b: UInt8) -> Bool {
    let kinds: [ClosedRange<UInt8>] = [
      UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"),
    ]
    return kinds.contains { $0.contains(a) && $0.contains(b) }
  }

  /// `*`, `+`, `?` or `{n}`, `{n,}`, `{n,m}` (n, m up to 1000) after an atom, if any; a
  /// lazy or possessive suffix, or a second quantifier, is declined.
  static func readRepetition(_ bytes: inout ArraySlice<UInt8>, into atom: inout Atom) -> Bool {
    switch bytes.first {
    case UInt8(ascii: "*"): (atom.minimum, atom.maximum) = (0, Int.max)
    case UInt8(ascii: "+"): (atom.minimum, atom.maximum) = (1, Int.max)
    case UInt8(ascii: "?"): (atom.minimum, atom.maximum) = (0, 1)
    case UInt8(ascii: "{"):
      guard let close = bytes.firstIndex(of: UInt8(ascii: "}")) else { return false }
      let inside = String(decoding: bytes[bytes.startIndex + 1..<close], as: UTF8.self)
      let parts = inside.split(separator: ",", omittingEmptySubsequences: false)
      let digits = parts.allSatisfy { $0.allSatisfy { ("0"..."9").contains($0) } }
      guard (1...2).contains(parts.count), digits,
        let low = Int(parts[0]), low <= 1000
      else { return false }
      var high = low
      if parts.count == 2 {
        if parts[1].isEmpty {
          high = Int.max
        } else {
          guard let value = Int(parts[1]), value >= low, value <= 1000 else { return false }
          high = value
        }
      }
      (atom.minimum, atom.maximum) = (low, high)
      bytes = bytes[(close + 1)...]
      return !isQuantifier(bytes.first)
    default:
      return true
    }
    bytes.removeFirst()
    return !isQuantifier(bytes.first)
  }

  static func isQuantifier(_ byte: UInt8?) -> Bool {
    guard let byte else { return false }
    return [UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{")]
      .contains(byte)
  }
}

extension SimpleExpression.Atom {
  mutating func add(_ byte: UInt8) {
    if byte < 64 {
      accepted.0 |= 1 << UInt64(byte)
    } else if byte < 128 {
      accepted.1 |= 1 << UInt64(byte - 64)
    }
  }

  mutating func add(_ bytes: ClosedRange<UInt8>) {
    for byte in bytes { add(byte) }
  }
}
