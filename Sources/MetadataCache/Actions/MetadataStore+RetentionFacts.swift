import Foundation
import GRDB
import GRDBSQLite

/// One tag as retention sees it: where it points and every time the cache has for it.
public struct TagFact: Sendable, Hashable {
  public var name: String
  public var digest: String
  /// ACR's `lastUpdateTime`, where the registry reports it.
  public var registryUpdated: String?
  /// When the cache first saw this tag point at this digest (sync opens a row per move).
  public var since: String
  /// ACR's `changeableAttributes` as the registry sent them.
  public var changeableAttributes: String?

  public init(
    name: String, digest: String, registryUpdated: String? = nil, since: String,
    changeableAttributes: String? = nil
  ) {
    self.name = name
    self.digest = digest
    self.registryUpdated = registryUpdated
    self.since = since
    self.changeableAttributes = changeableAttributes
  }
}

/// One manifest as retention sees it: its tags, its times, what it lists and refers to.
public struct ManifestFact: Sendable, Hashable {
  public var digest: String
  public var mediaType: String
  public var tags: [String]
  /// ACR's `lastUpdateTime`, where the registry reports it.
  public var registryUpdated: String?
  /// The image config's `created`.
  public var configCreated: String?
  /// When the cache first saw the manifest.
  public var firstSeen: String
  public var subjectDigest: String?
  public var changeableAttributes: String?
  /// The manifests an index lists.
  public var children: [String]

  public init(
    digest: String, mediaType: String, tags: [String] = [], registryUpdated: String? = nil,
    configCreated: String? = nil, firstSeen: String, subjectDigest: String? = nil,
    changeableAttributes: String? = nil, children: [String] = []
  ) {
    self.digest = digest
    self.mediaType = mediaType
    self.tags = tags
    self.registryUpdated = registryUpdated
    self.configCreated = configCreated
    self.firstSeen = firstSeen
    self.subjectDigest = subjectDigest
    self.changeableAttributes = changeableAttributes
    self.children = children
  }
}

/// What retention decides over in one repository: its current tags and live manifests.
public struct RepositoryFacts: Sendable {
  public var repository: String
  public var tags: [TagFact]
  public var manifests: [ManifestFact]

  public init(repository: String, tags: [TagFact], manifests: [ManifestFact]) {
    self.repository = repository
    self.tags = tags
    self.manifests = manifests
  }
}

/// The reads a cleanup plan is made from: plain facts, no bytes, so a million manifests
/// are read in one pass per table.
extension MetadataStore {
  /// The repositories of a registry that the cache holds as present, sorted.
  public func liveRepositoryNames(registryId: Int64) throws -> [String] {
    try read { db in
      try String.fetchAll(
        db,
        sql: "SELECT name FROM repository WHERE registryId = ? AND goneAt IS NULL ORDER BY name",
        arguments: [registryId])
    }
  }

