import GRDB
import RegistryAPI

/// Digests are stored as their text (`sha256:…`) and bound to statements as it.
extension Digest: DatabaseValueConvertible {
  public var databaseValue: DatabaseValue { description.databaseValue }

  public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Digest? {
    String.fromDatabaseValue(dbValue).flatMap { try? Digest($0) }
  }
}

extension Row {
  /// The digest in column `index`, read so that a cache damaged or edited by hand gets an
  /// error naming the value, never the crash of GRDB's failed conversion.
  func digest(_ index: Int) throws -> Digest {
    try Self.digest(from: self[index] as DatabaseValue)
  }

  func digest(_ column: String) throws -> Digest {
    try Self.digest(from: self[column] as DatabaseValue)
  }

  /// The digest in column `index`, nil when it is NULL.
  func optionalDigest(_ index: Int) throws -> Digest? {
    let value = self[index] as DatabaseValue
    return value.isNull ? nil : try Self.digest(from: value)
  }

  func optionalDigest(_ column: String) throws -> Digest? {
    let value = self[column] as DatabaseValue
    return value.isNull ? nil : try Self.digest(from: value)
  }

  private static func digest(from value: DatabaseValue) throws -> Digest {
    guard let text = String.fromDatabaseValue(value), let digest = try? Digest(text) else {
      throw CacheError.damaged("a digest that is not one (\(value.description.prefix(80)))")
    }
    return digest
  }
}
