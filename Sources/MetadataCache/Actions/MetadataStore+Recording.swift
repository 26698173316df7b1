import Foundation
import GRDB

/// One line of the audit log: a change regsh made, with what is needed to undo it.
public struct AuditEntry: Sendable, Hashable {
  public enum Action: String, Sendable {
    case delete, untag, restore
  }
  public var id: Int64?
  public var time: String
  public var registry: String
  public var repository: String
  public var action: Action
  public var digest: String?
  public var tags: [String]
  public var mediaType: String?
  /// The manifest's exact bytes: `restore` pushes these back.
  public var manifest: Data?
  public var bytesFreed: Int?
  public var user: String
  public var detail: String?
  /// Whether the change happened: `pending` until the registry answered (a process killed
  /// meanwhile leaves it so), then `done` or `failed`.
  public var state: State = .done

  public enum State: String, Sendable {
    case pending, done, failed
  }

  public init(
    registry: String, repository: String, action: Action, digest: String?, tags: [String],
    mediaType: String?, manifest: Data?, bytesFreed: Int? = nil, detail: String? = nil
  ) {
    self.time = Timestamp.now()
    self.registry = registry
    self.repository = repository
    self.action = action
    self.digest = digest
    self.tags = tags
    self.mediaType = mediaType
    self.manifest = manifest
    self.bytesFreed = bytesFreed
    self.user = Self.localUser
    self.detail = detail
  }

  /// Who ran regsh: the login name, not anything from a registry credential.
  public static var localUser: String {
    if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name {
      return String(cString: name)
    }
    return ProcessInfo.processInfo.environment["USER"] ?? "uid \(getuid())"
  }
}

/// Writing what an action did: the cache learns the change at once (without waiting for the
/// next sync) and the audit log gets its line, in one transaction, so neither can be lost
/// without the other.
extension MetadataStore {
  /// Logs deletions about to be requested, as `pending`, in one transaction; returns their
  /// audit ids in order. Written before any request goes out, so that whatever happens
  /// next the manifests' bytes are in the log.
  public func recordIntents(_ entries: [AuditEntry]) throws -> [Int64] {
    try write { db in
      try entries.map { entry in
        var pending = entry
        pending.state = .pending
        try insertAudit(db, pending)
        return db.lastInsertedRowID
      }
    }
  }

  /// The registry's answer to one pending deletion.
  public struct IntentSettlement: Sendable {
    public var auditId: Int64
    public var repository: String
    public var digest: String
    /// Done (the manifest is gone) or failed (nothing changed; kept as a record of the attempt).
    public var deleted: Bool
    public var bytesFreed: Int?
    public var detail: String?

