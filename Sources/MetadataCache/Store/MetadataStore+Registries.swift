import GRDB

/// A registry regsh knows by name (`registry add NAME URL`).
public struct RegistryInfo: Codable, Hashable, Sendable, FetchableRecord, MutablePersistableRecord {
  public static let databaseTableName = "registry"
  public var id: Int64?
  public var name: String
  /// A login server (`host[:port]`), an http(s) URL, or `oci:DIR` for a local layout.
  public var url: String
  public var insecure: Bool
  /// `automatic`, `acr` or `distribution`.
  public var flavor: String
  public var addedAt: String

  public init(name: String, url: String, insecure: Bool = false, flavor: String = "automatic") {
    self.name = name
    self.url = url
    self.insecure = insecure
    self.flavor = flavor
    self.addedAt = Timestamp.now()
  }

  public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension MetadataStore {
  /// Adds (or updates the URL of) a named registry.
  @discardableResult
  public func addRegistry(_ registry: RegistryInfo) throws -> RegistryInfo {
    try write { db in
      if var existing = try RegistryInfo.filter(Column("name") == registry.name).fetchOne(db) {
        existing.url = registry.url
        existing.insecure = registry.insecure
        existing.flavor = registry.flavor
        try existing.update(db)
        return existing
      }
      var record = registry
      try record.insert(db)
      return record
    }
  }

  public func registries() throws -> [RegistryInfo] {
    try read { db in try RegistryInfo.order(Column("name")).fetchAll(db) }
  }

  /// The registry called `name`, or nil.
  public func registry(named name: String) throws -> RegistryInfo? {
    try read { db in try RegistryInfo.filter(Column("name") == name).fetchOne(db) }
  }

  /// Forgets a registry and everything cached about it (the audit log stays).
  @discardableResult
  public func removeRegistry(named name: String) throws -> Bool {
    try write { db in try RegistryInfo.filter(Column("name") == name).deleteAll(db) > 0 }
  }

  /// The names of the registry's repositories that still exist.
  public func repositoryNames(registryId: Int64) throws -> [String] {
    try read { db in
      try String.fetchAll(
        db,
        sql: "SELECT name FROM repository WHERE registryId = ? AND goneAt IS NULL ORDER BY name",
        arguments: [registryId])
    }
  }

  /// Whether `repository` has been synced at least once.
  public func hasSynced(registryId: Int64, repository: String) throws -> Bool {
    try read { db in
      try Bool.fetchOne(
        db,
        sql: "SELECT lastSynced IS NOT NULL FROM repository WHERE registryId = ? AND name = ?",
        arguments: [registryId, repository]) ?? false
    }
  }
}