  /// The current tags of `repository`; with `manifests`, also its live manifests with their
  /// children (the manifest phase needs them; the tag phase does not).
  public func retentionFacts(
    registryId: Int64, repository: String, manifests: Bool, tags readTags: Bool = true
  ) throws -> RepositoryFacts {
    try read { db in
      guard
        let repositoryId = try Int64.fetchOne(
          db, sql: "SELECT id FROM repository WHERE registryId = ? AND name = ?",
          arguments: [registryId, repository])
      else { return RepositoryFacts(repository: repository, tags: [], manifests: []) }
      var tags: [TagFact] = []
      let tagRows = try Row.fetchCursor(
        db,
        sql: """
          SELECT name, digest, registryUpdated, sinceTime, changeableAttributes FROM tag
          WHERE repositoryId = ? AND untilTime IS NULL
          """, arguments: [repositoryId])
      while readTags, let row = try tagRows.next() {
        tags.append(
          TagFact(
            name: row[0], digest: row[1], registryUpdated: row[2], since: row[3],
            changeableAttributes: row[4]))
      }
      guard manifests else {
        return RepositoryFacts(repository: repository, tags: tags, manifests: [])
      }
      var facts: [ManifestFact] = []
      var position: [Int64: Int] = [:]
      let rows = try Row.fetchCursor(
        db,
        sql: """
          SELECT id, digest, mediaType, tagList, registryUpdated, configCreated, firstSeen,
            subjectDigest, changeableAttributes
          FROM manifest WHERE repositoryId = ? AND goneAt IS NULL
          """, arguments: [repositoryId])
      while let row = try rows.next() {
        position[row[0]] = facts.count
        let tagList: String? = row[3]
        facts.append(
          ManifestFact(
            digest: row[1], mediaType: row[2], tags: TagList.decode(tagList),
            registryUpdated: row[4], configCreated: row[5], firstSeen: row[6],
            subjectDigest: row[7], changeableAttributes: row[8]))
      }
      // Only an index lists children: a repository without one (most) skips the join,
      // which costs a lookup per manifest.
      guard facts.contains(where: { Self.mayList($0.mediaType) }) else {
        return RepositoryFacts(repository: repository, tags: tags, manifests: facts)
      }
      let children = try Row.fetchCursor(
        db,
        sql: """
          SELECT c.manifestId, c.digest FROM child c JOIN manifest m ON m.id = c.manifestId
          WHERE m.repositoryId = ? AND m.goneAt IS NULL ORDER BY c.manifestId, c.position
          """, arguments: [repositoryId])
      while let row = try children.next() {
        if let index = position[row[0]] { facts[index].children.append(row[1]) }
      }
      return RepositoryFacts(repository: repository, tags: tags, manifests: facts)
    }
  }

  /// Whether a manifest of this media type can list others (an OCI index, a Docker
  /// manifest list); an empty media type is unknown, so it may.
  static func mayList(_ mediaType: String) -> Bool {
    // Suffixes, not a substring search: this runs once per manifest of a million.
    mediaType.isEmpty || mediaType.hasSuffix("index.v1+json")
      || mediaType.hasSuffix("manifest.list.v2+json")
  }

