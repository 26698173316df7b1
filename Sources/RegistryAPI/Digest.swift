import Crypto
import Foundation

/// A content address such as `sha256:<64 hex>`: the only identity a registry guarantees for a manifest or blob.
public struct Digest: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
  /// The hash algorithm, `sha256` or `sha512`.
  public let algorithm: String
  /// The lowercase hex encoding of the hash.
  public let hex: String

  /// Parses and validates `algorithm:hex`, throwing `RegistryError.invalidDigest` with the reason.
  public init(_ string: String) throws {
    guard let colon = string.firstIndex(of: ":") else {
      throw RegistryError.invalidDigest(string, reason: "missing the \"algorithm:\" prefix")
    }
    let algorithm = String(string[..<colon])
    let hex = String(string[string.index(after: colon)...])
    let expectedLength: Int
    switch algorithm {
    case "sha256": expectedLength = 64
    case "sha512": expectedLength = 128
    default:
      throw RegistryError.invalidDigest(
        string, reason: "unsupported algorithm \"\(algorithm)\" (sha256 and sha512 are supported)")
    }
    guard hex.count == expectedLength else {
      throw RegistryError.invalidDigest(
        string, reason: "\(algorithm) needs \(expectedLength) hex digits, found \(hex.count)")
    }
    guard hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
      throw RegistryError.invalidDigest(string, reason: "the hex part must be lowercase 0-9a-f")
    }
    self.algorithm = algorithm
    self.hex = hex
  }

  private init(validatedAlgorithm: String, hex: String) {
    self.algorithm = validatedAlgorithm
    self.hex = hex
  }

  /// The sha256 digest of `data`.
  public static func sha256(of data: some DataProtocol) -> Digest {
    Digest(validatedAlgorithm: "sha256", hex: SHA256.hash(data: data).hexString)
  }

  /// The digest of `data` computed with this digest's algorithm, for verification.
  public func recomputed(for data: some DataProtocol) -> Digest {
    var hasher = Hasher(algorithm: algorithm)
    hasher.update(data)
    return hasher.finalize()
  }

  /// Throws `RegistryError.digestMismatch` naming both digests unless `data` hashes to this digest.
  public func verify(_ data: some DataProtocol, what: String) throws {
    let actual = recomputed(for: data)
    guard actual == self else {
      throw RegistryError.digestMismatch(what: what, expected: self, actual: actual)
    }
  }

  public var description: String { "\(algorithm):\(hex)" }

  public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.description < rhs.description }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    try self.init(container.decode(String.self))
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }

  /// Incremental hashing, so a blob streamed to disk is verified without holding it in memory.
  struct Hasher {
    private var sha256: SHA256?
    private var sha512: SHA512?
    private let algorithm: String

    init(algorithm: String) {
      self.algorithm = algorithm
      if algorithm == "sha512" { sha512 = SHA512() } else { sha256 = SHA256() }
    }

    mutating func update(_ data: some DataProtocol) {
      if sha512 != nil { sha512!.update(data: data) } else { sha256!.update(data: data) }
    }

    func finalize() -> Digest {
      let hex = sha512.map { $0.finalize().hexString } ?? sha256!.finalize().hexString
      return Digest(validatedAlgorithm: algorithm, hex: hex)
    }
  }

  /// The digest of a file's content, read in chunks.
  static func of(fileAt url: URL, algorithm: String) throws -> Digest {
    let handle = try FileHandle(forReadingFrom: url)
    defer { try? handle.close() }
    var hasher = Hasher(algorithm: algorithm)
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
      hasher.update(chunk)
    }
    return hasher.finalize()
  }
}

extension Sequence where Element == UInt8 {
  fileprivate var hexString: String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    for byte in self {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}
