import Foundation
import JMESPath
import MetadataCache
import SeededRandom
import TestSupport
import Testing

@testable import Shell

/// Issue 15, item 2: every query gives the same bytes whether the store answers part of
/// it (pushdown) or the interpreter runs it over the documents, in every `-o` format and
/// dialect, over random caches.
@Suite struct PushdownDifferentialTests {
  static let seeds: [UInt64] = [1, 2, 3, 4, 5, 6]
  static let expressionsPerCache = 100

  /// What a session prints for `manifests [REPO|--all] --query EXPR -o FORMAT`, per format,
  /// or the error it reports; and whether the store answered.
  static func outputs(
    _ session: Session, expression: String, repository: String?,
    options: DocumentOptions = DocumentOptions()
  ) -> (texts: [String], pushed: Bool) {
    // The pushing side runs as `manifests` does, so a listing it builds whole holds only
    // what the query reads; the interpreting side builds whole documents, as regsh did
    // before either: the reference for both.
    var options = options
    if session.pushdownEnabled { options.fields = session.fields(readBy: expression) }
    return outputs(session, expression: expression) { registryId, output in
      try session.manifestListing(
        registryId: registryId, repository: repository, options: options, output: output)
    }
  }

  /// The same for any listing: `list` runs it with the query's output options.
  static func outputs(
    _ session: Session, expression: String,
    list: (Int64, OutputOptions) throws -> CommandResult
  ) -> (texts: [String], pushed: Bool) {
    do {
      let info = try session.resolveRegistry("fuzz")
      let output = try OutputOptions.parse(["--query", expression])
      var result = try list(info.id, output)
      if !result.queryApplied, let value = result.value {
        result.value = try session.queried(value, by: expression)
      }
      let value = result.value ?? .null
      // The pushdown's side prints as the shell does, in small pieces where the format
      // streams; the interpreter's side renders whole: the bytes must agree.
      let texts = try OutputFormat.allCases.map { format -> String in
        guard session.pushdownEnabled else {
          return try session.render(value, format: format.rawValue, fromQuery: true)
        }
        var text = ""
        try session.renderer(format: format.rawValue, fromQuery: true).write(value, pieceSize: 7) {
          text += $0
        }
        return text
      }
      return (texts, result.queryApplied)
    } catch {
      return (["error: \(error)"], false)
    }
  }

