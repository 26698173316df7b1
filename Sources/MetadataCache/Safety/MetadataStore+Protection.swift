import Foundation
import JMESPath
import RegistryAPI

/// A rule that no action may break: a digest, or a tag pattern (`v*`, `release-[0-9]*`),
/// optionally limited to one repository. No flag overrides it (DESIGN.md, safety rules).
public struct ProtectionRule: Sendable, Equatable {
  public enum Kind: String, Sendable { case digest, tag }
  public var id: Int64?
  public var registryId: Int64
  public var repository: String?
  public var kind: Kind
  public var pattern: String
  public var reason: String?
  public var createdAt: String

  /// A digest (`sha256:…`) protects that manifest; anything else is a tag pattern.
  public init(registryId: Int64, repository: String?, pattern: String, reason: String?) {
    self.registryId = registryId
    self.repository = repository
    self.kind = pattern.hasPrefix("sha256:") || pattern.hasPrefix("sha512:") ? .digest : .tag
    self.pattern = pattern
    self.reason = reason
    self.createdAt = Timestamp.now()
  }

  /// Whether the rule covers a manifest of `repository` with `digest` and `tags`.
  public func covers(repository: String, digest: Digest, tags: [String]) -> Bool {
    if let own = self.repository, fnmatch(own, repository, 0) != 0 { return false }
    switch kind {
    case .digest: return pattern == digest.description
    case .tag: return tags.contains { fnmatch(pattern, $0, 0) == 0 }
    }
  }
}

extension MetadataStore {
  @discardableResult
  public func addProtection(_ rule: ProtectionRule) throws -> ProtectionRule {
    try write { db in
      let id = try db.scalar(
        Int64.self,
        """
        INSERT INTO protection (registryId, repository, kind, pattern, reason, createdAt)
        VALUES (?, ?, ?, ?, ?, ?) RETURNING id
        """,
        [
          rule.registryId, rule.repository, rule.kind.rawValue, rule.pattern, rule.reason,
          rule.createdAt,
        ])
      var added = rule
      added.id = id
      return added
    }
  }

  public func protectionRules(registryId: Int64) throws -> [ProtectionRule] {
    try read { db in
      try db.rows(
        "SELECT * FROM protection WHERE registryId = ? ORDER BY id", [registryId]
      ).map { row in
        var rule = ProtectionRule(
          registryId: try row["registryId"], repository: row["repository"],
          pattern: try row["pattern"],
          reason: row["reason"])
        rule.id = row["id"]
        rule.createdAt = try row["createdAt"]
        return rule
      }
    }
  }

  @discardableResult
  public func removeProtection(id: Int64, registryId: Int64) throws -> Bool {
    try write { db in
      try db.execute("DELETE FROM protection WHERE id = ? AND registryId = ?", [id, registryId]) > 0
    }
  }

  /// The first rule that protects the manifest, or nil.
  public func protection(
    registryId: Int64, repository: String, digest: Digest, tags: [String]
  ) throws -> ProtectionRule? {
    try protectionRules(registryId: registryId).first {
      $0.covers(repository: repository, digest: digest, tags: tags)
    }
  }

  /// The audit log as a document, newest last: what every change regsh made was.
  public func auditDocuments(registry: String?, last: Int?) throws -> JSON {
    try read { db in
      var sql = "SELECT * FROM audit"
      var arguments: StoreArguments = []
      if let registry {
        sql += " WHERE registry = ?"
        arguments += [registry]
      }
      sql += " ORDER BY id DESC"
      if let last { sql += " LIMIT \(max(0, last))" }
      let rows = try db.rows(sql, arguments).reversed()
      return .array(
        try rows.map { row in
          var entry: JSONObject = [
            "id": .int(try row["id"]), "time": .string(try row["time"]),
            "registry": .string(try row["registry"]),
            "repository": .string(try row["repository"]), "action": .string(try row["action"]),
            "user": .string(try row["user"]),
          ]
          if let digest: String = row["digest"] { entry["digest"] = .string(digest) }
          if let tags: String = row["tags"], let value = try? JSONReader.parse(tags) {
            entry["tags"] = value
          }
          if let bytes: Int = row["bytesFreed"] { entry["bytesFreed"] = .int(bytes) }
          if let detail: String = row["detail"] { entry["detail"] = .string(detail) }
          // Only the unusual is shown: a change not confirmed, or one that did not happen.
          if let state: String = row["state"], state != "done" { entry["state"] = .string(state) }
          return .object(entry)
        })
    }
  }
}
