import ArgumentParser
import JMESPath
import MetadataCache

/// `store set | status | copy`: which store regsh keeps its cache and audit log in — the
/// SQLite file (one person) or a team's PostgreSQL database (docs/teams.md).
public struct StoreCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "store",
    abstract: "Choose, inspect and copy the store: the SQLite file or a team's PostgreSQL.",
    discussion: """
      REGSH_STORE=postgresql://user@host:port/db overrides the saved choice. Passwords
      come from PGPASSWORD or ~/.pgpass, never from the URL.

      Examples:
        store set postgresql://regsh@db.internal:5432/registry_cache
        store status
        store copy ~/.cache/regsh/cache.sqlite postgresql://regsh@db.internal/registry_cache
      """,
    subcommands: [StoreSet.self, StoreStatusCommand.self, StoreCopy.self])

  public init() {}
}
