import Cleanup
import Foundation
import MetadataCache
import Testing

/// A plan over many repositories reads the cache in one scan per table; it must read the
/// same facts as the indexed read of each repository, and so make the same plan.
@Suite struct BulkFactsTests {
  @Test func oneScanReadsWhatEachRepositorysReadReads() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "regsh-bulk-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try MetadataStore(url: directory.appendingPathComponent("cache.sqlite"))
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
}
