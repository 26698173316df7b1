/// A tag read as a semantic version: `1.2.3`, `v1.2`, `2.0.0-rc.1`; a missing minor or
/// patch is 0. Anything else is not a version, and a semver selector never selects it.
public struct SemanticVersion: Sendable, Comparable, CustomStringConvertible {
  public var major: Int
  public var minor: Int
  public var patch: Int
  public var prerelease: [String]

  public var description: String {
    "\(major).\(minor).\(patch)"
      + (prerelease.isEmpty ? "" : "-" + prerelease.joined(separator: "."))
  }

  public init?(_ text: String) {
    var rest = Substring(text)
    if rest.first == "v" || rest.first == "V" { rest = rest.dropFirst() }
    if let plus = rest.firstIndex(of: "+") { rest = rest[..<plus] }
    var pre: [String] = []
    if let dash = rest.firstIndex(of: "-") {
      pre = rest[rest.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false)
        .map(String.init)
      guard !pre.contains(where: \.isEmpty) else { return nil }
      rest = rest[..<dash]
    }
    let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
    guard (1...3).contains(parts.count),
      parts.allSatisfy({
        !$0.isEmpty && $0.count < 10 && $0.allSatisfy { $0.isASCII && $0.isNumber }
      })
    else { return nil }
    let numbers = parts.map { Int($0)! }
    major = numbers[0]
    minor = numbers.count > 1 ? numbers[1] : 0
    patch = numbers.count > 2 ? numbers[2] : 0
    prerelease = pre
  }

  init(_ major: Int, _ minor: Int, _ patch: Int, prerelease: [String] = []) {
    self.major = major
    self.minor = minor
    self.patch = patch
    self.prerelease = prerelease
  }

  public static func < (a: Self, b: Self) -> Bool {
    if (a.major, a.minor, a.patch) != (b.major, b.minor, b.patch) {
      return (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    }
    // A prerelease comes before its release; identifiers compare numerically when numeric.
    if a.prerelease.isEmpty || b.prerelease.isEmpty {
      return !a.prerelease.isEmpty && b.prerelease.isEmpty
    }
    for (x, y) in zip(a.prerelease, b.prerelease) where x != y {
      switch (Int(x), Int(y)) {
      case (let m?, let n?): return m < n
      case (.some, nil): return true
      case (nil, .some): return false
      default: return x < y
      }
    }
    return a.prerelease.count < b.prerelease.count
  }
}

/// A semver range as npm writes the common cases: comparators separated by spaces must all
/// hold (`>=1.0.0 <2`), alternatives are separated by `||`; `^1.2`, `~1.2`, `1.x` and `*`.
public struct SemanticVersionRange: Sendable, CustomStringConvertible {
  enum Operator: String {
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case equal = "="
  }
  struct Comparator: Sendable {
    var op: Operator
    var version: SemanticVersion
    func admits(_ v: SemanticVersion) -> Bool {
      switch op {
      case .less: v < version
      case .lessOrEqual: v <= version
      case .greater: v > version
      case .greaterOrEqual: v >= version
      case .equal: v == version
      }
    }
  }

  public let description: String
  let alternatives: [[Comparator]]

  public struct Invalid: Error, CustomStringConvertible {
    public let description: String
  }

  public init(_ text: String) throws(Invalid) {
    description = text
    var alternatives: [[Comparator]] = []
    for alternative in text.components(separatedBy: "||") {
      var all: [Comparator] = []
      let words = alternative.split(separator: " ").map(String.init)
      guard !words.isEmpty else { throw Invalid(description: "empty semver range in '\(text)'") }
      for word in words {
        guard let comparators = Self.comparators(word) else {
          throw Invalid(description: "invalid semver range '\(text)' (at '\(word)')")
        }
        all += comparators
      }
      alternatives.append(all)
    }
    self.alternatives = alternatives
  }

  public func admits(_ version: SemanticVersion) -> Bool {
    alternatives.contains { $0.allSatisfy { $0.admits(version) } }
  }

  static func comparators(_ word: String) -> [Comparator]? {
    if word == "*" || word == "x" { return [] }
    for op in [Operator.greaterOrEqual, .lessOrEqual, .greater, .less, .equal]
    where word.hasPrefix(op.rawValue) {
      guard let v = SemanticVersion(String(word.dropFirst(op.rawValue.count))) else { return nil }
      return [Comparator(op: op, version: v)]
    }
    if word.hasPrefix("^") || word.hasPrefix("~") {
      let body = String(word.dropFirst())
      guard let v = SemanticVersion(body) else { return nil }
      let parts = body.split(separator: ".").count
      let upper: SemanticVersion
      if word.hasPrefix("^") {
        upper =
          v.major > 0 || parts == 1
          ? SemanticVersion(v.major + 1, 0, 0)
          : v.minor > 0 || parts == 2
            ? SemanticVersion(0, v.minor + 1, 0) : SemanticVersion(0, 0, v.patch + 1)
      } else {
        upper =
          parts == 1 ? SemanticVersion(v.major + 1, 0, 0) : SemanticVersion(v.major, v.minor + 1, 0)
      }
      return [Comparator(op: .greaterOrEqual, version: v), Comparator(op: .less, version: upper)]
    }
    // `1`, `1.2`, `1.x`, `1.2.x`: that whole span; `1.2.3`: exactly it.
    let parts = word.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    let fixed = parts.prefix { $0 != "x" && $0 != "*" }
    guard !fixed.isEmpty,
      fixed.count == parts.count || parts[fixed.count...].allSatisfy({ $0 == "x" || $0 == "*" }),
      let v = SemanticVersion(fixed.joined(separator: "."))
    else { return nil }
    switch fixed.count {
    case 1:
      return [
        Comparator(op: .greaterOrEqual, version: v),
        Comparator(op: .less, version: SemanticVersion(v.major + 1, 0, 0)),
      ]
    case 2:
      return [
        Comparator(op: .greaterOrEqual, version: v),
        Comparator(op: .less, version: SemanticVersion(v.major, v.minor + 1, 0)),
      ]
    default: return [Comparator(op: .equal, version: v)]
    }
  }
}
