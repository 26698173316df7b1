import ArgumentParser
import RegistryAPI

/// Checks that ArgumentParser runs on an option's text as it parses the command line
/// (`@Option(transform: …)`), so a bad value stops the command before it reads the cache,
/// asks a registry or changes anything. A thrown `ValidationError` becomes ArgumentParser's
/// "The value 'X' is invalid for '--flag <n>': REASON", a usage error: exit 64 on regsh's
/// command line, 2 for `regsh az …` (as az), 1 inside the shell.
public enum ArgumentCheck {
  /// A whole number of at least 1: `--concurrency`, `--repositories`, an id.
  @Sendable public static func atLeastOne(_ text: String) throws -> Int {
    guard let value = Int(text), value >= 1 else {
      throw ValidationError("must be a whole number of at least 1")
    }
    return value
  }

  /// A digest (`sha256:` and 64 hex digits, or `sha512:` and 128): what `restore` takes.
  @Sendable public static func digest(_ text: String) throws -> Digest {
    do {
      return try Digest(text)
    } catch RegistryError.invalidDigest(_, let reason) {
      throw ValidationError("not a digest: \(reason)")
    }
  }

  /// A whole number of 0 or more: `--top`, `--last`, `--manifests`.
  @Sendable public static func nonNegative(_ text: String) throws -> Int {
    guard let value = Int(text), value >= 0 else {
      throw ValidationError("must be a whole number, 0 or more")
    }
    return value
  }

  /// A registry name (from `registry add`), a login server (`host`, `host:port`,
  /// `[v6]:port`) or a local registry (`oci:DIR`): what `-n/--name/--registry` accepts.
  /// Only the spelling is checked here; whether the registry is known is up to the command.
  /// (A name with a blank or a control character could never be typed back at `-n`, and
  /// one that is not a login server is never sent anywhere.)
  @Sendable public static func registryName(_ text: String) throws -> String {
    if let problem = registryNameProblem(text) { throw ValidationError(problem) }
    return text
  }

  /// Why `text` is not a registry name, or nil when it is one.
  static func registryNameProblem(_ text: String) -> String? {
    if text.isEmpty { return "a registry name must not be empty" }
    if text.utf8.count > 255 { return "a registry name is at most 255 bytes long" }
    if text.hasPrefix("oci:") {
      if text.dropFirst(4).isEmpty { return "oci: must be followed by a directory" }
      if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
        return "a directory name must not hold control characters"
      }
      return nil
    }
    var host = Substring(text)
    if host.hasPrefix("[") {
      // An IPv6 address, as a login server writes it: [::1] or [::1]:5000.
      guard let close = host.firstIndex(of: "]") else { return "'[' without ']'" }
      let address = host[host.index(after: host.startIndex)..<close]
      guard !address.isEmpty, address.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." })
      else { return "'[\(address)]' is not an IPv6 address" }
      let rest = host[host.index(after: close)...]
      if rest.isEmpty { return nil }
      guard rest.first == ":" else { return "only ':PORT' may follow ']'" }
      return portProblem(rest.dropFirst())
    }
    if let colon = host.lastIndex(of: ":") {
      if let problem = portProblem(host[host.index(after: colon)...]) { return problem }
      host = host[..<colon]
    }
    guard let first = host.first, first.isASCII, first.isLetter || first.isNumber || first == "_"
    else {
      return "a registry name starts with a letter, a digit or '_'"
    }
    guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
    else {
      return
        "a registry name holds only letters, digits, '.', '_' and '-' (a login server may end in :PORT)"
    }
    return nil
  }

  static func portProblem(_ port: Substring) -> String? {
    guard let number = Int(port), port.allSatisfy(\.isNumber), (1...65535).contains(number) else {
      return "'\(port)' is not a port (1 to 65535)"
    }
    return nil
  }
}
