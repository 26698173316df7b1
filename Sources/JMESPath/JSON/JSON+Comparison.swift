/// Equality and ordering with JMESPath's rules rather than Swift's.
///
/// Strings compare by Unicode code point, which is the order of their UTF-8 bytes —
/// not by Swift's canonical equivalence, under which "é" and "e\u{301}" are equal.
extension JSON: Equatable {
  public static func == (lhs: JSON, rhs: JSON) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.int(let a), .int(let b)): return a == b
    case (.int, .double), (.double, .int), (.double, .double):
      return lhs.numberValue! == rhs.numberValue!
    case (.string(let a), .string(let b)): return codePointEqual(a, b)
    case (.array(let a), .array(let b)):
      return a.count == b.count && zip(a, b).allSatisfy { $0 == $1 }
    case (.object(let a), .object(let b)):
      guard a.count == b.count else { return false }
      for (key, value) in a {
        guard let other = b[key], other == value else { return false }
      }
      return true
    default: return false
    }
  }
}

/// True when both strings hold the same code points.
@inline(__always)
public func codePointEqual(_ a: String, _ b: String) -> Bool {
  a.utf8.elementsEqual(b.utf8)
}

/// Orders two strings by code point (UTF-8 byte order is code point order).
public func codePointLess(_ a: String, _ b: String) -> Bool {
  var a = a
  var b = b
  return a.withUTF8 { x in
    b.withUTF8 { y in
      let n = min(x.count, y.count)
      if n > 0 {
        let c = memcmp(x.baseAddress!, y.baseAddress!, n)
        if c != 0 { return c < 0 }
      }
      return x.count < y.count
    }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
