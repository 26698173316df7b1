import Foundation
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
      let rows = try db.rows(
        """
        SELECT m.id, m.digest, m.goneAt IS NOT NULL, m.raw IS NOT NULL
        FROM manifest m JOIN repository r ON r.id = m.repositoryId
        WHERE r.registryId = ? AND r.name = ?
        """, [registryId, repository])
      var ids: [Int64: String] = [:]
      for row in rows {
        let digest: String = try row[1]
        ids[try row[0]] = digest
        known[digest] = KnownManifest(isGone: try row[2], isUsable: try row[3], children: [])
      }
      let children = try db.rows(
        """
        SELECT c.manifestId, c.digest FROM child c JOIN manifest m ON m.id = c.manifestId
        JOIN repository r ON r.id = m.repositoryId WHERE r.registryId = ? AND r.name = ?
        ORDER BY c.manifestId, c.position
        """, [registryId, repository])
      for row in children {
        if let parent = ids[try row[0]] { known[parent]?.children.append(try row[1]) }
      }
      return known
    }
  }

  func markRepositoriesGone(registryId: Int64, except present: Set<String>) throws {
    try write { db in
      let now = Timestamp.now()
      let gone = try db.column(
        String.self, "SELECT name FROM repository WHERE registryId = ? AND goneAt IS NULL",
        [registryId]
      ).filter { !present.contains($0) }
      try db.executeEach(
        "UPDATE repository SET goneAt = ? WHERE registryId = ? AND name = ?",
        gone.map { [now, registryId, $0] })
    }
  }

  func recordSyncFailure(registryId: Int64, repository: String, reason: String) throws {
    try write { db in
      let id = try repositoryId(db, registryId: registryId, name: repository, now: Timestamp.now())
      try db.execute("UPDATE repository SET syncError = ? WHERE id = ?", [reason, id])
    }
  }

  func repositoryId(_ db: any StoreConnection, registryId: Int64, name: String, now: String) throws
    -> Int64
  {
    try db.execute(
      """
      INSERT INTO repository (registryId, name, firstSeen, lastSeen) VALUES (?, ?, ?, ?)
      ON CONFLICT (registryId, name) DO UPDATE SET lastSeen = excluded.lastSeen, goneAt = NULL
      """, [registryId, name, now, now])
    return try db.scalar(
      Int64.self, "SELECT id FROM repository WHERE registryId = ? AND name = ?", [registryId, name])!
  }

  /// Writes one repository's snapshot in one transaction: a sync killed before this commits
  /// leaves the repository as the previous sync left it.
  func apply(_ snapshot: RepositorySnapshot, registryId: Int64, repository: String) throws {
    try write { db in
      let now = Timestamp.now()
      let repositoryId = try repositoryId(db, registryId: registryId, name: repository, now: now)
      try db.execute(
        "UPDATE repository SET lastSynced = ?, syncError = NULL WHERE id = ?", [now, repositoryId])

      for manifest in snapshot.fetched {
        let acr = snapshot.acrManifests[manifest.digest]
        let registryTime = acr?.lastUpdateTime.flatMap(Timestamp.normalize)
        let (timestamp, source) =
          registryTime.map { ($0, "registry") } ?? manifest.configCreated.map { ($0, "config") }
          ?? (now, "firstSeen")
        let manifestId = try db.scalar(
          Int64.self,
          """
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
          RETURNING id
          """,
          [
            repositoryId, manifest.digest, manifest.mediaType, manifest.raw, manifest.raw.count,
            manifest.imageSize, manifest.configDigest, manifest.configCreated,
            manifest.architecture,
            manifest.os, manifest.variant, manifest.artifactType, manifest.subjectDigest, timestamp,
            source, now, now,
          ])!
        try db.execute("DELETE FROM layer WHERE manifestId = ?", [manifestId])
        try db.execute("DELETE FROM child WHERE manifestId = ?", [manifestId])
        try db.executeEach(
          "INSERT INTO layer (manifestId, position, digest, size, mediaType) VALUES (?, ?, ?, ?, ?)",
          manifest.blobs.map { [manifestId, $0.position, $0.digest, $0.size, $0.mediaType] })
        try db.executeEach(
          "INSERT INTO child (manifestId, position, digest, mediaType, size, platform) VALUES (?, ?, ?, ?, ?, ?)",
          manifest.children.enumerated().map { i, child in
            [manifestId, i, child.digest, child.mediaType, child.size, child.platform]
          })
      }

      for (digest, acr) in snapshot.acrManifests {
        let attributes = acr.changeableAttributes.flatMap {
          try? String(data: JSONEncoder().encode($0), encoding: .utf8)
        }
        try db.execute(
          """
          UPDATE manifest SET registryCreated = ?, registryUpdated = ?, changeableAttributes = ?,
            imageSize = COALESCE(?, imageSize), architecture = COALESCE(architecture, ?),
            os = COALESCE(os, ?),
            timestamp = COALESCE(?, timestamp),
            timestampSource = CASE WHEN CAST(? AS TEXT) IS NULL THEN timestampSource ELSE 'registry' END
          WHERE repositoryId = ? AND digest = ?
          """,
          [
            acr.createdTime.flatMap(Timestamp.normalize),
            acr.lastUpdateTime.flatMap(Timestamp.normalize),
            attributes, acr.imageSize, acr.architecture, acr.os,
            acr.lastUpdateTime.flatMap(Timestamp.normalize),
            acr.lastUpdateTime, repositoryId, digest,
          ])
      }

      // In batches by digest: one statement per 500 manifests, not one per manifest.
      for batch in Self.batches(Array(snapshot.present)) {
        try db.execute(
          """
          UPDATE manifest SET lastSeen = ?, goneAt = NULL
          WHERE repositoryId = ? AND digest IN \(Self.placeholders(batch.count))
          """, [now, repositoryId] + StoreArguments(batch))
      }
      for batch in Self.batches(Array(snapshot.gone)) {
        try db.execute(
          """
          UPDATE manifest SET goneAt = ?
          WHERE repositoryId = ? AND goneAt IS NULL AND digest IN \(Self.placeholders(batch.count))
          """, [now, repositoryId] + StoreArguments(batch))
      }

      try applyTags(db, snapshot: snapshot, repositoryId: repositoryId, now: now)
    }
  }

  /// Closes the history rows of tags that moved or vanished, opens rows for new positions,
  /// and rewrites each manifest's current tag list.
  func applyTags(
    _ db: any StoreConnection, snapshot: RepositorySnapshot, repositoryId: Int64, now: String
  )
    throws
  {
    var current: [String: String] = [:]
    for row in try db.rows(
      "SELECT name, digest FROM tag WHERE repositoryId = ? AND untilTime IS NULL", [repositoryId])
    {
      current[try row[0]] = row[1]
    }
    let moved = current.filter { snapshot.tags[$0.key] != $0.value }.map(\.key)
    for batch in Self.batches(moved) {
      try db.execute(
        """
        UPDATE tag SET untilTime = ?
        WHERE repositoryId = ? AND untilTime IS NULL AND name IN \(Self.placeholders(batch.count))
        """, [now, repositoryId] + StoreArguments(batch))
    }
    try db.executeEach(
      """
      INSERT INTO tag (repositoryId, name, digest, sinceTime, registryCreated, registryUpdated, signed,
        changeableAttributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      """,
      snapshot.tags.filter { current[$0.key] != $0.value }.map { name, digest in
        let acr = snapshot.acrTags[name]
        let attributes = acr?.changeableAttributes.flatMap {
          try? String(data: JSONEncoder().encode($0), encoding: .utf8)
        }
        return [
          repositoryId, name, digest, now, acr?.createdTime.flatMap(Timestamp.normalize),
          acr?.lastUpdateTime.flatMap(Timestamp.normalize), acr?.signed, attributes,
        ]
      })
    // A tag that stayed put keeps its row (its first-seen time), but ACR's time and locks
    // on it can change without a move: a tag locked after the last sync must read locked.
    try db.executeEach(
      """
      UPDATE tag SET registryUpdated = ?, changeableAttributes = ?
      WHERE repositoryId = ? AND name = ? AND untilTime IS NULL
      """,
      snapshot.tags.compactMap { name, digest -> StoreArguments? in
        guard current[name] == digest, let acr = snapshot.acrTags[name] else { return nil }
        let attributes = acr.changeableAttributes.flatMap {
          try? String(data: JSONEncoder().encode($0), encoding: .utf8)
        }
        return [acr.lastUpdateTime.flatMap(Timestamp.normalize), attributes, repositoryId, name]
      })
    // Each manifest's tag list is rewritten only where it changed: an unchanged resync of a
    // large repository writes no manifest rows (a round trip each on PostgreSQL).
    func lists(_ tags: [String: String]) -> [String: String] {
      var byDigest: [String: [String]] = [:]
      for (name, digest) in tags { byDigest[digest, default: []].append(name) }
      return byDigest.mapValues { TagList.encode($0) ?? "" }
    }
    let before = lists(current)
    let after = lists(snapshot.tags)
    let untagged = before.keys.filter { after[$0] == nil }
    for batch in Self.batches(untagged) {
      try db.execute(
        """
        UPDATE manifest SET tagList = NULL
        WHERE repositoryId = ? AND digest IN \(Self.placeholders(batch.count))
        """, [repositoryId] + StoreArguments(batch))
    }
    try db.executeEach(
      "UPDATE manifest SET tagList = ? WHERE repositoryId = ? AND digest = ?",
      after.filter { before[$0.key] != $0.value }.map { [$0.value, repositoryId, $0.key] })
  }
}
