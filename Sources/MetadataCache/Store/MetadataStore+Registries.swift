import GRDB

/// A registry regsh knows by name (`registry add NAME URL`), as the cache keeps it: once
/// stored it has an id, which every cached repository, rule and sync state refers to.
public struct RegistryInfo: Codable, Hashable, Sendable, FetchableRecord, TableRecord {
  public static let databaseTableName = "registry"
  public let id: Int64
  public var name: String
  /// A login server (`host[:port]`), an http(s) URL, or `oci:DIR` for a local layout.
  public var url: String
  public var insecure: Bool
  /// `automatic`, `acr` or `distribution`.
  public var flavor: String
  public var addedAt: String

  /// What it was added as.
  public var address: NewRegistry {
    NewRegistry(name: name, url: url, insecure: insecure, flavor: flavor)
  }
}

/// A registry to add: what `registry add NAME URL` says, before the cache gives it an id.
public struct NewRegistry: Hashable, Sendable {
  public var name: String
  public var url: String
  public var insecure: Bool
  public var flavor: String

  public init(name: String, url: String, insecure: Bool = false, flavor: String = "automatic") {
    self.name = name
    self.url = url
    self.insecure = insecure
    self.flavor = flavor
  }
}

extension MetadataStore {
  /// Adds (or updates the URL of) a named registry; returns it as stored.
  @discardableResult
  public func addRegistry(_ registry: NewRegistry) throws -> RegistryInfo {
    try write { db in
      if let existing = try RegistryInfo.filter(Column("name") == registry.name).fetchOne(db) {
        try db.execute(
          sql: "UPDATE registry SET url = ?, insecure = ?, flavor = ? WHERE id = ?",
          arguments: [registry.url, registry.insecure, registry.flavor, existing.id])
        return RegistryInfo(
          id: existing.id, name: existing.name, url: registry.url, insecure: registry.insecure,
          flavor: registry.flavor, addedAt: existing.addedAt)
      }
      let addedAt = Timestamp.now()
      try db.execute(
        sql: "INSERT INTO registry (name, url, insecure, flavor, addedAt) VALUES (?, ?, ?, ?, ?)",
        arguments: [registry.name, registry.url, registry.insecure, registry.flavor, addedAt])
      return RegistryInfo(
        id: db.lastInsertedRowID, name: registry.name, url: registry.url,
        insecure: registry.insecure, flavor: registry.flavor, addedAt: addedAt)
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
