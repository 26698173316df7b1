import Foundation
import GRDB
import MetadataCache
import SeededRandom

/// A random cache in a real SQLite file, for the pushdown's differential test: untagged
/// manifests, many tags, tags with odd characters, equal timestamps, manifests, tags and
/// repositories that are gone, tags signed or not with attributes that parse or not, and
/// repository names that sort differently by code point than by Swift's order.
struct PushdownCache {
  let home: URL
  let repositories: [String]
  /// Every tag and timestamp the cache holds: what generated literals pick from, so
  /// comparisons hit real values and their neighbours.
  let tags: [String]
  let timestamps: [String]

  static let oddTags = [
    "v1", "rc", "rc1", "latest", "a b", "it's", "quo\"te", "back\\slash", "café", "cafe\u{301}",
    "😀", "Z", "z", "1.0", "-", "co,mma", "tick`", "<x>", "ünï", "rc\u{7f}",
  ]

  init(seed: UInt64) throws {
    var random = SeededRandom(seed: seed)
    home = FileManager.default.temporaryDirectory.appendingPathComponent(
      "regsh-pushdown-\(seed)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    // Opening the store creates the schema through its migrations.
    let store = try MetadataStore(url: home.appendingPathComponent("cache.sqlite"))
    _ = store
    let names = ["app", "App", "team/z", "team/é", "team/e\u{301}", "b-c", "b_c", "b", "ß"]
    let repositories = (0..<(2 + random.below(5))).map { _ in random.pick(names) }
    let repositoryNames = Array(Set(repositories)).sorted()
    var tags: [String] = []
    var timestamps: [String] = []
    let queue = try DatabaseQueue(path: home.appendingPathComponent("cache.sqlite").path)
    let base = ["2024-01-01T00:00:00Z", "2024-01-01T00:00:00.5Z", "2024-06-30T12:00:00Z"]
    var mounted: [(String, String)] = []
    try queue.write { db in
      try db.execute(
        sql: """
          INSERT INTO registry (name, url, insecure, flavor, addedAt)
          VALUES ('fuzz', 'bench.invalid', 0, 'distribution', '2024-01-01T00:00:00Z')
          """)
      let registryId = db.lastInsertedRowID
      for name in repositoryNames {
        // Some repositories are gone from the registry: no listing shows them but tags.
        try db.execute(
          sql: """
            INSERT INTO repository (registryId, name, firstSeen, lastSeen, lastSynced, goneAt)
            VALUES (?, ?, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', ?)
            """,
          arguments: [registryId, name, random.below(6) == 0 ? "2024-02-01T00:00:00Z" : nil])
        let repositoryId = db.lastInsertedRowID
        for m in 0..<random.below(25) {
          var digest =
            "sha256:" + String(format: "%064x", random.next() % 5000 &* 7919 &+ UInt64(m))
          var timestamp =
            random.below(3) == 0
            ? random.pick(base)
            : String(format: "2024-%02d-%02dT10:00:00Z", 1 + random.below(12), 1 + random.below(28))
          // The same manifest mounted in another repository: one digest and one time in
          // two rows, a tie only the repository name breaks (`--orderby` over --all).
          if random.below(4) == 0, !mounted.isEmpty {
            (digest, timestamp) = random.pick(mounted)
          }
          mounted.append((digest, timestamp))
          timestamps.append(timestamp)
          let count = random.below(4) == 0 ? 0 : 1 + random.below(random.below(3) == 0 ? 8 : 2)
          let own = Set((0..<count).map { _ in random.pick(Self.oddTags) })
          tags += own
          let tagList = own.isEmpty ? nil : own.sorted().joined(separator: "\t")
          // The tag listing's rows: the current tags (a name once per repository), each
          // with times that often tie, and some that moved away (untilTime set).
          for name in own.sorted() {
            let created = random.below(3) == 0 ? nil : random.pick(base + [timestamp])
            let updated = random.below(3) == 0 ? created : random.pick(base + [timestamp])
            let attributes = random.pick([
              nil, #"{"deleteEnabled": true, "writeEnabled": false}"#, "{not json", "[]",
            ])
            let signed: Int? = random.below(3) == 0 ? nil : random.below(2)
            try db.execute(
              sql: """
                INSERT OR IGNORE INTO tag (repositoryId, name, digest, sinceTime, untilTime,
                  registryCreated, registryUpdated, signed, changeableAttributes)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
              arguments: [
                repositoryId, name, digest, random.pick(base),
                random.below(8) == 0 ? "2024-03-01T00:00:00Z" : nil, created, updated, signed,
                attributes,
              ])
          }
          try db.execute(
            sql: """
              INSERT OR IGNORE INTO manifest (repositoryId, digest, mediaType, size, timestamp,
                timestampSource, tagList, firstSeen, lastSeen, goneAt)
              VALUES (?, ?, 'application/vnd.oci.image.manifest.v1+json', 100, ?, 'config', ?,
                '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', ?)
              """,
            arguments: [
              repositoryId, digest, timestamp, tagList,
              random.below(10) == 0 ? "2024-02-01T00:00:00Z" : nil,
            ])
        }
      }
    }
    self.repositories = repositoryNames
    self.tags = Array(Set(tags)).sorted()
    self.timestamps = Array(Set(timestamps)).sorted()
  }

  func remove() { try? FileManager.default.removeItem(at: home) }
}
