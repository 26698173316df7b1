import Foundation
import RegistryAPI

/// Writing what an action does: its audit entry first, as pending, with the manifest's
/// bytes; then, with the registry's answer, the entry settled and the cache updated in one
/// transaction, so the cache learns the change without waiting for the next sync.
extension MetadataStore {
  /// Logs deletions about to be requested, as `pending`, in one transaction; returns their
  /// audit ids in order. Written before any request goes out, so that whatever happens
  /// next the manifests' bytes are in the log.
  public func recordIntents(_ entries: [AuditEntry]) throws -> [Int64] {
    try write { db in
      try entries.map { entry in
        var pending = entry
        pending.state = .pending
        return try insertAudit(db, pending)
      }
    }
  }

  /// The registry's answer to one pending deletion.
  public struct IntentSettlement: Sendable {
    public var auditId: Int64
    public var repository: String
    public var digest: Digest
    /// Done (the manifest is gone) or failed (nothing changed; kept as a record of the attempt).
    public var deleted: Bool
    public var bytesFreed: Int?
    public var detail: String?

    public init(
      auditId: Int64, repository: String, digest: Digest, deleted: Bool, bytesFreed: Int?,
      detail: String?
    ) {
      self.auditId = auditId
      self.repository = repository
      self.digest = digest
      self.deleted = deleted
      self.bytesFreed = bytesFreed
      self.detail = detail
    }
  }

  /// Settles pending deletions in one transaction: the audit entries become `done` or
  /// `failed`, and deleted manifests and their tags leave the cache's current state.
  public func settleIntents(registryId: Int64, _ settlements: [IntentSettlement]) throws {
    try write { db in
      let now = Timestamp.now()
      for settlement in settlements {
        try db.execute(
          "UPDATE audit SET state = ?, bytesFreed = ?, detail = ? WHERE id = ?",
          [
            settlement.deleted ? "done" : "failed", settlement.bytesFreed, settlement.detail,
            settlement.auditId,
          ])
        if settlement.deleted {
          try markGone(
            db, registryId: registryId, repository: settlement.repository,
            digest: settlement.digest, at: now)
        }
      }
    }
  }

  /// Removes pending entries whose request the registry refused before anything could
  /// change: deletes switched off in its configuration. An entry there would read as an
  /// attempt on that manifest; the refusal is about the registry, and the error says so.
  public func withdrawIntents(_ auditIds: [Int64]) throws {
    guard !auditIds.isEmpty else { return }
    try write { db in
      for id in auditIds {
        try db.execute("DELETE FROM audit WHERE id = ? AND state = 'pending'", [id])
      }
    }
  }

  /// The manifest and every tag on it leave the cache's current state (history stays).
  func markGone(
    _ db: any StoreConnection, registryId: Int64, repository: String, digest: Digest, at now: String
  )
    throws
  {
    guard let repositoryId = try repositoryId(db, registryId: registryId, existing: repository)
    else { return }
    try db.execute(
      "UPDATE manifest SET goneAt = ?, tagList = NULL WHERE repositoryId = ? AND digest = ?",
      [now, repositoryId, digest])
    try db.execute(
      "UPDATE tag SET untilTime = ? WHERE repositoryId = ? AND digest = ? AND untilTime IS NULL",
      [now, repositoryId, digest])
  }

  /// Settles a pending untag (written with `recordIntents` before the request): `done`
  /// removes the tag from the cache's current state; `failed` changes nothing else.
  public func settleUntag(
    registryId: Int64, auditId: Int64, tag: String, _ entry: AuditEntry, done: Bool
  ) throws {
    try write { db in
      try db.execute(
        "UPDATE audit SET state = ?, detail = ? WHERE id = ?",
        [done ? "done" : "failed", entry.detail, auditId])
      if done { try untagInCache(db, registryId: registryId, tag: tag, entry) }
    }
  }

  func untagInCache(_ db: any StoreConnection, registryId: Int64, tag: String, _ entry: AuditEntry)
    throws
  {
    guard
      let repositoryId = try repositoryId(db, registryId: registryId, existing: entry.repository)
    else { return }
    try db.execute(
      "UPDATE tag SET untilTime = ? WHERE repositoryId = ? AND name = ? AND untilTime IS NULL",
      [Timestamp.now(), repositoryId, tag])
    guard let digest = entry.digest else { return }
    let remaining = try db.column(
      String.self,
      "SELECT name FROM tag WHERE repositoryId = ? AND digest = ? AND untilTime IS NULL ORDER BY name",
      [repositoryId, digest])
    try db.execute(
      "UPDATE manifest SET tagList = ? WHERE repositoryId = ? AND digest = ?",
      [
        TagList.encode(remaining), repositoryId, digest,
      ])
  }

  /// The repository no longer exists (all its manifests were deleted); a later sync that
  /// finds it in the catalog again brings it back.
  public func markRepositoryGone(registryId: Int64, repository: String) throws {
    try write { db in
      try db.execute(
        "UPDATE repository SET goneAt = ? WHERE registryId = ? AND name = ?",
        [Timestamp.now(), registryId, repository])
    }
  }

  /// A change that the next sync of the repository brings into the cache (a restore).
  public func recordAudit(_ entry: AuditEntry) throws {
    try write { db in try insertAudit(db, entry) }
  }

  @discardableResult
  func insertAudit(_ db: any StoreConnection, _ entry: AuditEntry) throws -> Int64 {
    let tags =
      entry.tags.isEmpty
      ? nil
      : String(
        data: (try? JSONSerialization.data(withJSONObject: entry.tags)) ?? Data("[]".utf8),
        encoding: .utf8)
    // "user" is quoted: a reserved word in PostgreSQL.
    return try db.scalar(
      Int64.self,
      """
      INSERT INTO audit (time, registry, repository, action, digest, tags, mediaType, manifest,
        bytesFreed, "user", detail, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      RETURNING id
      """,
      [
        entry.time, entry.registry, entry.repository, entry.action.rawValue, entry.digest, tags,
        entry.mediaType, entry.manifest, entry.bytesFreed, entry.user, entry.detail,
        entry.state.rawValue,
      ])!
  }

  func repositoryId(_ db: any StoreConnection, registryId: Int64, existing name: String) throws
    -> Int64?
  {
    try db.scalar(
      Int64.self, "SELECT id FROM repository WHERE registryId = ? AND name = ?", [registryId, name])
  }
}
