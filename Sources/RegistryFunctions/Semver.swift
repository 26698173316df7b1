/// A semantic version (semver.org 2.0.0), as image tags write them: `1.2.3`, `v1.2.3`,
/// `1.2.3-rc.1+build.5`. Only the full MAJOR.MINOR.PATCH form is a version; `1.2` or
/// `latest` are not.
public struct Semver: Sendable, Equatable {
  public var major: Int
  public var minor: Int
  public var patch: Int
  /// Dot-separated identifiers after `-`, empty when there are none.
  public var prerelease: [String]
  /// Dot-separated identifiers after `+`; they never affect precedence.
  public var build: [String]

  /// nil when `text` is not a version. A leading `v` or `V` is allowed.
  public init?(_ text: String) {
    var s = Substring(text)
    if s.first == "v" || s.first == "V" { s = s.dropFirst() }
    var build: [String] = []
    if let plus = s.firstIndex(of: "+") {
      build = s[s.index(after: plus)...].split(separator: ".", omittingEmptySubsequences: false)
        .map(String.init)
      guard build.allSatisfy(Self.isIdentifier) else { return nil }
      s = s[..<plus]
    }
    var prerelease: [String] = []
    if let dash = s.firstIndex(of: "-") {
      prerelease = s[s.index(after: dash)...].split(
        separator: ".", omittingEmptySubsequences: false
      )
      .map(String.init)
      guard
        prerelease.allSatisfy({
          Self.isIdentifier($0) && (!Self.isNumeric($0) || $0 == "0" || !$0.hasPrefix("0"))
        })
      else { return nil }
      s = s[..<dash]
    }
    let core = s.split(separator: ".", omittingEmptySubsequences: false)
    guard core.count == 3,
      core.allSatisfy({ Self.isNumeric(String($0)) && ($0 == "0" || !$0.hasPrefix("0")) }),
      let major = Int(core[0]), let minor = Int(core[1]), let patch = Int(core[2])
    else { return nil }
    (self.major, self.minor, self.patch) = (major, minor, patch)
    self.prerelease = prerelease
    self.build = build
  }

  static func isIdentifier(_ s: String) -> Bool {
    !s.isEmpty
      && s.utf8.allSatisfy {
        ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
          || $0 == 0x2D
      }
  }

  static func isNumeric(_ s: String) -> Bool {
    !s.isEmpty && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
  }

  /// Precedence as semver.org defines it: -1, 0 or 1. Build metadata is ignored.
  public func compare(_ other: Semver) -> Int {
    for (a, b) in [(major, other.major), (minor, other.minor), (patch, other.patch)] where a != b {
      return a < b ? -1 : 1
    }
    // A version without a prerelease ranks above one with.
    switch (prerelease.isEmpty, other.prerelease.isEmpty) {
    case (true, true): return 0
    case (true, false): return 1
    case (false, true): return -1
    default: break
    }
    for (a, b) in zip(prerelease, other.prerelease) where a != b {
      switch (Self.isNumeric(a), Self.isNumeric(b)) {
      case (true, true):
        // Numeric identifiers compare as numbers; long ones by length first.
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        return a < b ? -1 : 1
      case (true, false): return -1
      case (false, true): return 1
      default: return Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)) ? -1 : 1
      }
    }
    if prerelease.count == other.prerelease.count { return 0 }
    return prerelease.count < other.prerelease.count ? -1 : 1
  }
}
