import RegistryAPI

/// Digests are stored as their text (`sha256:…`) and bound to statements as it.
extension Digest: StoreBindable {
  var storeValue: StoreValue { .text(description) }
}

extension StoreRow {
  /// The digest in column `index`, read so that a cache damaged or edited by hand gets an
  /// error naming the value, never a crash.
  func digest(_ index: Int) throws -> Digest {
    try Self.digest(from: value(index))
  }

  func digest(_ column: String) throws -> Digest {
    try Self.digest(from: value(column))
  }

  /// The digest in column `index`, nil when it is NULL.
  func optionalDigest(_ index: Int) throws -> Digest? {
    let value = value(index)
    return value == .null ? nil : try Self.digest(from: value)
  }

  func optionalDigest(_ column: String) throws -> Digest? {
    let value = value(column)
    return value == .null ? nil : try Self.digest(from: value)
  }

  private static func digest(from value: StoreValue) throws -> Digest {
    guard let text = String.decode(value), let digest = try? Digest(text) else {
      throw CacheError.damaged("a digest that is not one (\(String(describing: value).prefix(80)))")
    }
    return digest
  }
}
