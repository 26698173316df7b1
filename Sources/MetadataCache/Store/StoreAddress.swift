import Foundation

/// Which store regsh uses: an SQLite file, or a PostgreSQL database named by a
/// `postgresql://user@host:port/db` URL.
public enum StoreAddress: Sendable, Equatable, CustomStringConvertible {
  case sqlite(URL)
  case postgresql(PostgresServer)

  /// Reads a store as `REGSH_STORE`, `store set` and `store copy` name it: a
  /// `postgresql://` (or `postgres://`) URL, else the path of an SQLite file.
  public init(parsing text: String) throws {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty else { throw CacheError.invalidArgument("the store is empty") }
    if trimmed.hasPrefix("postgresql:") || trimmed.hasPrefix("postgres:") {
      self = .postgresql(try PostgresServer(url: trimmed))
    } else if trimmed.contains("://") {
      throw CacheError.invalidArgument(
        "'\(trimmed)' is not a store: use postgresql://user@host:port/database or an SQLite file's path"
      )
    } else {
      self = .sqlite(URL(fileURLWithPath: trimmed))
    }
  }

  public var description: String {
    switch self {
    case .sqlite(let url): url.path
    case .postgresql(let server): server.description
    }
  }
}

extension CacheLocation {
  /// Where `store set` keeps its choice: one line, the store's URL.
  public var storeSettingFile: URL { configDirectory.appendingPathComponent("store") }

  /// `REGSH_STORE`, else `store set`'s choice, else the SQLite file.
  public func storeAddress() throws -> StoreAddress {
    if let chosen = storeSetting, !chosen.isEmpty { return try StoreAddress(parsing: chosen) }
    if let saved = try? String(contentsOf: storeSettingFile, encoding: .utf8),
      !saved.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    {
      return try StoreAddress(parsing: saved.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    return .sqlite(cacheFile)
  }

  /// Saves `address` as the store to use when `REGSH_STORE` is not set (nil: the SQLite
  /// file again).
  public func saveStore(_ address: StoreAddress?) throws {
    guard let address else {
      try? FileManager.default.removeItem(at: storeSettingFile)
      return
    }
    try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)
    try Data((address.description + "\n").utf8).write(to: storeSettingFile, options: .atomic)
  }
}
