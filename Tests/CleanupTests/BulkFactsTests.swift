import Cleanup
import Foundation
import MetadataCache
import TestSupport
import Testing

/// A plan over many repositories reads the cache in one scan per table; it must read the
/// same facts as the indexed read of each repository, and so make the same plan.
@Suite struct BulkFactsTests {
  @Test func oneScanReadsWhatEachRepositorysReadReads() throws {
    let directory = try TemporaryDirectory()
    defer { withExtendedLifetime(directory) {} }  // removed only after the store is done
    let store = try MetadataStore(url: directory.url.appendingPathComponent("cache.sqlite"))
    let count = CleanupPlanner.bulkReadThreshold + 10
    try store.populateBenchmark(manifests: count * 20, repositories: count)
    // A second registry whose rows the scan must leave out.
    try store.populateBenchmark(registryName: "other", manifests: 50, repositories: 2)
    let registry = try #require(try store.registry(named: "bench"))
    let names = try store.liveRepositoryNames(registryId: registry.id)
    #expect(names.count == count)
    let bulk = try store.retentionFacts(
      registryId: registry.id, repositories: Set(names.dropFirst()), manifests: true)
    #expect(bulk.count == count - 1, "a repository out of scope was read")
    var tags = 0
    for name in names.dropFirst() {
      let one = try store.retentionFacts(registryId: registry.id, repository: name, manifests: true)
      let scanned = try #require(bulk[name])
      #expect(scanned.tags.sorted { $0.name < $1.name } == one.tags.sorted { $0.name < $1.name })
      #expect(
        scanned.manifests.sorted { $0.digest < $1.digest }
          == one.manifests.sorted { $0.digest < $1.digest })
      tags += one.tags.count
    }
    #expect(tags > 0)

    // The planner takes the scan above the threshold: the same plan as repository by repository.
    let policy = try Facts.policy([".*:.*"], ago: "0m", keep: 2, untagged: true)
    let plan = try CleanupPlanner(store: store, registry: registry, policy: policy).plan()
    #expect(plan.repositories.count == count)
    let evaluation = PurgeEvaluation(policy: policy)
    for repository in plan.repositories {
      let one = evaluation.evaluate(
        try store.retentionFacts(
          registryId: registry.id, repository: repository.repository, manifests: true))
      #expect(repository.tagRemovals == one.tagRemovals)
      #expect(repository.manifestDeletions == one.manifestDeletions)
    }
    #expect(plan.tagCount > 0)
  }

  /// Without `configCreated`, the scan leaves every config time out and reads the rest
  /// the same; a plan on the `created` basis reads them, and decides as each repository's
  /// read does on either basis (and whether or not its facts are kept until exit).
  @Test(arguments: [TimeBasis.updated, .created], [false, true])
  func configTimesAreReadOnlyForTheCreatedBasis(basis: TimeBasis, keepsFacts: Bool) throws {
    let directory = try TemporaryDirectory()
    defer { withExtendedLifetime(directory) {} }  // removed only after the store is done
    let store = try MetadataStore(url: directory.url.appendingPathComponent("cache.sqlite"))
    let count = CleanupPlanner.bulkReadThreshold + 5
    try store.populateBenchmark(manifests: count * 20, repositories: count)
    let registry = try #require(try store.registry(named: "bench"))
    let names = try store.liveRepositoryNames(registryId: registry.id)
    let full = try store.retentionFacts(
      registryId: registry.id, repositories: Set(names), manifests: true)
    let lean = try store.retentionFacts(
      registryId: registry.id, repositories: Set(names), manifests: true, configCreated: false)
    #expect(full.values.contains { $0.manifests.contains { $0.configCreated != nil } })
    for name in names {
      let kept = try #require(lean[name]).manifests
      #expect(kept.allSatisfy { $0.configCreated == nil })
      let expected = try #require(full[name]).manifests.map {
        var fact = $0
        fact.configCreated = nil
        return fact
      }
      #expect(kept == expected)
    }

    let policy = try PolicyFile(file: "policy.yaml", directory: URL(fileURLWithPath: "/"))
      .parse(
        """
        rules:
          - id: all
            select: {tags: {regex: '.*'}}
            keep: {newest: 3}
            action: untag
          - id: dangling
            select: {untagged: true}
            keep: {newest: 1}
            action: delete
        """)
    let evaluation = PolicyEvaluation(policy: policy, now: Date(), timeBasis: basis)
    var planner = PolicyPlanner(store: store, registry: registry, evaluation: evaluation)
    planner.keepsFactsUntilExit = keepsFacts
    let plan = try planner.plan(countBytes: false)
    var oneByOne: [PolicyDecision] = []
    for name in names {
      oneByOne += evaluation.evaluate(
        try store.retentionFacts(registryId: registry.id, repository: name, manifests: true))
    }
    #expect(plan.decisions == oneByOne)
    #expect(plan.decisions.contains { $0.goes } && plan.decisions.contains { !$0.goes })
    #expect(plan.decisions.contains { $0.time != nil })
  }
}
