/// What can go wrong with the cache file itself, named so a person can act on it.
public enum CacheError: Error, CustomStringConvertible, Sendable {
  /// The file exists but is not an SQLite database; regsh never overwrites it.
  case notACache(path: String)
  /// The cache was written by a newer regsh whose schema this one does not know.
  case newerSchema(path: String)
  /// SQLite refused to open or read the file.
  case unreadable(path: String, reason: String)
  /// The PostgreSQL store could not be reached, refused the login, or went away mid-way.
  case storeUnavailable(store: String, reason: String)
  case unknownRegistry(String)
  case unknownRepository(registry: String, repository: String)
  case invalidArgument(String)
  /// A value in the cache that regsh never writes: the file was damaged or edited.
  case damaged(String)

  public var description: String {
    switch self {
    case .notACache(let path):
      "\(path) is not a regsh cache (not an SQLite database); it was left untouched. "
        + "Move it away or set REGSH_HOME to use another directory."
    case .newerSchema(let path) where path.hasPrefix("postgresql:"):
      "\(path) was written by a newer regsh; this one cannot read it and left it untouched. "
        + "Upgrade regsh, or point REGSH_STORE (or `store set`) at another store."
    case .newerSchema(let path):
      "\(path) was written by a newer regsh; this one cannot read it and left it untouched. "
        + "Upgrade regsh, or set REGSH_HOME to use another directory."
    case .unreadable(let path, let reason):
      "cannot open the cache \(path): \(reason)"
    case .storeUnavailable(let store, let reason):
      "the store \(store) is unavailable: \(reason)"
    case .unknownRegistry(let name):
      "no registry named '\(name)': add it with `registry add \(name) URL`"
    case .unknownRepository(let registry, let repository):
      "repository '\(repository)' is not in the cache of '\(registry)': run `sync \(repository)`"
    case .invalidArgument(let message):
      message
    case .damaged(let what):
      "the cache holds \(what); sync the registry again, or move the cache away to rebuild it"
    }
  }
}
