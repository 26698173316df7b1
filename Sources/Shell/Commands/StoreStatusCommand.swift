import ArgumentParser
import JMESPath
import MetadataCache

/// `store status`: `{backend, location, schemaVersion, registries, rows, bytes}`.
public struct StoreStatusCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Show the store: backend, location, schema version, registries, rows, size.",
    discussion: "Examples:\n  store status\n  store status --query rows.manifest")

  @OptionGroup public var output: OutputOptions

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let status = try session.store().status()
    var rows = JSONObject()
    for (table, count) in status.rows { rows[table] = .int(count) }
    return CommandResult(
      .object([
        "backend": .string(status.backend), "location": .string(status.location),
        "schemaVersion": .int(status.schemaVersion),
        "registries": .array(status.registries.map(JSON.string)), "rows": .object(rows),
        "bytes": .int(Int(status.bytes)),
      ]), output: output)
  }
}
