import Foundation

/// An image reference `[host[:port]/]name[:tag][@digest]`, following the distribution spec's grammar.
public struct Reference: Hashable, Sendable, CustomStringConvertible {
  /// The registry host with optional port, or nil when the reference named none.
  public var registry: String?
  /// The repository name, e.g. `marketing/campaign10-18/web`.
  public var repository: String
  /// The tag; `latest` when the reference gave neither tag nor digest.
  public var tag: String?
  /// The digest, when the reference pinned one.
  public var digest: Digest?

  /// The part of a reference that failed to parse, named in `RegistryError.invalidReference`.
  public enum Part: String, Sendable {
    case registry, repository, tag, digest
  }

  /// Builds a reference from parts that are validated the same way as a parsed one.
  public init(
    registry: String? = nil, repository: String, tag: String? = nil, digest: Digest? = nil
  )
    throws
  {
    let text = repository + (tag.map { ":\($0)" } ?? "") + (digest.map { "@\($0)" } ?? "")
    if let registry { try Self.validateRegistry(registry, in: text) }
    try Self.validateRepository(repository, in: text)
    if let tag { try Self.validateTag(tag, in: text) }
    self.registry = registry
    self.repository = repository
    self.tag = tag ?? (digest == nil ? "latest" : nil)
    self.digest = digest
  }

  /// Parses `[host[:port]/]name[:tag][@digest]`; an image without tag or digest means `:latest`.
  public init(parsing text: String) throws {
    guard !text.isEmpty else {
      throw RegistryError.invalidReference(
        text, part: .repository, reason: "the reference is empty")
    }
    var rest = Substring(text)
    var digest: Digest?
    if let at = rest.firstIndex(of: "@") {
      let digestText = String(rest[rest.index(after: at)...])
      do {
        digest = try Digest(digestText)
      } catch let RegistryError.invalidDigest(_, reason) {
        throw RegistryError.invalidReference(text, part: .digest, reason: reason)
      }
      rest = rest[..<at]
    }
    var registry: String?
    if let slash = rest.firstIndex(of: "/") {
      let first = rest[..<slash]
      // Docker's rule: the first component is a host when it could not be a repository component.
      if first.contains(".") || first.contains(":") || first == "localhost"
        || first.contains(where: \.isUppercase)
      {
        registry = String(first)
        rest = rest[rest.index(after: slash)...]
      }
    }
    var tag: String?
    if let colon = rest.lastIndex(of: ":") {
      tag = String(rest[rest.index(after: colon)...])
      rest = rest[..<colon]
    }
    if let registry { try Self.validateRegistry(registry, in: text) }
    try Self.validateRepository(String(rest), in: text)
    if let tag { try Self.validateTag(tag, in: text) }
    self.registry = registry
    self.repository = String(rest)
    self.tag = tag ?? (digest == nil ? "latest" : nil)
    self.digest = digest
  }

  /// What a manifest request addresses: the digest when pinned, else the tag.
  public var manifestReference: String { digest?.description ?? tag ?? "latest" }

  public var description: String {
    var text = registry.map { "\($0)/" } ?? ""
    text += repository
    if let tag { text += ":\(tag)" }
    if let digest { text += "@\(digest)" }
    return text
  }

  /// Throws unless `name` is a valid repository name (path components of `[a-z0-9]` joined by `.`, `_`, `__` or dashes).
  public static func validateRepository(_ name: String, in text: String? = nil) throws {
    let fail = { (reason: String) in
      RegistryError.invalidReference(text ?? name, part: .repository, reason: reason)
    }
    guard !name.isEmpty else { throw fail("the repository name is empty") }
    guard name.utf8.count <= 255 else {
      throw fail("the repository name is longer than 255 characters")
    }
    for component in name.split(separator: "/", omittingEmptySubsequences: false) {
      guard isPathComponent(component) else {
        throw fail(
          "\"\(component)\" is not a valid path component: use lowercase letters and digits, separated by '.', '_', '__' or dashes"
        )
      }
    }
  }

  /// Throws unless `tag` matches `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
  public static func validateTag(_ tag: String, in text: String? = nil) throws {
    let fail = { (reason: String) in
      RegistryError.invalidReference(text ?? tag, part: .tag, reason: reason)
    }
    let bytes = Array(tag.utf8)
    guard let first = bytes.first else { throw fail("the tag is empty") }
    guard bytes.count <= 128 else { throw fail("the tag is longer than 128 characters") }
    guard isWord(first) else { throw fail("a tag must start with a letter, digit or '_'") }
    guard bytes.allSatisfy({ isWord($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") })
    else { throw fail("a tag may only contain letters, digits, '_', '.' and '-'") }
  }

  static func validateRegistry(_ host: String, in text: String) throws {
    let fail = { (reason: String) in
      RegistryError.invalidReference(text, part: .registry, reason: reason)
    }
    var name = Substring(host)
    if host.hasPrefix("[") {  // IPv6 literal
      guard let close = host.firstIndex(of: "]") else { throw fail("unclosed '[' in \"\(host)\"") }
      name = host[host.index(after: host.startIndex)..<close]
      let after = host[host.index(after: close)...]
      if !after.isEmpty {
        guard after.first == ":", let port = Int(after.dropFirst()), (1...65535).contains(port)
        else {
          throw fail("\"\(after.dropFirst())\" is not a port number")
        }
      }
      guard !name.isEmpty, name.allSatisfy({ $0.isHexDigit || $0 == ":" }) else {
        throw fail("\"\(host)\" is not an IPv6 address")
      }
      return
    }
    if let colon = host.lastIndex(of: ":") {
      let port = host[host.index(after: colon)...]
      guard let number = Int(port), (1...65535).contains(number), port.allSatisfy(\.isASCII) else {
        throw fail("\"\(port)\" is not a port number")
      }
      name = host[..<colon]
    }
    let labels = name.split(separator: ".", omittingEmptySubsequences: false)
    for label in labels {
      let bytes = Array(label.utf8)
      guard let first = bytes.first, let last = bytes.last,
        isAlphanumeric(first), isAlphanumeric(last),
        bytes.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") })
      else { throw fail("\"\(name)\" is not a valid host name") }
    }
  }

  private static func isPathComponent(_ component: Substring) -> Bool {
    let bytes = Array(component.utf8)
    guard let first = bytes.first, let last = bytes.last, isLowerAlnum(first), isLowerAlnum(last)
    else { return false }
    var index = 0
    while index < bytes.count {
      if isLowerAlnum(bytes[index]) {
        index += 1
        continue
      }
      // A separator: '.', '_', '__' or one or more '-', always between alphanumerics.
      var end = index
      switch bytes[index] {
      case UInt8(ascii: "."): end = index + 1
      case UInt8(ascii: "_"):
        end =
          index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "_") ? index + 2 : index + 1
      case UInt8(ascii: "-"):
        while end < bytes.count && bytes[end] == UInt8(ascii: "-") { end += 1 }
      default: return false
      }
      guard end < bytes.count, isLowerAlnum(bytes[end]) else { return false }
      index = end
    }
    return true
  }

  private static func isLowerAlnum(_ byte: UInt8) -> Bool {
    (0x61...0x7a).contains(byte) || (0x30...0x39).contains(byte)
  }

  private static func isAlphanumeric(_ byte: UInt8) -> Bool {
    isLowerAlnum(byte) || (0x41...0x5a).contains(byte)
  }

  private static func isWord(_ byte: UInt8) -> Bool {
    isAlphanumeric(byte) || byte == UInt8(ascii: "_")
  }
}
