import Cleanup
import Foundation
import JMESPath
import MetadataCache
import TestSupport
import Testing

/// A policy plan over many repositories is read in bulk on every core and printed as it is
/// written: it must decide what the read of each repository decides, and its text must be
/// exactly the rendering of its document.
@Suite struct PolicyPlanDocumentTests {
  static let yaml = """
    protect:
      - tags: {exact: [latest, stable]}
    rules:
      - id: releases
        select: {tags: {regex: 'v[0-9]+'}}
        keep: {newest: 2}
        action: untag
      - id: dangling
        select: {untagged: true}
        keep: {newest: 1}
        action: delete
    limits: {maxPerRepository: 3}
    """

  @Test func bulkPlanDecidesAsEachRepositorysReadAndPrintsItsDocument() throws {
    let directory = try TemporaryDirectory()
    defer { withExtendedLifetime(directory) {} }  // removed only after the store is done
    let store = try MetadataStore(url: directory.url.appendingPathComponent("cache.sqlite"))
    let count = CleanupPlanner.bulkReadThreshold + 10
    try store.populateBenchmark(manifests: count * 20, repositories: count)
    let registry = try #require(try store.registry(named: "bench"))
    let policy = try PolicyFile(file: "policy.yaml", directory: URL(fileURLWithPath: "/"))
      .parse(Self.yaml)
    let evaluation = PolicyEvaluation(policy: policy, now: Date())
    var plan = try PolicyPlanner(store: store, registry: registry, evaluation: evaluation)
      .plan(countBytes: true)

    var oneByOne: [PolicyDecision] = []
    for name in try store.liveRepositoryNames(registryId: registry.id) {
      oneByOne += evaluation.evaluate(
        try store.retentionFacts(registryId: registry.id, repository: name, manifests: true))
    }
    #expect(plan.decisions.count == oneByOne.count)
    #expect(plan.decisions.map(\.name) == oneByOne.map(\.name))
    for n in plan.decisions.indices {
      var decision = plan.decisions[n]
      decision.bytesFreed = nil
      #expect(decision == oneByOne[n])
    }
    #expect(plan.untagCount > 0 && plan.decisions.contains { !$0.goes })

    // Every shape the text writes: bytes freed, a refused limit, ECR patterns, and text
    // that JSON escapes.
    #expect(plan.limitExceeded != nil)
    plan.ecrRepositories = ["team/*", "q\"uote\u{1}\n é"]
    plan.decisions[0].bytesFreed = 1234
    plan.decisions[0].keptBy = ["a \"reason\"\t\u{7F}"]
    // Batches of one, of a few (many windows, written on every core) and one batch.
    let document = JSONWriter().bytes(plan.document)
    for (pieceSize, batch) in [(1, 1), (100, 7), (1 << 16, 333), (1 << 16, 1 << 20)] {
      var text: [UInt8] = []
      var pieces = 0
      plan.writeDocument(pieceSize: pieceSize, decisionsPerBatch: batch) {
        text += $0
        pieces += 1
      }
      #expect(text == document, "piece size \(pieceSize), batches of \(batch)")
      #expect(pieceSize > 100 || pieces > plan.decisions.count)
    }

    var empty = plan
    empty.decisions = []
    empty.ecrRepositories = []
    var text: [UInt8] = []
    empty.writeDocument { text += $0 }
    #expect(text == JSONWriter().bytes(empty.document))
  }
}
