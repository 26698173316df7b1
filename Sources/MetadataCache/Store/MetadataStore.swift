import Foundation

/// The durable cache: registries, sync state, manifests, tags, blobs, protection rules and
/// the audit log, in one of two backends behind one seam (`StoreBackend`): an SQLite file
/// (the default, one person) or a team's PostgreSQL database (`REGSH_STORE`). Each
/// repository's sync commits in one transaction, so a killed sync leaves the last complete
/// state.
public final class MetadataStore: Sendable {
  /// Where the store is: the SQLite file's path, or the PostgreSQL URL (never a password).
  public let path: String
  let backend: any StoreBackend

  /// Opens (creating if needed) the SQLite cache at `url`. A file that is not SQLite, or
  /// that a newer regsh wrote, is an error and is left as it is.
  public convenience init(url: URL) throws {
    try self.init(address: .sqlite(url))
  }

  /// Opens the store at `address`, migrating its schema forward if needed.
  public init(address: StoreAddress) throws {
    switch address {
    case .sqlite(let url): backend = try SQLiteBackend(url: url)
    case .postgresql(let server): backend = try PostgresBackend(server: server)
    }
    path = backend.description
  }

  /// Opens the store where `location` says: `REGSH_STORE`, else `store set`'s choice, else
  /// the SQLite file.
  public convenience init(location: CacheLocation = CacheLocation()) throws {
    try self.init(address: try location.storeAddress())
  }

  /// The backend's name: `sqlite` or `postgresql`.
  public var backendName: String { backend.dialect.name }

  var dialect: StoreDialect { backend.dialect }

  func read<T>(_ body: (any StoreConnection) throws -> T) throws -> T {
    try backend.read(body)
  }

  func write<T>(_ body: (any StoreConnection) throws -> T) throws -> T {
    try backend.write(body)
  }

  /// Takes the registry's action lock for a delete, purge or policy apply; when another
  /// client holds it, waits with `wait`, else throws `ActionLockBusy` at once. Hold the
  /// result for as long as the action runs.
  public func actionLock(registry: String, wait: Bool = false) throws -> any ActionLock {
    try backend.actionLock(registry: registry, wait: wait)
  }
}
