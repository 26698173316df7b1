import Foundation
import GRDB
import RegistryAPI

/// What the cache already holds about a manifest, enough to decide what to fetch.
struct KnownManifest: Sendable {
  var isGone: Bool
  var isUsable: Bool
  var children: [String]
}

extension MetadataStore {
  func knownManifests(registryId: Int64, repository: String) throws -> [String: KnownManifest] {
    try read { db in
      var known: [String: KnownManifest] = [:]
      let rows = try Row.fetchCursor(
        db,
        sql: """
          SELECT m.id, m.digest, m.goneAt IS NOT NULL, m.raw IS NOT NULL
          FROM manifest m JOIN repository r ON r.id = m.repositoryId
          WHERE r.registryId = ? AND r.name = ?
          """, arguments: [registryId, repository])
      var ids: [Int64: String] = [:]
      while let row = try rows.next() {
        let digest: String = row[1]
        ids[row[0]] = digest
        known[digest] = KnownManifest(isGone: row[2], isUsable: row[3], children: [])
      }
      let children = try Row.fetchCursor(
        db,
        sql: """
          SELECT c.manifestId, c.digest FROM child c JOIN manifest m ON m.id = c.manifestId
          JOIN repository r ON r.id = m.repositoryId WHERE r.registryId = ? AND r.name = ?
          ORDER BY c.manifestId, c.position
          """, arguments: [registryId, repository])
      while let row = try children.next() {
        if let parent = ids[row[0]] { known[parent]?.children.append(row[1]) }
      }
      return known
    }
  }

  func markRepositoriesGone(registryId: Int64, except present: Set<String>) throws {
    try write { db in
      let now = Timestamp.now()
      for name in try String.fetchAll(
        db, sql: "SELECT name FROM repository WHERE registryId = ? AND goneAt IS NULL",
        arguments: [registryId])
      where !present.contains(name) {
        try db.execute(
          sql: "UPDATE repository SET goneAt = ? WHERE registryId = ? AND name = ?",
          arguments: [now, registryId, name])
      }
    }
  }

  func recordSyncFailure(registryId: Int64, repository: String, reason: String) throws {
    try write { db in
      let id = try repositoryId(db, registryId: registryId, name: repository, now: Timestamp.now())
      try db.execute(
        sql: "UPDATE repository SET syncError = ? WHERE id = ?", arguments: [reason, id])
    }
  }

  func repositoryId(_ db: Database, registryId: Int64, name: String, now: String) throws -> Int64 {
    try db.execute(
      sql: """
        INSERT INTO repository (registryId, name, firstSeen, lastSeen) VALUES (?, ?, ?, ?)
        ON CONFLICT (registryId, name) DO UPDATE SET lastSeen = excluded.lastSeen, goneAt = NULL
        """, arguments: [registryId, name, now, now])
    return try Int64.fetchOne(
      db, sql: "SELECT id FROM repository WHERE registryId = ? AND name = ?",
      arguments: [registryId, name])!
  }

