import Foundation
import RegistryAPI

/// Reading the audit log back: what `restore` undoes.
extension MetadataStore {
  /// The audit entries with these ids, in id order.
  public func auditEntries(ids: [Int64]) throws -> [AuditEntry] {
    try read { db in
      try Self.batches(ids).flatMap { batch in
        try db.rows(
          "SELECT * FROM audit WHERE id IN \(Self.placeholders(batch.count)) ORDER BY id",
          Self.arguments([], batch)
        ).compactMap { try Self.auditEntry($0) }
      }
    }
  }

  /// The last `count` deletes and untags on `registry` (in `repository` when given), newest first.
  public func lastChanges(registry: String, repository: String? = nil, count: Int) throws
    -> [AuditEntry]
  {
    try read { db in
      var sql = """
        SELECT * FROM audit WHERE registry = ? AND action IN ('delete', 'untag')
          AND state != 'failed'
        """
      var arguments: StoreArguments = [registry]
      if let repository {
        sql += " AND repository = ?"
        arguments += [repository]
      }
      arguments += [max(0, count)]
      return try db.rows(sql + " ORDER BY id DESC LIMIT ?", arguments)
        .compactMap { try Self.auditEntry($0) }
    }
  }

  /// The newest delete or untag of `digest` on `registry` (optionally in one repository).
  public func lastChange(registry: String, repository: String?, digest: Digest) throws
    -> AuditEntry?
  {
    try read { db in
      var sql = """
        SELECT * FROM audit WHERE registry = ? AND digest = ? AND action IN ('delete', 'untag')
          AND state != 'failed'
        """
      var arguments: StoreArguments = [registry, digest]
      if let repository {
        sql += " AND repository = ?"
        arguments += [repository]
      }
      return try db.row(sql + " ORDER BY id DESC LIMIT 1", arguments)
        .flatMap { try Self.auditEntry($0) }
    }
  }

  /// nil for an action this regsh does not know; an error for a damaged digest.
  static func auditEntry(_ row: StoreRow) throws -> AuditEntry? {
    guard let action = AuditEntry.Action(rawValue: try row["action"]) else { return nil }
    var entry = AuditEntry(
      registry: try row["registry"], repository: try row["repository"], action: action,
      digest: try row.optionalDigest("digest"), tags: [], mediaType: row["mediaType"],
      manifest: row["manifest"],
      bytesFreed: row["bytesFreed"], detail: row["detail"])
    entry.id = row["id"]
    entry.time = try row["time"]
    entry.user = try row["user"]
    entry.state = (row["state"] as String?).flatMap(AuditEntry.State.init) ?? .done
    if let tags: String = row["tags"],
      let list = try? JSONSerialization.jsonObject(with: Data(tags.utf8)) as? [String]
    {
      entry.tags = list
    }
    return entry
  }
}
