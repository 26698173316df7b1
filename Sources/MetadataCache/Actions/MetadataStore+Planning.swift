import Foundation
import RegistryAPI

/// The reads an action's plan is built from: manifests with their blobs, and who else
/// in the registry still uses a blob, an index child or a referrer's subject.
extension MetadataStore {
  /// The live manifests of `repository` with these digests (all of them when `digests` is
  /// nil), keyed by digest. Digests the cache does not hold, or holds as gone, are absent.
  public func cachedManifests(registryId: Int64, repository: String, digests: [Digest]? = nil)
    throws -> [Digest: CachedManifest]
  {
    try read { db in
      var result: [Digest: CachedManifest] = [:]
      var ids: [Int64: Digest] = [:]
      let select = """
        SELECT m.id, m.digest, m.mediaType, m.raw, m.size, m.tagList, m.subjectDigest,
          m.changeableAttributes
        FROM manifest m JOIN repository r ON r.id = m.repositoryId
        WHERE r.registryId = ? AND r.name = ? AND m.goneAt IS NULL
        """
      func collect(_ rows: [StoreRow]) throws {
        for row in rows {
          let digest = try row.digest(1)
          ids[try row[0]] = digest
          let tagList: String? = row[5]
          result[digest] = CachedManifest(
            repository: repository, digest: digest, mediaType: try row[2], raw: row[3],
            size: try row[4],
            tags: TagList.decode(tagList),
            subjectDigest: try row.optionalDigest(6), changeableAttributes: row[7], blobs: [],
            children: [])
        }
      }
      if let digests {
        for batch in Self.batches(Array(Set(digests))) {
          try collect(
            try db.rows(
              select + " AND m.digest IN \(Self.placeholders(batch.count))",
              Self.arguments([registryId, repository], batch)))
        }
      } else {
        try collect(try db.rows(select, [registryId, repository]))
      }
      for batch in Self.batches(Array(ids.keys)) {
        let marks = Self.placeholders(batch.count)
        for row in try db.rows(
          "SELECT manifestId, digest, size, mediaType FROM layer WHERE manifestId IN \(marks) ORDER BY manifestId, position",
          Self.arguments([], batch))
        {
          guard let digest = ids[try row[0]] else { continue }
          result[digest]?.blobs.append(
            CachedBlob(digest: try row.digest(1), size: try row[2], mediaType: try row[3]))
        }
        for row in try db.rows(
          "SELECT manifestId, digest FROM child WHERE manifestId IN \(marks) ORDER BY manifestId, position",
          Self.arguments([], batch))
        {
          guard let digest = ids[try row[0]] else { continue }
          result[digest]?.children.append(try row.digest(1))
        }
      }
      return result
    }
  }

  /// For each blob digest, the live manifests anywhere in the registry that reference it
  /// (as config or layer). A blob is freed only when every one of them is deleted.
  public func blobUsers(registryId: Int64, blobs: Set<Digest>) throws -> [Digest: Set<ManifestKey>]
  {
    try read { db in
      var users: [Digest: Set<ManifestKey>] = [:]
      for batch in Self.batches(Array(blobs)) {
        for row in try db.rows(
          """
          SELECT l.digest, r.name, m.digest FROM layer l
          JOIN manifest m ON m.id = l.manifestId AND m.goneAt IS NULL
          JOIN repository r ON r.id = m.repositoryId
          WHERE r.registryId = ? AND l.digest IN \(Self.placeholders(batch.count))
          """, Self.arguments([registryId], batch))
        {
          users[try row.digest(0), default: []].insert(
            ManifestKey(repository: try row[1], digest: try row.digest(2)))
        }
      }
      return users
    }
  }

  /// For each manifest digest, the repositories where it is live: a manifest's own bytes
  /// are one blob in the registry's storage, shared by every repository that holds it.
  public func manifestHolders(registryId: Int64, digests: Set<Digest>) throws -> [Digest: Set<
    ManifestKey
  >] {
    try read { db in
      var holders: [Digest: Set<ManifestKey>] = [:]
      for batch in Self.batches(Array(digests)) {
        for row in try db.rows(
          """
          SELECT m.digest, r.name FROM manifest m JOIN repository r ON r.id = m.repositoryId
          WHERE r.registryId = ? AND m.goneAt IS NULL
            AND m.digest IN \(Self.placeholders(batch.count))
          """, Self.arguments([registryId], batch))
        {
          let digest = try row.digest(0)
          holders[digest, default: []].insert(ManifestKey(repository: try row[1], digest: digest))
        }
      }
      return holders
    }
  }

  /// For each digest, the live indexes of `repository` that list it as a child.
  public func parentIndexes(registryId: Int64, repository: String, children: Set<Digest>) throws
    -> [Digest: [ParentIndex]]
  {
    try read { db in
      var parents: [Digest: [ParentIndex]] = [:]
      for batch in Self.batches(Array(children)) {
        for row in try db.rows(
          """
          SELECT DISTINCT c.digest, m.digest, m.tagList FROM child c
          JOIN manifest m ON m.id = c.manifestId AND m.goneAt IS NULL
          JOIN repository r ON r.id = m.repositoryId
          WHERE r.registryId = ? AND r.name = ? AND c.digest IN \(Self.placeholders(batch.count))
          ORDER BY m.digest
          """, Self.arguments([registryId, repository], batch))
        {
          let tagList: String? = row[2]
          parents[try row.digest(0), default: []].append(
            ParentIndex(
              digest: try row.digest(1),
              tags: TagList.decode(tagList)))
        }
      }
      return parents
    }
  }

  /// The tag → digest map of a repository at its last sync (what sync compares the
  /// registry against, and what actions resolve tags with).
  public func currentTags(registryId: Int64, repository: String) throws -> [String: Digest] {
    try read { db in
      var tags: [String: Digest] = [:]
      for row in try db.rows(
        """
        SELECT t.name, t.digest FROM tag t JOIN repository r ON r.id = t.repositoryId
        WHERE r.registryId = ? AND r.name = ? AND t.untilTime IS NULL
        """, [registryId, repository])
      {
        tags[try row[0]] = try row.digest(1)
      }
      return tags
    }
  }

  /// SQLite allows a limited number of bound values per statement.
  static func batches<T>(_ values: [T], size: Int = 500) -> [[T]] {
    stride(from: 0, to: values.count, by: size).map {
      Array(values[$0..<min($0 + size, values.count)])
    }
  }

  static func arguments<T: StoreBindable>(
    _ leading: StoreArguments, _ batch: [T]
  ) -> StoreArguments {
    leading + StoreArguments(batch.map { $0 as any StoreBindable })
  }

  static func placeholders(_ count: Int) -> String {
    "(" + Array(repeating: "?", count: count).joined(separator: ",") + ")"
  }
}
