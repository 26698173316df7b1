import ArgumentParser
import JMESPath
import MetadataCache

/// `store set URL`: saves the store in REGSH_HOME's config after opening it once (so a
/// wrong URL, an unreachable server or a refused login is reported now, not later).
public struct StoreSet: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "set",
    abstract: "Use this store from now on: a postgresql:// URL, or `default` for the SQLite file.",
    discussion: """
      Examples:
        store set postgresql://regsh@db.internal:5432/registry_cache
        store set default
      """)

  @Argument(help: "postgresql://user@host:port/database, or `default`.")
  var url: String

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    if url == "default" {
      try session.location.saveStore(nil)
      return .nothing
    }
    let address = try StoreAddress(parsing: url)
    _ = try MetadataStore(address: address)
    try session.location.saveStore(address)
    return .nothing
  }
}
