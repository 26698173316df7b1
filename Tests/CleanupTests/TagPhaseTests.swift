import Cleanup
import MetadataCache
import Testing

/// The tag phase: eligible = matches, strictly older than the cutoff, not locked; `--keep N`
/// skips the N newest ELIGIBLE tags per repository (acr's semantics, acr-cli#670).
@Suite struct TagPhaseTests {
  /// The GitLab documentation's ten tags (§7.3 of the anchors), as acr would purge them.
  static let gitlabTags: [TagFact] = [
    Facts.tag("latest", on: "a", daysAgo: 2.0 / 24),
    Facts.tag("production-v44", on: "b", daysAgo: 3),
    Facts.tag("production-v43", on: "c", daysAgo: 6),
    Facts.tag("production-v42", on: "d", daysAgo: 11),
    Facts.tag("dev-v44", on: "e", daysAgo: 2),
    Facts.tag("dev-v43", on: "f", daysAgo: 5),
    Facts.tag("dev-v42", on: "g", daysAgo: 10),
    Facts.tag("v44", on: "h", daysAgo: 1),
    Facts.tag("v43", on: "i", daysAgo: 12),
    Facts.tag("v42", on: "j", daysAgo: 20),
  ]

  static let cases: [(filters: [String], ago: String, keep: Int, removed: [String])] = [
    // keep 1 keeps the newest of the OLD matching tags (dev-v42), not the newest overall.
    (["repo:.*"], "7d", 1, ["v43", "v42", "production-v42"].sorted()),
    (["repo:.*"], "7d", 0, ["production-v42", "dev-v42", "v43", "v42"].sorted()),
    (["repo:.*"], "7d", 4, []),
    (["repo:.*"], "7d", 9, []),
    (["repo:^v"], "7d", 0, ["v42", "v43"]),
    (["repo:v42"], "7d", 1, ["production-v42", "v42"]),
    (["repo:^dev-", "repo:^production-"], "7d", 0, ["dev-v42", "production-v42"]),
    (["other:.*"], "7d", 0, []),
    (["repo:.*"], "0m", 0, gitlabTags.map(\.name).sorted()),
    (["repo:.*"], "999999d", 0, []),
  ]

  @Test(arguments: cases)
  func removes(_ filters: [String], _ ago: String, _ keep: Int, _ removed: [String]) throws {
    let facts = RepositoryFacts(repository: "repo", tags: Self.gitlabTags, manifests: [])
    let plan = PurgeEvaluation(policy: try Facts.policy(filters, ago: ago, keep: keep)).evaluate(
      facts)
    #expect(plan.tagRemovals.map(\.reference).sorted() == removed)
  }

  @Test func newestFirstAndEveryKeptTagSaysWhy() throws {
    let facts = RepositoryFacts(repository: "repo", tags: Self.gitlabTags, manifests: [])
    let plan = PurgeEvaluation(policy: try Facts.policy(["repo:.*"], keep: 1)).evaluate(facts)
    #expect(plan.tagRemovals.map(\.reference) == ["production-v42", "v43", "v42"])
    let reasons = Dictionary(
      uniqueKeysWithValues: plan.keptTags.map { ($0.reference, $0.keptBecause) })
    #expect(reasons["dev-v42"] == .keptNewest(1))
    #expect(reasons["latest"] == .newerThanCutoff)
    #expect(plan.keptTags.count == 7)
  }

  @Test func lockedTagsAreNotEligibleAndNotCountedByKeep() throws {
    let tags = [
      Facts.tag("v3", on: "c", daysAgo: 10, locked: true),
      Facts.tag("v2", on: "b", daysAgo: 20),
      Facts.tag("v1", on: "a", daysAgo: 30),
    ]
    let facts = RepositoryFacts(repository: "repo", tags: tags, manifests: [])
    let plain = PurgeEvaluation(policy: try Facts.policy(["repo:.*"], keep: 1)).evaluate(facts)
    #expect(plain.tagRemovals.map(\.reference) == ["v1"])
    #expect(plain.keptTags.first { $0.reference == "v3" }?.keptBecause == .locked)
    let included = PurgeEvaluation(
      policy: try Facts.policy(["repo:.*"], keep: 1, includeLocked: true)
    ).evaluate(facts)
    #expect(included.tagRemovals.map(\.reference) == ["v2", "v1"])
  }

  @Test func aTagWithoutAReadableTimeStays() throws {
    let facts = RepositoryFacts(
      repository: "repo", tags: [Facts.tag("v1", on: "a", daysAgo: nil)], manifests: [])
    let plan = PurgeEvaluation(policy: try Facts.policy(["repo:.*"], ago: "-1d")).evaluate(facts)
    #expect(plan.tagRemovals.isEmpty)
    #expect(plan.keptTags.map(\.keptBecause) == [.noReadableTime])
  }

  @Test func untaggedOnlyRemovesNoTag() throws {
    let facts = RepositoryFacts(repository: "repo", tags: Self.gitlabTags, manifests: [])
    let plan = PurgeEvaluation(
      policy: try Facts.policy(["repo:.*"], untaggedOnly: true)
    ).evaluate(facts)
    #expect(plan.tagRemovals.isEmpty)
    #expect(plan.keptTags.isEmpty)
  }
}
