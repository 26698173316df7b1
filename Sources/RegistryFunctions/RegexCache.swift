import Foundation
import JMESPath

/// Compiled regular expressions by pattern, so `[?regex_test(name, '^v1')]` compiles its
/// pattern once rather than once per element. NSRegularExpression is thread-safe once built.
final class RegexCache: @unchecked Sendable {
  static let shared = RegexCache()

  private let lock = NSLock()
  private var compiled: [String: NSRegularExpression] = [:]

  func matches(_ subject: String, _ pattern: String) throws(JMESPathError) -> Bool {
    let regex = try self.regex(pattern)
    let range = NSRange(subject.startIndex..<subject.endIndex, in: subject)
    return regex.firstMatch(in: subject, range: range) != nil
  }

  func regex(_ pattern: String) throws(JMESPathError) -> NSRegularExpression {
    lock.lock()
    defer { lock.unlock() }
    if let regex = compiled[pattern] { return regex }
    let regex: NSRegularExpression
    do {
      regex = try NSRegularExpression(pattern: pattern)
    } catch {
      throw JMESPathError(
        .invalidValue, "regex_test() expected a regular expression, but '\(pattern)' is not one")
    }
    if compiled.count > 256 { compiled.removeAll() }
    compiled[pattern] = regex
    return regex
  }
}
