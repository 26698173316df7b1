/// A registry regsh knows by name (`registry add NAME URL`), as the cache keeps it: once
/// stored it has an id, which every cached repository, rule and sync state refers to.
public struct RegistryInfo: Codable, Hashable, Sendable {
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

extension RegistryInfo {
  /// The registry as a row of the `registry` table holds it.
  init(_ row: StoreRow) throws {
    try self.init(
      id: row["id"], name: row["name"], url: row["url"], insecure: row["insecure"],
      flavor: row["flavor"], addedAt: row["addedAt"])
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
      if let existing = try db.row("SELECT * FROM registry WHERE name = ?", [registry.name])
        .map(RegistryInfo.init)
      {
        try db.execute(
          "UPDATE registry SET url = ?, insecure = ?, flavor = ? WHERE id = ?",
          [registry.url, registry.insecure, registry.flavor, existing.id])
        return RegistryInfo(
          id: existing.id, name: existing.name, url: registry.url, insecure: registry.insecure,
          flavor: registry.flavor, addedAt: existing.addedAt)
      }
      let addedAt = Timestamp.now()
      let id = try db.scalar(
        Int64.self,
        "INSERT INTO registry (name, url, insecure, flavor, addedAt) VALUES (?, ?, ?, ?, ?) RETURNING id",
        [registry.name, registry.url, registry.insecure, registry.flavor, addedAt])!
      return RegistryInfo(
        id: id, name: registry.name, url: registry.url,
        insecure: registry.insecure, flavor: registry.flavor, addedAt: addedAt)
    }
  }

  public func registries() throws -> [RegistryInfo] {
    try read { db in
      try db.rows("SELECT * FROM registry ORDER BY name", []).map(RegistryInfo.init)
    }
  }

  /// The registry called `name`, or nil.
  public func registry(named name: String) throws -> RegistryInfo? {
    try read { db in
      try db.row("SELECT * FROM registry WHERE name = ?", [name]).map(RegistryInfo.init)
    }
  }

  /// Forgets a registry and everything cached about it (the audit log stays).
  @discardableResult
  public func removeRegistry(named name: String) throws -> Bool {
    try write { db in try db.execute("DELETE FROM registry WHERE name = ?", [name]) > 0 }
  }

  /// The names of the registry's repositories that still exist.
  public func repositoryNames(registryId: Int64) throws -> [String] {
    try read { db in
      try db.column(
        String.self,
        "SELECT name FROM repository WHERE registryId = ? AND goneAt IS NULL ORDER BY name",
        [registryId])
    }
  }

  /// Whether `repository` has been synced at least once.
  public func hasSynced(registryId: Int64, repository: String) throws -> Bool {
    try read { db in
      try db.scalar(
        Bool.self,
        "SELECT lastSynced IS NOT NULL FROM repository WHERE registryId = ? AND name = ?",
        [registryId, repository]) ?? false
    }
  }
}
