import Foundation
import JMESPath
import MetadataCache
import Testing

/// Which shapes of `--query` the store answers (issue 15), and that its answers are the
/// interpreter's over the same documents, on a real SQLite cache.
@Suite struct PushdownPlannerTests {
  /// A populated cache in a temporary file: about 30% untagged, some with two tags.
  static func store() throws -> (MetadataStore, Int64, URL) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "regsh-pushdown-planner-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try MetadataStore(url: directory.appendingPathComponent("cache.sqlite"))
    try store.populateBenchmark(manifests: 600, repositories: 4)
    let id = try #require(try store.registries().first { $0.name == "bench" }).id
    return (store, id, directory)
  }

  static func plan(_ source: String, repository: String? = nil) throws -> ListingPlan? {
    ListingPlanner.plan(
      try Expression(source).part, over: ListingQuery(registryId: 1, repository: repository))
  }

  @Test(arguments: [
    "[?tags==null]", "[?!tags]", "[?tags]", "[?tags[0]==null]", "[?tags!=null].digest",
    "[?contains(tags, 'v1')]", "[?tags && contains(tags, 'v1')].tags", "[].digest", "[*].tags",
    "[?tags==null].[digest, timestamp]", "[?tags==null].{d: digest, r: repository}",
    "length([?tags==null])", "sort_by(@, &timestamp)[:5]", "sort_by(@, &timestamp)[-5:].digest",
    "sort_by([?tags==null], &timestamp)[-3:]", "[?timestamp < '2021' || tags == null] | length(@)",
    "[?`1` == `1`]", "[?foo == null]", "[?digest > repository]", "@", "[-10:].digest",
    "length([?starts_with(digest, 'sha256:0')])",
  ])
  func theStoreAnswersTheIssuesShapes(_ source: String) throws {
    let plan = try #require(try Self.plan(source), "\(source) should be pushed down")
    #expect(plan.residual == nil, "\(source): the whole filter should be SQL")
  }

  @Test(arguments: [
    "[?contains(join(',', tags || `[]`), 'rc')]", "[?tags == `[\"v1\"]`].digest",
    "length([?ends_with(digest, '0')])", "[?tags == null && ends_with(digest, '0')]",
    "[].{d: digest, n: length(tags || `[]`)}", "[-5:].to_string(@)",
  ])
  func aFilterTheStoreCannotStateRunsPerDocument(_ source: String) throws {
    let plan = try #require(try Self.plan(source))
    #expect(plan.residual != nil)
  }

  @Test(arguments: [
    "[0]", "max_by(@, &timestamp)", "sort_by(@, &tags)", "[::2]", "[?tags] | $", "[?@ == $]",
    "@[?tags == null] | [0].digest.foo | $", "sort_by(@, &size)",
  ])
  func otherShapesRunWhollyInTheInterpreter(_ source: String) throws {
    #expect(try Self.plan(source) == nil, "\(source) must not be pushed down")
  }

  static func plan(_ source: String, listing: ListingQuery.Source) throws -> ListingPlan? {
    ListingPlanner.plan(
      try Expression(source).part,
      over: ListingQuery(
        listing, registryId: 1, repository: listing == .repositories ? nil : "app"))
  }

  /// A listing of strings (`tags REPO`, `repositories`): the document is `@`.
  @Test(arguments: [
    "[?starts_with(@, 'v')]", "[?@ == 'latest']", "length([?contains(@, 'rc')])",
    "sort(@)[-3:]", "[?@ > 'v1'] | [0]", "[:5]", "[?!@ || @ < `\"b\"`]", "sort([?@ != 'x'])",
    "[?foo == null]", "[?@ == `1`]", "length(@)", "[]", "[?starts_with(@, '')]",
  ])
  func theStoreAnswersListingsOfStrings(_ source: String) throws {
    for listing in [ListingQuery.Source.tags(detail: false), .repositories] {
      let plan = try #require(try Self.plan(source, listing: listing), "\(source) over \(listing)")
      #expect(plan.residual == nil, "\(source) over \(listing): the whole filter should be SQL")
    }
  }

  /// `tags REPO --detail`: the record's string fields; `signed` and `changeableAttributes`
  /// (a boolean that may be missing, an object) stay the interpreter's.
  @Test(arguments: [
    "[?lastUpdateTime < '2024'].name", "sort_by(@, &lastUpdateTime)[-3:].name",
    "[?starts_with(name, 'v')].[name, digest]", "length([?createdTime == lastUpdateTime])",
    "[?tags == null]", "[?name].{n: name, t: lastUpdateTime}", "sort_by(@, &createdTime)",
  ])
  func theStoreAnswersTagRecords(_ source: String) throws {
    let plan = try #require(try Self.plan(source, listing: .tags(detail: true)), "\(source)")
    #expect(plan.residual == nil, "\(source): the whole filter should be SQL")
  }

  @Test(arguments: [
    "[?signed]", "[?signed == `true`].name", "[?changeableAttributes == null]", "[].signed",
    "[?name && signed]",
  ])
  func tagRecordsOpaqueKeysAreTheInterpreters(_ source: String) throws {
    let plan = try Self.plan(source, listing: .tags(detail: true))
    #expect(plan == nil || plan?.residual != nil, "\(source) must not be SQL")
  }

  @Test(arguments: [
    "sort_by(@, &signed)", "sort_by(@, &name)[0]", "[?@ == `{}`] | $", "[?tags[0] == null]",
  ])
  func otherTagShapesRunInTheInterpreter(_ source: String) throws {
    let records = try Self.plan(source, listing: .tags(detail: true))
    #expect(records == nil || records?.residual != nil || !(records?.rest.isEmpty ?? true))
    // `tags[0]` of a string is the interpreter's to judge, on each document.
    #expect(try Self.plan("[?tags[0] == null]", listing: .tags(detail: false))?.residual != nil)
    #expect(try Self.plan("sort_by(@, &@)", listing: .repositories) == nil)
  }

  /// Tags and repositories on a real cache: each answer is the interpreter's over the
  /// listing's own documents, in every order.
  @Test func theStoresTagAndRepositoryAnswersAreTheInterpreters() throws {
    let (store, registryId, directory) = try Self.store()
    defer { try? FileManager.default.removeItem(at: directory) }
    let repository = try #require(try store.repositoryNames(registryId: registryId).first)
    var checked = 0
    for (listing, order, top) in [
      (ListingQuery.Source.tags(detail: false), DocumentOptions.Order?.none, Int?.none),
      (.tags(detail: false), .timeDescending, nil), (.tags(detail: true), nil, nil),
      (.tags(detail: true), .timeAscending, nil), (.repositories, nil, nil),
      (.tags(detail: false), .timeAscending, 20), (.repositories, nil, 3),
    ] {
      let documents =
        switch listing {
        case .tags(let detail):
          try store.tagDocuments(
            registryId: registryId, repository: repository,
            options: DocumentOptions(order: order, top: top, detail: detail))
        default: try store.repositoryDocuments(registryId: registryId, top: top)
        }
      #expect((documents.arrayValue?.count ?? 0) > 2, "\(listing): too few documents")
      let sources =
        listing == .tags(detail: true)
        ? [
          "[?starts_with(name, 'rc')].name", "sort_by(@, &lastUpdateTime)[-3:]",
          "length([?name > 'v5'])", "[?contains(name, '1')].[name, digest]", "[1:4]",
        ]
        : [
          "[?starts_with(@, 'rc')]", "sort(@)[-3:]", "length([?@ > 'v5'])",
          "[?contains(@, '1') || @ == 'v2'] | [:2]", "[1:4]", "[?!starts_with(@, 'v')]",
        ]
      for source in sources {
        let expression = try Expression(source)
        let base = ListingQuery(
          listing, registryId: registryId,
          repository: listing == .repositories ? nil : repository, listingOrder: order, top: top)
        let plan = try #require(ListingPlanner.plan(expression.part, over: base), "\(source)")
        #expect(plan.residual == nil, "\(source)")
        var value: JSON
        switch try store.answer(plan.query) {
        case .count(let n): value = .int(n)
        case .documents(let items): value = .array(items)
        case .declined(let why):
          Issue.record("\(source) declined: \(why)")
          continue
        }
        for part in plan.rest { value = try part.evaluate(value, root: value) }
        let expected = try expression.evaluate(documents)
        #expect(
          JSONWriter(style: .compact).string(value) == JSONWriter(style: .compact).string(expected),
          "\(listing) \(order?.rawValue ?? "") \(top.map(String.init) ?? ""): \(source)")
        checked += 1
      }
    }
    #expect(checked == 40)
  }

  @Test func theStoresAnswersAreTheInterpretersAnswers() throws {
    let (store, registryId, directory) = try Self.store()
    defer { try? FileManager.default.removeItem(at: directory) }
    let documents = try store.manifestDocuments(registryId: registryId, repository: nil)
    for source in [
      "length([?tags==null])", "[?tags==null].digest", "[?!tags].[digest, timestamp]",
      "sort_by(@, &timestamp)[-7:].digest", "[?!tags || contains(tags, 'rc5')] | length(@)",
      "[?tags && contains(tags, 'rc5')].tags", "[?timestamp < '2020-09-13T15:00:00Z'].digest",
      "length([?tags[0]=='v5' || tags[0]=='v7'])",
    ] {
      let expression = try Expression(source)
      let base = ListingQuery(registryId: registryId, repository: nil)
      let plan = try #require(ListingPlanner.plan(expression.part, over: base), "\(source)")
      var value: JSON
      switch try store.answer(plan.query) {
      case .count(let n): value = .int(n)
      case .documents(let items): value = .array(items)
      case .declined(let why):
        Issue.record("\(source) declined: \(why)")
        continue
      }
      for part in plan.rest { value = try part.evaluate(value, root: value) }
      let expected = try expression.evaluate(documents)
      #expect(
        JSONWriter(style: .compact).string(value) == JSONWriter(style: .compact).string(expected),
        "\(source)")
    }
  }

  /// `contains(tags, …)` on an untagged manifest is an invalid-type error in JMESPath: the
  /// store declines rather than answer what the interpreter would refuse.
  @Test func containsOnUntaggedManifestsIsLeftToTheInterpreter() throws {
    let (store, registryId, directory) = try Self.store()
    defer { try? FileManager.default.removeItem(at: directory) }
    let plan = try #require(
      ListingPlanner.plan(
        try Expression("[?contains(tags, 'v1')]").part,
        over: ListingQuery(registryId: registryId, repository: nil)))
    guard case .declined = try store.answer(plan.query) else {
      Issue.record("the store answered a query the interpreter fails on")
      return
    }
  }
}
