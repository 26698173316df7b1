import Foundation

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
      try db.column(
        String.self,
        "SELECT name FROM repository WHERE registryId = ? AND goneAt IS NULL ORDER BY name",
        [registryId])
    }
  }

  /// The current tags of `repository`; with `manifests`, also its live manifests with their
  /// children (the manifest phase needs them; the tag phase does not).
  public func retentionFacts(
    registryId: Int64, repository: String, manifests: Bool, tags readTags: Bool = true
  ) throws -> RepositoryFacts {
    try read { db in
      guard
        let repositoryId = try db.scalar(
          Int64.self, "SELECT id FROM repository WHERE registryId = ? AND name = ?",
          [registryId, repository])
      else { return RepositoryFacts(repository: repository, tags: [], manifests: []) }
      var tags: [TagFact] = []
      if readTags {
        try db.visit(
          """
          SELECT name, digest, registryUpdated, sinceTime, changeableAttributes FROM tag
          WHERE repositoryId = ? AND untilTime IS NULL
          """, [repositoryId]
        ) { row in
          tags.append(
            TagFact(
              name: row.text(0) ?? "", digest: row.text(1) ?? "", registryUpdated: row.text(2),
              since: row.text(3) ?? "", changeableAttributes: row.text(4)))
        }
      }
      guard manifests else {
        return RepositoryFacts(repository: repository, tags: tags, manifests: [])
      }
      var facts: [ManifestFact] = []
      var position: [Int64: Int] = [:]
      try db.visit(
        """
        SELECT id, digest, mediaType, tagList, registryUpdated, configCreated, firstSeen,
          subjectDigest, changeableAttributes
        FROM manifest WHERE repositoryId = ? AND goneAt IS NULL
        """, [repositoryId]
      ) { row in
        position[row.int64(0)] = facts.count
        facts.append(
          ManifestFact(
            digest: row.text(1) ?? "", mediaType: row.text(2) ?? "",
            tags: TagList.decode(row.text(3)), registryUpdated: row.text(4),
            configCreated: row.text(5), firstSeen: row.text(6) ?? "",
            subjectDigest: row.text(7), changeableAttributes: row.text(8)))
      }
      // Only an index lists children: a repository without one (most) skips the join,
      // which costs a lookup per manifest.
      guard facts.contains(where: { Self.mayList($0.mediaType) }) else {
        return RepositoryFacts(repository: repository, tags: tags, manifests: facts)
      }
      try db.visit(
        """
        SELECT c.manifestId, c.digest FROM child c JOIN manifest m ON m.id = c.manifestId
        WHERE m.repositoryId = ? AND m.goneAt IS NULL ORDER BY c.manifestId, c.position
        """, [repositoryId]
      ) { row in
        if let index = position[row.int64(0)] { facts[index].children.append(row.text(1) ?? "") }
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

  /// The facts of many repositories at once, in one pass over each table (NOT INDEXED on
  /// SQLite): a table scan reads a million rows an order of magnitude faster than a
  /// million index lookups, so a plan over most of a registry reads it this way.
  /// Repositories not in `repositories` are skipped as they are read. Without
  /// `manifestTags`, every manifest's `tags` is empty: a retention policy names an image's
  /// tags from the tag facts, and 700,000 lists it never reads cost a tenth of its plan.
  /// Without `configCreated`, every manifest's `configCreated` is nil: only the `created`
  /// time basis reads it, and a million distinct times are a million allocations.
  public func retentionFacts(
    registryId: Int64, repositories: Set<String>, manifests: Bool, tags readTags: Bool = true,
    manifestTags: Bool = true, configCreated readsCreated: Bool = true
  ) throws -> [String: RepositoryFacts] {
    try read { db in
      var names: [Int64: String] = [:]
      for row in try db.rows(
        "SELECT id, name FROM repository WHERE registryId = ? AND goneAt IS NULL", [registryId])
      {
        let name: String = try row[1]
        if repositories.contains(name) { names[try row[0]] = name }
      }
      // Facts in an array, found by repository id: rows are appended in place, without
      // copying a repository's facts out of a dictionary and back for each row.
      var all: [RepositoryFacts] = []
      var slot = RepositorySlots(ids: names.keys)
      for (id, name) in names {
        slot[id] = all.count
        all.append(RepositoryFacts(repository: name, tags: [], manifests: []))
      }
      if readTags {
        // Mostly distinct, but one sync can stamp many in a row.
        var sinceTimes = InternedTexts(limit: 1)
        try db.visit(
          """
          SELECT repositoryId, name, digest, registryUpdated, sinceTime, changeableAttributes
          FROM tag \(db.dialect.notIndexed) WHERE untilTime IS NULL
          """, []
        ) { row in
          guard let n = slot[row.int64(0)] else { return }
          all[n].tags.append(
            TagFact(
              name: row.text(1) ?? "", digest: row.text(2) ?? "", registryUpdated: row.text(3),
              since: sinceTimes.text(row, 4), changeableAttributes: row.text(5)))
        }
      }
      guard manifests else {
        return Dictionary(uniqueKeysWithValues: all.map { ($0.repository, $0) })
      }
      // manifest id → (slot of its repository, position in its facts), for indexes only
      var position: [Int64: (Int, Int)] = [:]
      // The hot loop of a plan over a million manifests: columns read straight from the
      // row. A registry holds a handful of media types, and one sync stamps its first-seen
      // time on many manifests: one string for each, not one per row.
      var mediaTypes = InternedTexts(limit: 8)
      var firstSeens = InternedTexts(limit: 4)
      try db.visit(
        """
        SELECT repositoryId, id, digest, mediaType, tagList, registryUpdated, configCreated,
          firstSeen, subjectDigest, changeableAttributes
        FROM manifest \(db.dialect.notIndexed) WHERE goneAt IS NULL
        """, []
      ) { row in
        guard let n = slot[row.int64(0)] else { return }
        let mediaType = mediaTypes.text(row, 3)
        if Self.mayList(mediaType) {
          position[row.int64(1)] = (n, all[n].manifests.count)
        }
        all[n].manifests.append(
          ManifestFact(
            digest: row.text(2) ?? "", mediaType: mediaType,
            tags: manifestTags ? Self.tagList(row, 4) : [],
            registryUpdated: row.text(5), configCreated: readsCreated ? row.text(6) : nil,
            firstSeen: firstSeens.text(row, 7), subjectDigest: row.text(8),
            changeableAttributes: row.text(9)))
      }
      if !position.isEmpty {
        try db.visit("SELECT manifestId, digest FROM child ORDER BY manifestId, position", []) {
          row in
          guard let (n, index) = position[row.int64(0)] else { return }
          all[n].manifests[index].children.append(row.text(1) ?? "")
        }
      }
      return Dictionary(uniqueKeysWithValues: all.map { ($0.repository, $0) })
    }
  }

  /// A stored tag list column (`TagList`) as its tags, split on the tab bytes: no string
  /// of the whole list and no grapheme breaking (a tab is always a character of its own).
  static func tagList(_ row: any StoreCursor, _ column: Int) -> [String] {
    row.withText(column) { bytes in
      bytes.split(separator: UInt8(ascii: "\t")).map {
        String(decoding: UnsafeBufferPointer(rebasing: $0), as: UTF8.self)
      }
    }
  }
}

/// Each repository id's place in the bulk reader's list, looked up once per row of a
/// million: by index where the ids are dense (row ids are), not by hashing.
struct RepositorySlots {
  private var dense: [Int32]
  private var sparse: [Int64: Int] = [:]

  init(ids: some Collection<Int64>) {
    let largest = ids.max() ?? -1
    // Beyond a few million, the ids are not dense: the dictionary is smaller.
    dense = largest >= 0 && largest < 1 << 22 ? Array(repeating: -1, count: Int(largest) + 1) : []
  }

  subscript(id: Int64) -> Int? {
    get {
      guard id >= 0, id < dense.count else { return sparse[id] }
      let slot = dense[Int(id)]
      return slot < 0 ? nil : Int(slot)
    }
    set {
      if id >= 0, id < dense.count {
        dense[Int(id)] = newValue.map(Int32.init) ?? -1
      } else {
        sparse[id] = newValue
      }
    }
  }
}
