import Foundation
import RegistryAPI

/// Deletes a killed process left pending (logged before the request went out, never
/// answered). Whoever next acts on the registry, from any machine sharing the store,
/// looks at the registry and settles them: done when the manifest is gone, failed when
/// it is still there.
extension MetadataStore {
  /// The registry's pending delete entries, oldest first.
  public func pendingDeletes(registry: String) throws -> [AuditEntry] {
    try read { db in
      try db.rows(
        "SELECT * FROM audit WHERE registry = ? AND state = 'pending' AND action = 'delete' ORDER BY id",
        [registry]
      ).compactMap { try Self.auditEntry($0) }
    }
  }

  /// Settles one pending delete as the registry now shows it: `deleted` marks it done and
  /// the manifest gone from the cache; otherwise it failed (nothing changed).
  public func settlePending(registryId: Int64, _ entry: AuditEntry, deleted: Bool) throws {
    guard let id = entry.id else { return }
    try write { db in
      let changed = try db.execute(
        "UPDATE audit SET state = ?, detail = ? WHERE id = ? AND state = 'pending'",
        [
          deleted ? "done" : "failed",
          deleted
            ? "settled later: the registry no longer has it"
            : "settled later: the registry still has it, so the delete never happened",
          id,
        ])
      if changed > 0, deleted, let digest = entry.digest {
        try markGone(
          db, registryId: registryId, repository: entry.repository, digest: digest,
          at: Timestamp.now())
      }
    }
  }
}
