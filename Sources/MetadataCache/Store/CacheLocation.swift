import Foundation

/// Where regsh keeps its files: `$REGSH_HOME` when set (tests always set it), else the XDG
/// base directories.
public struct CacheLocation: Sendable {
  /// The directory of the cache database (and other state files).
  public let stateDirectory: URL
  public let configDirectory: URL
  /// `REGSH_STORE`: the store to use instead of the SQLite file (a PostgreSQL URL).
  public let storeSetting: String?

  public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    storeSetting = environment["REGSH_STORE"]
    if let home = environment["REGSH_HOME"], !home.isEmpty {
      let root = URL(fileURLWithPath: home)
      stateDirectory = root
      configDirectory = root
      return
    }
    let user =
      environment["HOME"].map { URL(fileURLWithPath: $0) }
      ?? FileManager.default.homeDirectoryForCurrentUser
    func xdg(_ variable: String, _ fallback: String) -> URL {
      if let value = environment[variable], value.hasPrefix("/") {
        return URL(fileURLWithPath: value)
      }
      return user.appendingPathComponent(fallback)
    }
    stateDirectory = xdg("XDG_CACHE_HOME", ".cache").appendingPathComponent("regsh")
    configDirectory = xdg("XDG_CONFIG_HOME", ".config").appendingPathComponent("regsh")
  }

  /// The SQLite cache file.
  public var cacheFile: URL { stateDirectory.appendingPathComponent("cache.sqlite") }
}
