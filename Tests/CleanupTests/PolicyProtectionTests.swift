import Cleanup
import Foundation
import MetadataCache
import Testing

/// Scope, protections and limits of a policy file, over hand-made facts.
@Suite struct PolicyProtectionTests {
  static func evaluate(_ yaml: String, _ facts: RepositoryFacts) throws -> [PolicyDecision] {
    let policy = try PolicyFile(file: "p.yaml", directory: URL(fileURLWithPath: "/")).parse(yaml)
    return PolicyEvaluation(policy: policy, now: Facts.now).evaluate(facts)
  }

  static let facts = RepositoryFacts(
    repository: "team/app",
    tags: [
      Facts.tag("v1", on: "a", daysAgo: 30, locked: true), Facts.tag("v2", on: "b", daysAgo: 20),
      Facts.tag("v3", on: "c", daysAgo: 10),
    ],
    manifests: [
      Facts.manifest("a", daysAgo: 30, tags: ["v1"]),
      Facts.manifest("b", daysAgo: 20, tags: ["v2"]),
      Facts.manifest("c", daysAgo: 10, tags: ["v3"]),
      Facts.manifest("d", daysAgo: 40, locked: true),
      Facts.manifest("e", daysAgo: 40),
    ])

  @Test func lockedAndDigestProtectionsKeepWhatRulesChose() throws {
    let decisions = try Self.evaluate(
      """
      protect:
        - locked: true
        - digests: [\(Facts.digest("b"))]
      rules:
        - {id: all, select: {tags: {glob: 'v*'}}, action: delete}
        - {id: dangling, select: {untagged: true}, action: delete}
      """, Self.facts)
    #expect(decisions.filter(\.goes).map(\.digest).sorted() == ["c", "e"].map(Facts.digest))
    let why = Dictionary(uniqueKeysWithValues: decisions.map { ($0.digest, $0.keptBy) })
    #expect(why[Facts.digest("a")]?.contains { $0.contains("locked") } == true)
    #expect(why[Facts.digest("b")] == ["protect[1]: digest is protected"])
    #expect(why[Facts.digest("d")] == ["protect[0]: manifest is locked"])
  }

  @Test(arguments: [
    ("scope: {repositories: ['team/*']}", true), ("scope: {repositories: ['*']}", false),
    ("scope: {repositories: ['team/**'], exclude: [team/app]}", false),
    ("scope: {repositories: [{regex: 'team/.+'}]}", true),
    ("scope: {repositories: [{exact: team/app}]}", true),
  ])
  func scope(_ scope: String, _ covered: Bool) throws {
    let decisions = try Self.evaluate(
      scope + "\nrules:\n  - {select: {untagged: true}, action: delete}\n", Self.facts)
    #expect(decisions.contains(where: \.goes) == covered)
  }

  /// A plan over a limit says so; the untags and deletes are counted together.
  @Test func limitsAreCountedOverTheWholePlan() throws {
    let policy = try PolicyFile(file: "p.yaml", directory: URL(fileURLWithPath: "/")).parse(
      """
      rules:
        - {select: {tags: {glob: 'v*'}}, action: untag}
      limits: {maxDeletes: 2}
      """)
    var plan = PolicyPlan(
      registry: "r", source: "p.yaml", now: "", timeBasis: .updated, limits: policy.limits)
    plan.decisions = PolicyEvaluation(policy: policy, now: Facts.now).evaluate(Self.facts)
    #expect(plan.untagCount == 3)
    #expect(plan.limitExceeded?.contains("more than limits.maxDeletes 2") == true)
    plan.limits.maxDeletes = 3
    #expect(plan.limitExceeded == nil)
    plan.limits.maxPerRepository = 1
    #expect(plan.limitExceeded?.contains("from team/app") == true)
  }
}
