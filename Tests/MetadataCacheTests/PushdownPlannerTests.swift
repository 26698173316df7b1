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
  ])
  func theStoreAnswersTheIssuesShapes(_ source: String) throws {
    let plan = try #require(try Self.plan(source), "\(source) should be pushed down")
    #expect(plan.residual == nil, "\(source): the whole filter should be SQL")
  }

  @Test(arguments: [
    "[?contains(join(',', tags || `[]`), 'rc')]", "[?tags == `[\"v1\"]`].digest",
    "length([?starts_with(digest, 'sha256:0')])", "[?tags == null && ends_with(digest, '0')]",
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