  @Test(arguments: seeds, StoreUnderTest.available)
  func sameBytesEitherWay(seed: UInt64, store: StoreUnderTest) throws {
    let cache = try PushdownCache(seed: seed)
    defer { cache.remove() }
    // On PostgreSQL the same random cache, copied in (`store copy`'s path): its dialect
    // must give the interpreter's bytes too.
    var storeEnvironment = try store.environment()
    if let url = storeEnvironment["REGSH_STORE"] {
      try MetadataStore(url: cache.home.appendingPathComponent("cache.sqlite"))
        .copyEverything(to: try MetadataStore(address: try StoreAddress(parsing: url)))
    }
    storeEnvironment["REGSH_HOME"] = cache.home.path
    var generator = PushdownExpressionGenerator(
      random: SeededRandom(seed: seed &* 7919), cache: cache)
    var pushedCount = 0
    // One pair of sessions per dialect, kept for the whole cache: opening one is the cost.
    let environment = storeEnvironment.merging(["REGSH_NOW": "2024-07-01T00:00:00Z"]) { $1 }
    let pairs = Dialect.allCases.map { dialect in
      let pushing = Session(environment: environment)
      let interpreting = Session(environment: environment.merging(["REGSH_PUSHDOWN": "off"]) { $1 })
      pushing.dialect = dialect
      interpreting.dialect = dialect
      return (dialect, pushing, interpreting)
    }
    for n in 0..<Self.expressionsPerCache {
      let expression = generator.expression()
      let repository: String? = n % 3 == 0 ? cache.repositories.first : nil
      // `--orderby` on one repository and on every one: the store orders the listing itself.
      let order: DocumentOptions.Order? =
        n % 4 == 1 ? .timeDescending : n % 4 == 3 ? .timeAscending : nil
      // `--top` cuts the listing before the query, sometimes to nothing.
      let options = DocumentOptions(order: order, top: n % 5 == 2 ? n % 4 * 3 : nil)
      for (dialect, pushing, interpreting) in pairs {
        let pushed = Self.outputs(
          pushing, expression: expression, repository: repository, options: options)
        let interpreted = Self.outputs(
          interpreting, expression: expression, repository: repository, options: options)
        if pushed.pushed { pushedCount += 1 }
        // Says which format differs first, not the whole of both outputs.
        let same = pushed.texts == interpreted.texts
        let differing = pushed.texts.indices.first {
          $0 >= interpreted.texts.count || pushed.texts[$0] != interpreted.texts[$0]
        }
        #expect(
          same,
          """
          seed \(seed), \(store), \(dialect), \(repository ?? "--all"): \(expression)
          \(differing.map { "-o \(OutputFormat.allCases[$0]): \(pushed.texts[$0].prefix(300)) ≠ \(interpreted.texts[min($0, interpreted.texts.count - 1)].prefix(300))" } ?? "\(pushed.texts.prefix(1)) ≠ \(interpreted.texts.prefix(1))")
          """)
      }
    }
    // The generator must exercise the store, not only the fallback.
    #expect(
      pushedCount > Self.expressionsPerCache, "only \(pushedCount) answers came from the store")
  }

  /// `--orderby` over every repository, answered by the store (the SQL the pushdown sends)
  /// and built as the listing's documents: the same bytes, ties between repositories too.
  @Test(arguments: seeds)
  func theStoreOrdersEveryRepositoryAsTheListingDoes(seed: UInt64) throws {
    let cache = try PushdownCache(seed: seed)
    defer { cache.remove() }
    let store = try MetadataStore(url: cache.home.appendingPathComponent("cache.sqlite"))
    let registryId = try #require(try store.registries().first { $0.name == "fuzz" }).id
    let writer = JSONWriter(style: .compact)
    for order in [DocumentOptions.Order.timeAscending, .timeDescending] {
      let listed = try store.manifestDocuments(
        registryId: registryId, repository: nil, options: DocumentOptions(order: order))
      let query = ListingQuery(registryId: registryId, repository: nil, listingOrder: order)
      guard case .documents(let items) = try store.answer(query) else {
        Issue.record("seed \(seed), \(order): the store declined")
        continue
      }
      #expect(writer.string(.array(items)) == writer.string(listed), "seed \(seed), \(order)")
    }
  }

  /// The tag listing (`tags REPO`, with and without `--detail` and `--orderby`) and the
  /// repository listing, as the manifest listing above.
  @Test(arguments: seeds)
  func tagsAndRepositoriesGiveTheSameBytesEitherWay(seed: UInt64) throws {
    let cache = try PushdownCache(seed: seed)
    defer { cache.remove() }
    var random = SeededRandom(seed: seed &* 104_729)
    var names = PushdownExpressionGenerator(
      random: SeededRandom(seed: seed &* 31), cache: cache, listing: .names)
    var records = PushdownExpressionGenerator(
      random: SeededRandom(seed: seed &* 37), cache: cache, listing: .tagRecords)
    var pushedCount = 0
    let environment = ["REGSH_HOME": cache.home.path, "REGSH_NOW": "2024-07-01T00:00:00Z"]
    let pairs = Dialect.allCases.map { dialect in
      let pushing = Session(environment: environment)
      let interpreting = Session(environment: environment.merging(["REGSH_PUSHDOWN": "off"]) { $1 })
      pushing.dialect = dialect
      interpreting.dialect = dialect
      return (dialect, pushing, interpreting)
    }
    for n in 0..<Self.expressionsPerCache {
      // A third over the repositories, the rest over one repository's tags.
      let repository = random.pick(cache.repositories + ["missing"])
      let order: DocumentOptions.Order? = random.pick([nil, nil, .timeAscending, .timeDescending])
      let detail = n % 3 == 1
      let overRepositories = n % 3 == 0
      let top: Int? = random.below(4) == 0 ? random.below(6) : nil
      let expression = detail ? records.expression() : names.expression()
      let label =
        overRepositories
        ? "repositories"
        : "tags \(repository)\(detail ? " --detail" : "")\(order.map { " --orderby \($0.rawValue)" } ?? "")"
      let labelled = label + (top.map { " --top \($0)" } ?? "")
      for (dialect, pushing, interpreting) in pairs {
        func run(_ session: Session) -> (texts: [String], pushed: Bool) {
          Self.outputs(session, expression: expression) { registryId, output in
            overRepositories
              ? try session.repositoryListing(registryId: registryId, top: top, output: output)
              : try session.tagListing(
                registryId: registryId, repository: repository,
                options: DocumentOptions(order: order, top: top, detail: detail), output: output)
          }
        }
        let pushed = run(pushing)
        let interpreted = run(interpreting)
        if pushed.pushed { pushedCount += 1 }
        let differing = pushed.texts.indices.first {
          $0 >= interpreted.texts.count || pushed.texts[$0] != interpreted.texts[$0]
        }
        #expect(
          pushed.texts == interpreted.texts,
          """
          seed \(seed), \(dialect), \(labelled): \(expression)
          \(differing.map { "-o \(OutputFormat.allCases[$0]): \(pushed.texts[$0].prefix(300)) ≠ \(interpreted.texts[min($0, interpreted.texts.count - 1)].prefix(300))" } ?? "\(pushed.texts.prefix(1)) ≠ \(interpreted.texts.prefix(1))")
          """)
      }
    }
    #expect(
      pushedCount > Self.expressionsPerCache, "only \(pushedCount) answers came from the store")
  }
}
