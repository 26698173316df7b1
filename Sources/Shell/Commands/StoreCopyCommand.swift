import ArgumentParser
import JMESPath
import MetadataCache

/// `store copy FROM TO`: the whole cache and audit log from one store into an empty one,
/// SQLite ↔ PostgreSQL, with the rows of every table counted on both sides.
public struct StoreCopy: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "copy",
    abstract: "Copy the whole cache and audit log into an empty store, and check the counts.",
    discussion: """
      FROM and TO are each an SQLite file's path or a postgresql:// URL. TO must be empty.

      Examples:
        store copy ~/.cache/regsh/cache.sqlite postgresql://regsh@db.internal/registry_cache
        store copy postgresql://regsh@db.internal/registry_cache backup.sqlite
      """)

  @Argument(help: "The store to copy from.")
  var from: String

  @Argument(help: "The empty store to copy into.")
  var to: String

  @OptionGroup public var output: OutputOptions

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let source = try MetadataStore(address: try StoreAddress(parsing: from))
    let destination = try MetadataStore(address: try StoreAddress(parsing: to))
    let counts = try source.copyEverything(to: destination)
    var rows = JSONObject()
    for (table, count) in counts.sorted(by: { $0.key < $1.key }) { rows[table] = .int(count) }
    return CommandResult(
      .object([
        "from": .string(source.path), "to": .string(destination.path), "rows": .object(rows),
      ]), output: output)
  }
}