    public init(
      auditId: Int64, repository: String, digest: String, deleted: Bool, bytesFreed: Int?,
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
          sql: "UPDATE audit SET state = ?, bytesFreed = ?, detail = ? WHERE id = ?",
          arguments: [
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

  /// The manifest is gone from the registry, and every tag that pointed at it with it.
  public func recordDeletion(registryId: Int64, _ entry: AuditEntry) throws {
    try write { db in
      if let digest = entry.digest {
        try markGone(
          db, registryId: registryId, repository: entry.repository, digest: digest,
          at: entry.time)
      }
      try insertAudit(db, entry)
    }
  }

  /// The manifest and every tag on it leave the cache's current state (history stays).
  func markGone(
    _ db: Database, registryId: Int64, repository: String, digest: String, at now: String
  )
    throws
  {
    guard let repositoryId = try repositoryId(db, registryId: registryId, existing: repository)
    else { return }
    try db.execute(
      sql: "UPDATE manifest SET goneAt = ?, tagList = NULL WHERE repositoryId = ? AND digest = ?",
      arguments: [now, repositoryId, digest])
    try db.execute(
      sql:
        "UPDATE tag SET untilTime = ? WHERE repositoryId = ? AND digest = ? AND untilTime IS NULL",
      arguments: [now, repositoryId, digest])
  }

  /// Settles a pending untag (written with `recordIntents` before the request): `done`
  /// removes the tag from the cache's current state; `failed` changes nothing else.
  public func settleUntag(
    registryId: Int64, auditId: Int64, tag: String, _ entry: AuditEntry, done: Bool
  ) throws {
    try write { db in
      try db.execute(
        sql: "UPDATE audit SET state = ?, detail = ? WHERE id = ?",
        arguments: [done ? "done" : "failed", entry.detail, auditId])
      if done { try untagInCache(db, registryId: registryId, tag: tag, entry) }
    }
  }

  func untagInCache(_ db: Database, registryId: Int64, tag: String, _ entry: AuditEntry) throws {
    guard
      let repositoryId = try repositoryId(db, registryId: registryId, existing: entry.repository)
    else { return }
    try db.execute(
      sql: "UPDATE tag SET untilTime = ? WHERE repositoryId = ? AND name = ? AND untilTime IS NULL",
      arguments: [Timestamp.now(), repositoryId, tag])
    guard let digest = entry.digest else { return }
    let remaining = try String.fetchAll(
      db,
      sql:
        "SELECT name FROM tag WHERE repositoryId = ? AND digest = ? AND untilTime IS NULL ORDER BY name",
      arguments: [repositoryId, digest])
    try db.execute(
      sql: "UPDATE manifest SET tagList = ? WHERE repositoryId = ? AND digest = ?",
      arguments: [
        remaining.isEmpty ? nil : remaining.joined(separator: "\t"), repositoryId, digest,
      ])
  }

  /// The repository no longer exists (all its manifests were deleted); a later sync that
  /// finds it in the catalog again brings it back.
  public func markRepositoryGone(registryId: Int64, repository: String) throws {
    try write { db in
      try db.execute(
        sql: "UPDATE repository SET goneAt = ? WHERE registryId = ? AND name = ?",
        arguments: [Timestamp.now(), registryId, repository])
    }
  }

  /// A change that the next sync of the repository brings into the cache (a restore).
  public func recordAudit(_ entry: AuditEntry) throws {
    try write { db in try insertAudit(db, entry) }
  }

  /// The audit entries with these ids, in id order.
  public func auditEntries(ids: [Int64]) throws -> [AuditEntry] {
    try read { db in
      try Self.batches(ids).flatMap { batch in
        try Row.fetchAll(
          db,
          sql: "SELECT * FROM audit WHERE id IN \(Self.placeholders(batch.count)) ORDER BY id",
          arguments: Self.arguments([], batch)
        ).compactMap(Self.auditEntry)
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
      var arguments: StatementArguments = [registry]
      if let repository {
        sql += " AND repository = ?"
        arguments += [repository]
      }
      arguments += [max(0, count)]
      return try Row.fetchAll(db, sql: sql + " ORDER BY id DESC LIMIT ?", arguments: arguments)
        .compactMap(Self.auditEntry)
    }
  }

  /// The newest delete or untag of `digest` on `registry` (optionally in one repository).
  public func lastChange(registry: String, repository: String?, digest: String) throws
    -> AuditEntry?
  {
    try read { db in
      var sql = """
        SELECT * FROM audit WHERE registry = ? AND digest = ? AND action IN ('delete', 'untag')
          AND state != 'failed'
        """
      var arguments: StatementArguments = [registry, digest]
      if let repository {
        sql += " AND repository = ?"
        arguments += [repository]
      }
      return try Row.fetchOne(db, sql: sql + " ORDER BY id DESC LIMIT 1", arguments: arguments)
        .flatMap(Self.auditEntry)
    }
  }

  func insertAudit(_ db: Database, _ entry: AuditEntry) throws {
    let tags =
      entry.tags.isEmpty
      ? nil
      : String(
        data: (try? JSONSerialization.data(withJSONObject: entry.tags)) ?? Data("[]".utf8),
        encoding: .utf8)
    try db.execute(
      sql: """
        INSERT INTO audit (time, registry, repository, action, digest, tags, mediaType, manifest,
          bytesFreed, user, detail, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        entry.time, entry.registry, entry.repository, entry.action.rawValue, entry.digest, tags,
        entry.mediaType, entry.manifest, entry.bytesFreed, entry.user, entry.detail,
        entry.state.rawValue,
      ])
  }

  static func auditEntry(_ row: Row) -> AuditEntry? {
    guard let action = AuditEntry.Action(rawValue: row["action"]) else { return nil }
    var entry = AuditEntry(
      registry: row["registry"], repository: row["repository"], action: action,
      digest: row["digest"], tags: [], mediaType: row["mediaType"], manifest: row["manifest"],
      bytesFreed: row["bytesFreed"], detail: row["detail"])
    entry.id = row["id"]
    entry.time = row["time"]
    entry.user = row["user"]
    entry.state = (row["state"] as String?).flatMap(AuditEntry.State.init) ?? .done
    if let tags: String = row["tags"],
      let list = try? JSONSerialization.jsonObject(with: Data(tags.utf8)) as? [String]
    {
      entry.tags = list
    }
    return entry
  }

  func repositoryId(_ db: Database, registryId: Int64, existing name: String) throws -> Int64? {
    try Int64.fetchOne(
      db, sql: "SELECT id FROM repository WHERE registryId = ? AND name = ?",
      arguments: [registryId, name])
  }
}