  /// The facts of many repositories at once, in one pass over each table (NOT INDEXED): a
  /// table scan reads a million rows an order of magnitude faster than a million index
  /// lookups, so a plan over most of a registry reads it this way. Repositories not in
  /// `repositories` are skipped as they are read.
  public func retentionFacts(
    registryId: Int64, repositories: Set<String>, manifests: Bool, tags readTags: Bool = true
  ) throws -> [String: RepositoryFacts] {
    try read { db in
      var names: [Int64: String] = [:]
      let repositoryRows = try Row.fetchCursor(
        db, sql: "SELECT id, name FROM repository WHERE registryId = ? AND goneAt IS NULL",
        arguments: [registryId])
      while let row = try repositoryRows.next() {
        let name: String = row[1]
        if repositories.contains(name) { names[row[0]] = name }
      }
      // Facts in an array, found by repository id: rows are appended in place, without
      // copying a repository's facts out of a dictionary and back for each row.
      var all: [RepositoryFacts] = []
      var slot: [Int64: Int] = [:]
      for (id, name) in names {
        slot[id] = all.count
        all.append(RepositoryFacts(repository: name, tags: [], manifests: []))
      }
      if readTags {
        let statement = try db.makeStatement(
          sql: """
            SELECT repositoryId, name, digest, registryUpdated, sinceTime, changeableAttributes
            FROM tag NOT INDEXED WHERE untilTime IS NULL
            """)
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        var sinceTimes = RepeatedText()
        while true {
          let step = sqlite3_step(handle)
          if step == SQLITE_DONE { break }
          guard step == SQLITE_ROW else {
            throw DatabaseError(
              resultCode: ResultCode(rawValue: step),
              message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
          }
          guard let n = slot[sqlite3_column_int64(handle, 0)] else { continue }
          all[n].tags.append(
            TagFact(
              name: Self.columnText(handle, 1) ?? "", digest: Self.columnText(handle, 2) ?? "",
              registryUpdated: Self.columnText(handle, 3), since: sinceTimes.text(handle, 4),
              changeableAttributes: Self.columnText(handle, 5)))
        }
      }
      guard manifests else {
        return Dictionary(uniqueKeysWithValues: all.map { ($0.repository, $0) })
      }
      // manifest id → (slot of its repository, position in its facts), for indexes only
      var position: [Int64: (Int, Int)] = [:]
      // Stepped by hand, the columns read straight from SQLite: the hot loop of a plan over
      // a million manifests. Media types and first-seen times repeat from row to row (one
      // sync stamps many), so an equal value reuses the previous row's string.
      let statement = try db.makeStatement(
        sql: """
          SELECT repositoryId, id, digest, mediaType, tagList, registryUpdated, configCreated,
            firstSeen, subjectDigest, changeableAttributes
          FROM manifest NOT INDEXED WHERE goneAt IS NULL
          """)
      let handle = statement.sqliteStatement
      defer { sqlite3_reset(handle) }
      var mediaTypes = RepeatedText()
      var firstSeens = RepeatedText()
      while true {
        let step = sqlite3_step(handle)
        if step == SQLITE_DONE { break }
        guard step == SQLITE_ROW else {
          throw DatabaseError(
            resultCode: ResultCode(rawValue: step),
            message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        guard let n = slot[sqlite3_column_int64(handle, 0)] else { continue }
        let mediaType = mediaTypes.text(handle, 3)
        if Self.mayList(mediaType) {
          position[sqlite3_column_int64(handle, 1)] = (n, all[n].manifests.count)
        }
        all[n].manifests.append(
          ManifestFact(
            digest: Self.columnText(handle, 2) ?? "", mediaType: mediaType,
            tags: Self.columnTagList(handle, 4),
            registryUpdated: Self.columnText(handle, 5), configCreated: Self.columnText(handle, 6),
            firstSeen: firstSeens.text(handle, 7), subjectDigest: Self.columnText(handle, 8),
            changeableAttributes: Self.columnText(handle, 9)))
      }
      if !position.isEmpty {
        let children = try Row.fetchCursor(
          db, sql: "SELECT manifestId, digest FROM child ORDER BY manifestId, position")
        while let row = try children.next() {
          guard let (n, index) = position[row[0]] else { continue }
          all[n].manifests[index].children.append(row[1])
        }
      }
      return Dictionary(uniqueKeysWithValues: all.map { ($0.repository, $0) })
    }
  }

  /// A stored tag list column (`TagList`) as its tags, split on the tab bytes: no string
  /// of the whole list and no grapheme breaking (a tab is always a character of its own).
  static func columnTagList(_ handle: OpaquePointer, _ column: Int32) -> [String] {
    guard let text = sqlite3_column_text(handle, column) else { return [] }
    let bytes = UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column)))
    return bytes.split(separator: UInt8(ascii: "\t")).map {
      String(decoding: UnsafeBufferPointer(rebasing: $0), as: UTF8.self)
    }
  }

  /// A text column as a string; nil for NULL.
  static func columnText(_ handle: OpaquePointer, _ column: Int32) -> String? {
    guard let text = sqlite3_column_text(handle, column) else { return nil }
    return String(
      decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column))),
      as: UTF8.self)
  }
}

/// A column whose value often equals the previous row's: the previous string is reused
/// instead of a new one made (one allocation less per row of a million).
struct RepeatedText {
  var bytes: [UInt8] = []
  var last = ""

  mutating func text(_ handle: OpaquePointer, _ column: Int32) -> String {
    guard let text = sqlite3_column_text(handle, column) else { return "" }
    let now = UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column)))
    if !now.elementsEqual(bytes) {
      bytes = Array(now)
      last = String(decoding: now, as: UTF8.self)
    }
    return last
  }
}
