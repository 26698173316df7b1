import JMESPath
import Yams

extension YAMLOutput {
  /// Private-use characters standing in for characters beyond the Basic Multilingual
  /// Plane (emoji, rare CJK) while libyaml writes the YAML.
  ///
  /// libyaml counts those characters as unprintable and writes them as `"\U0001F600"`;
  /// PyYAML, which az uses, prints them as they are in plain and single-quoted scalars. A private-use character is printable to
  /// libyaml and, like the original, neither white space nor a YAML indicator, so libyaml
  /// picks the same scalar style and folds lines at the same places; the originals are put
  /// back afterwards.
  struct AstralStandIns {
    private var standIns: [Unicode.Scalar: Unicode.Scalar] = [:]
    private var originals: [Unicode.Scalar: Unicode.Scalar] = [:]

    static let privateUse: ClosedRange<UInt32> = 0xE000...0xF8FF

    /// Stand-ins for the astral characters of `value`'s strings and keys, or nil when it has
    /// none (or more than the private-use area can stand in for: libyaml's escapes remain).
    init?(for value: JSON) {
      var astral: Set<Unicode.Scalar> = []
      var inUse: Set<UInt32> = []
      Self.collect(value, astral: &astral, privateUse: &inUse)
      guard !astral.isEmpty else { return nil }
      var next = Self.privateUse.lowerBound
      for original in astral {
        while inUse.contains(next) { next += 1 }
        guard Self.privateUse.contains(next), let standIn = Unicode.Scalar(next) else { return nil }
        standIns[original] = standIn
        originals[standIn] = original
        next += 1
      }
    }

    /// PyYAML prints U+10000 up to, not including, U+10FFFF as it is.
    static func isPrintableAstral(_ scalar: Unicode.Scalar) -> Bool {
      scalar.value >= 0x10000 && scalar.value < 0x10FFFF
    }

    static func collect(
      _ value: JSON, astral: inout Set<Unicode.Scalar>, privateUse: inout Set<UInt32>
    ) {
      func scan(_ text: String) {
        for scalar in text.unicodeScalars {
          if isPrintableAstral(scalar) {
            astral.insert(scalar)
          } else if Self.privateUse.contains(scalar.value) {
            privateUse.insert(scalar.value)
          }
        }
      }
      switch value {
      case .string(let s): scan(s)
      case .array(let elements):
        for element in elements { collect(element, astral: &astral, privateUse: &privateUse) }
      case .object(let members):
        for (key, member) in members {
          scan(key)
          collect(member, astral: &astral, privateUse: &privateUse)
        }
      default: break
      }
    }

    /// `text` with stand-ins, unless libyaml will write it double-quoted anyway (it holds
    /// a control character, say): PyYAML too escapes astral characters there, as
    /// `\U0001F600`, and so does libyaml.
    func substitute(_ text: String) -> String {
      let candidate = replace(text, using: standIns)
      guard candidate != text else { return text }
      let alone = try? Yams.serialize(
        node: .scalar(YAMLOutput.string(candidate)), allowUnicode: true)
      return alone?.unicodeScalars.first == "\"" ? text : candidate
    }

    func restore(_ yaml: String) -> String { replace(yaml, using: originals) }

    private func replace(_ text: String, using table: [Unicode.Scalar: Unicode.Scalar]) -> String {
      guard text.unicodeScalars.contains(where: { table[$0] != nil }) else { return text }
      return String(String.UnicodeScalarView(text.unicodeScalars.map { table[$0] ?? $0 }))
    }
  }
}
