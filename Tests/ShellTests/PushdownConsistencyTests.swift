import Foundation
import GRDB
import JMESPath
import MetadataCache
import Testing

/// A pushed-down listing reads one state of the cache: while another connection commits
/// changes that keep an answer constant, the store's answer never mixes two states (its
/// chunks of repositories, read on several connections, and its failure check agree).
@Suite(.serialized) struct PushdownConsistencyTests {
  /// A cache of many repositories (so a listing of all is read in chunks), with a writer
  /// that moves "untagged" between the first repository and the last, each move one
  /// transaction: the number of untagged manifests is always the same.
  final class Moving: @unchecked Sendable {
    let directory: URL
    let store: MetadataStore
    let registryId: Int64
    let writer: DatabaseQueue
    /// A tagged manifest of the first repository, an untagged one of the last.
    let first: Int64
    let last: Int64
    let untagged: Int
    private let lock = NSLock()
    private var stopped = false
    private(set) var moves = 0

    init() throws {
      directory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "regsh-pushdown-consistency-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      let file = directory.appendingPathComponent("cache.sqlite")
      store = try MetadataStore(url: file)
      try store.populateBenchmark(manifests: 16_000, repositories: 40)
      registryId = try #require(try store.registries().first { $0.name == "bench" }).id
      var configuration = Configuration()
      // The store's barrier holds the write lock for a moment: wait, as a sync does.
      configuration.busyMode = .timeout(30)
      writer = try DatabaseQueue(path: file.path, configuration: configuration)
      let names = try store.repositoryNames(registryId: registryId)
      (first, last, untagged) = try writer.read { db in
        func manifest(_ repository: String, tagged: Bool) throws -> Int64 {
          try #require(
            try Int64.fetchOne(
              db,
              sql: """
                SELECT m.id FROM manifest m JOIN repository r ON r.id = m.repositoryId
                WHERE r.name = ? AND m.goneAt IS NULL AND m.tagList IS \(tagged ? "NOT" : "") NULL
                LIMIT 1
                """, arguments: [repository]))
        }
        let count = try Int.fetchOne(
          db, sql: "SELECT count(*) FROM manifest WHERE goneAt IS NULL AND tagList IS NULL")
        return (
          try manifest(names[0], tagged: true), try manifest(names[names.count - 1], tagged: false),
          count ?? 0
        )
      }
    }

    /// Moves until `stop`: untag the first repository's manifest and tag the last's, then
    /// back, each pair in one transaction.
    func run() {
      var untagFirst = true
      while !lock.withLock({ stopped }) {
        try? writer.write { db in
          try db.execute(
            sql: "UPDATE manifest SET tagList = ? WHERE id = ?",
            arguments: [untagFirst ? nil : "moved", first])
          try db.execute(
            sql: "UPDATE manifest SET tagList = ? WHERE id = ?",
            arguments: [untagFirst ? "moved" : nil, last])
        }
        untagFirst.toggle()
        lock.withLock { moves += 1 }
        // A sync commits a repository at a time, not back to back.
        Thread.sleep(forTimeInterval: 0.0005)
      }
    }

    func stop() { lock.withLock { stopped = true } }

    func answer(_ source: String) throws -> ListingAnswer {
      let plan = try #require(
        ListingPlanner.plan(
          try Expression(source).part, over: ListingQuery(registryId: registryId, repository: nil)))
      #expect(plan.residual == nil && plan.rest.isEmpty, "\(source)")
      return try store.answer(plan.query)
    }
  }

  @Test func aCountWhileAWriterCommitsIsAlwaysOneState() throws {
    let moving = try Moving()
    defer { try? FileManager.default.removeItem(at: moving.directory) }
    let thread = Thread { moving.run() }
    thread.start()
    var counts: [Int: Int] = [:]
    var documents: [Int: Int] = [:]
    for n in 0..<200 {
      // A count, and the documents themselves (a chunked read of rows).
      if case .count(let count) = try moving.answer("length([?tags==null])") {
        counts[count, default: 0] += 1
      }
      if n % 5 == 0, case .documents(let items) = try moving.answer("[?tags==null].digest") {
        documents[items.count, default: 0] += 1
      }
    }
    moving.stop()
    while !thread.isFinished { Thread.sleep(forTimeInterval: 0.01) }
    #expect(moving.moves > 10, "the writer committed only \(moving.moves) times")
    #expect(counts.keys.sorted() == [moving.untagged], "counts seen: \(counts)")
    #expect(documents.keys.sorted() == [moving.untagged], "document counts seen: \(documents)")
  }
}