  /// Writes one repository's snapshot in one transaction: a sync killed before this commits
  /// leaves the repository as the previous sync left it.
  func apply(_ snapshot: RepositorySnapshot, registryId: Int64, repository: String) throws {
    try write { db in
      let now = Timestamp.now()
      let repositoryId = try repositoryId(db, registryId: registryId, name: repository, now: now)
      try db.execute(
        sql: "UPDATE repository SET lastSynced = ?, syncError = NULL WHERE id = ?",
        arguments: [now, repositoryId])

      for manifest in snapshot.fetched {
        let acr = snapshot.acrManifests[manifest.digest]
        let registryTime = acr?.lastUpdateTime.flatMap(Timestamp.normalize)
        let (timestamp, source) =
          registryTime.map { ($0, "registry") } ?? manifest.configCreated.map { ($0, "config") }
          ?? (now, "firstSeen")
        try db.execute(
          sql: """
            INSERT INTO manifest (repositoryId, digest, mediaType, raw, size, imageSize, configDigest,
              configCreated, architecture, os, variant, artifactType, subjectDigest, timestamp,
              timestampSource, firstSeen, lastSeen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (repositoryId, digest) DO UPDATE SET raw = excluded.raw,
              mediaType = excluded.mediaType, size = excluded.size, imageSize = excluded.imageSize,
              configDigest = excluded.configDigest, configCreated = excluded.configCreated,
              architecture = excluded.architecture, os = excluded.os, variant = excluded.variant,
              artifactType = excluded.artifactType, subjectDigest = excluded.subjectDigest,
              lastSeen = excluded.lastSeen, goneAt = NULL
            """,
          arguments: [
            repositoryId, manifest.digest, manifest.mediaType, manifest.raw, manifest.raw.count,
            manifest.imageSize, manifest.configDigest, manifest.configCreated,
            manifest.architecture,
            manifest.os, manifest.variant, manifest.artifactType, manifest.subjectDigest, timestamp,
            source, now, now,
          ])
        let manifestId = try Int64.fetchOne(
          db, sql: "SELECT id FROM manifest WHERE repositoryId = ? AND digest = ?",
          arguments: [repositoryId, manifest.digest])!
        try db.execute(sql: "DELETE FROM layer WHERE manifestId = ?", arguments: [manifestId])
        try db.execute(sql: "DELETE FROM child WHERE manifestId = ?", arguments: [manifestId])
        for blob in manifest.blobs {
          try db.execute(
            sql:
              "INSERT INTO layer (manifestId, position, digest, size, mediaType) VALUES (?, ?, ?, ?, ?)",
            arguments: [manifestId, blob.position, blob.digest, blob.size, blob.mediaType])
        }
        for (i, child) in manifest.children.enumerated() {
          try db.execute(
            sql:
              "INSERT INTO child (manifestId, position, digest, mediaType, size, platform) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [manifestId, i, child.digest, child.mediaType, child.size, child.platform])
        }
      }

      for (digest, acr) in snapshot.acrManifests {
        let attributes = acr.changeableAttributes.flatMap {
          try? String(data: JSONEncoder().encode($0), encoding: .utf8)
        }
        try db.execute(
          sql: """
            UPDATE manifest SET registryCreated = ?, registryUpdated = ?, changeableAttributes = ?,
              imageSize = COALESCE(?, imageSize), architecture = COALESCE(architecture, ?),
              os = COALESCE(os, ?),
              timestamp = COALESCE(?, timestamp),
              timestampSource = CASE WHEN ? IS NULL THEN timestampSource ELSE 'registry' END
            WHERE repositoryId = ? AND digest = ?
            """,
          arguments: [
            acr.createdTime.flatMap(Timestamp.normalize),
            acr.lastUpdateTime.flatMap(Timestamp.normalize),
            attributes, acr.imageSize, acr.architecture, acr.os,
            acr.lastUpdateTime.flatMap(Timestamp.normalize),
            acr.lastUpdateTime, repositoryId, digest,
          ])
      }

      let seen = try db.makeStatement(
        sql: "UPDATE manifest SET lastSeen = ?, goneAt = NULL WHERE repositoryId = ? AND digest = ?"
      )
      for digest in snapshot.present { try seen.execute(arguments: [now, repositoryId, digest]) }
      let gone = try db.makeStatement(
        sql:
          "UPDATE manifest SET goneAt = ? WHERE repositoryId = ? AND digest = ? AND goneAt IS NULL")
      for digest in snapshot.gone { try gone.execute(arguments: [now, repositoryId, digest]) }

      try applyTags(db, snapshot: snapshot, repositoryId: repositoryId, now: now)
    }
  }

  /// Closes the history rows of tags that moved or vanished, opens rows for new positions,
  /// and rewrites each manifest's current tag list.
  func applyTags(_ db: Database, snapshot: RepositorySnapshot, repositoryId: Int64, now: String)
    throws
  {
    var current: [String: String] = [:]
    let rows = try Row.fetchCursor(
      db, sql: "SELECT name, digest FROM tag WHERE repositoryId = ? AND untilTime IS NULL",
      arguments: [repositoryId])
    while let row = try rows.next() { current[row[0]] = row[1] }
    let close = try db.makeStatement(
      sql: "UPDATE tag SET untilTime = ? WHERE repositoryId = ? AND name = ? AND untilTime IS NULL")
    for (name, digest) in current where snapshot.tags[name] != digest {
      try close.execute(arguments: [now, repositoryId, name])
    }
    let open = try db.makeStatement(
      sql: """
        INSERT INTO tag (repositoryId, name, digest, sinceTime, registryCreated, registryUpdated, signed,
          changeableAttributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """)
    for (name, digest) in snapshot.tags where current[name] != digest {
      let acr = snapshot.acrTags[name]
      let attributes = acr?.changeableAttributes.flatMap {
        try? String(data: JSONEncoder().encode($0), encoding: .utf8)
      }
      try open.execute(arguments: [
        repositoryId, name, digest, now, acr?.createdTime.flatMap(Timestamp.normalize),
        acr?.lastUpdateTime.flatMap(Timestamp.normalize), acr?.signed, attributes,
      ])
    }
    // A tag that stayed put keeps its row (its first-seen time), but ACR's time and locks
    // on it can change without a move: a tag locked after the last sync must read locked.
    let refresh = try db.makeStatement(
      sql: """
        UPDATE tag SET registryUpdated = ?, changeableAttributes = ?
        WHERE repositoryId = ? AND name = ? AND untilTime IS NULL
        """)
    for (name, digest) in snapshot.tags where current[name] == digest {
      guard let acr = snapshot.acrTags[name] else { continue }
      let attributes = acr.changeableAttributes.flatMap {
        try? String(data: JSONEncoder().encode($0), encoding: .utf8)
      }
      try refresh.execute(arguments: [
        acr.lastUpdateTime.flatMap(Timestamp.normalize), attributes, repositoryId, name,
      ])
    }
    var byDigest: [String: [String]] = [:]
    for (name, digest) in snapshot.tags { byDigest[digest, default: []].append(name) }
    try db.execute(
      sql: "UPDATE manifest SET tagList = NULL WHERE repositoryId = ? AND tagList IS NOT NULL",
      arguments: [repositoryId])
    let list = try db.makeStatement(
      sql: "UPDATE manifest SET tagList = ? WHERE repositoryId = ? AND digest = ?")
    for (digest, names) in byDigest {
      try list.execute(arguments: [TagList.encode(names), repositoryId, digest])
    }
  }
}
