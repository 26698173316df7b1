import Cleanup
import MetadataCache
import Testing

/// The manifest phase's protections (acr's, and regsh's two corrections), decided over
/// hand-written cache facts.
@Suite struct ManifestPhaseTests {
  func plan(
    _ manifests: [ManifestFact], tags: [TagFact] = [], filters: [String] = [],
    keep: Int = 0, untaggedOnly: Bool = true, includeLocked: Bool = false
  ) throws -> RepositoryPlan {
    let policy = try Facts.policy(
      filters, keep: keep, untagged: !untaggedOnly, untaggedOnly: untaggedOnly,
      includeLocked: includeLocked)
    return PurgeEvaluation(policy: policy).evaluate(
      RepositoryFacts(repository: "repo", tags: tags, manifests: manifests))
  }

  func reasons(_ plan: RepositoryPlan) -> [String: KeepReason] {
    Dictionary(uniqueKeysWithValues: plan.keptManifests.map { ($0.reference, $0.keptBecause!) })
  }

  @Test func eachProtectionKeepsItsManifest() throws {
    let result = try plan([
      Facts.manifest("old", daysAgo: 30),
      Facts.manifest("tagged", daysAgo: 30, tags: ["v1"]),
      Facts.manifest("young", daysAgo: 1),
      Facts.manifest("timeless", daysAgo: nil),
      Facts.manifest("signature", daysAgo: 30, subject: "old"),
      Facts.manifest("locked", daysAgo: 30, locked: true),
    ])
    #expect(result.manifestDeletions.map(\.reference) == [Facts.digest("old")])
    let why = reasons(result)
    #expect(why[Facts.digest("young")] == .newerThanCutoff)
    #expect(why[Facts.digest("timeless")] == .noReadableTime)
    #expect(why[Facts.digest("signature")] == .hasSubject(Facts.digest("old")))
    #expect(why[Facts.digest("locked")] == .locked)
    #expect(result.taggedManifests == 1)
  }

  @Test func childrenOfAKeptIndexStayThroughNestedIndexes() throws {
    let result = try plan([
      Facts.manifest("top", daysAgo: 30, tags: ["v1"], children: ["mid"], index: true),
      Facts.manifest("mid", daysAgo: 30, children: ["leaf"], index: true),
      Facts.manifest("leaf", daysAgo: 30),
      Facts.manifest("loose", daysAgo: 30),
    ])
    #expect(result.manifestDeletions.map(\.reference) == [Facts.digest("loose")])
    #expect(reasons(result)[Facts.digest("mid")] == .childOfKeptIndex(Facts.digest("top")))
    #expect(reasons(result)[Facts.digest("leaf")] == .childOfKeptIndex(Facts.digest("mid")))
  }

  /// Correction 1: acr skips a locked index before walking it, so its untagged children
  /// could go (acr-cli's purger, by reading). regsh keeps them.
  @Test func childrenOfALockedIndexStay() throws {
    let result = try plan([
      Facts.manifest(
        "index", daysAgo: 30, children: ["amd64", "arm64"], locked: true, index: true),
      Facts.manifest("amd64", daysAgo: 30),
      Facts.manifest("arm64", daysAgo: 30),
    ])
    #expect(result.manifestDeletions.isEmpty)
    #expect(reasons(result)[Facts.digest("arm64")] == .childOfKeptIndex(Facts.digest("index")))
  }

  @Test func childrenOfAYoungIndexStayAndOfAnOldUntaggedIndexGoWithIt() throws {
    let result = try plan([
      Facts.manifest("young", daysAgo: 1, children: ["a"], index: true),
      Facts.manifest("a", daysAgo: 30),
      Facts.manifest("old", daysAgo: 30, children: ["b"], index: true),
      Facts.manifest("b", daysAgo: 30),
    ])
    #expect(
      Set(result.manifestDeletions.map(\.reference)) == [Facts.digest("old"), Facts.digest("b")])
  }

  /// acr's --keep for manifests: if there are no more candidates than N, nothing goes;
  /// else the N newest stay.
  @Test(arguments: [(0, 3), (1, 2), (2, 1), (3, 0), (5, 0)])
  func keepAmongUntagged(_ keep: Int, _ deleted: Int) throws {
    let result = try plan(
      [
        Facts.manifest("a", daysAgo: 10), Facts.manifest("b", daysAgo: 20),
        Facts.manifest("c", daysAgo: 30),
      ], keep: keep)
    #expect(result.manifestDeletions.count == deleted)
    #expect(
      result.manifestDeletions.map(\.reference)
        == Array([Facts.digest("a"), Facts.digest("b"), Facts.digest("c")].suffix(deleted)))
  }

  /// Correction 2: --keep counts an untagged index with its children as one, so it never
  /// keeps an index and deletes what it lists, or the other way round.
  @Test func keepNeverSplitsAnIndexFromItsChildren() throws {
    let result = try plan(
      [
        Facts.manifest("index", daysAgo: 10, children: ["amd64", "arm64"], index: true),
        Facts.manifest("amd64", daysAgo: 40),
        Facts.manifest("arm64", daysAgo: 40),
        Facts.manifest("single", daysAgo: 20),
      ], keep: 1)
    #expect(result.manifestDeletions.map(\.reference) == [Facts.digest("single")])
    #expect(reasons(result)[Facts.digest("amd64")] == .keptWithIndex(Facts.digest("index")))
  }

  /// The manifest phase sees the tags as they are once the tag phase has run.
  @Test func tagsRemovedInTheSameRunFreeTheirManifest() throws {
    let result = try plan(
      [
        Facts.manifest("a", daysAgo: 30, tags: ["old"]),
        Facts.manifest("b", daysAgo: 30, tags: ["old2", "young"]),
      ],
      tags: [
        Facts.tag("old", on: "a", daysAgo: 30), Facts.tag("old2", on: "b", daysAgo: 30),
        Facts.tag("young", on: "b", daysAgo: 1),
      ], filters: ["repo:.*"], untaggedOnly: false)
    #expect(result.tagRemovals.map(\.reference) == ["old", "old2"])
    #expect(result.manifestDeletions.map(\.reference) == [Facts.digest("a")])
    #expect(result.taggedManifests == 1)
  }

  @Test func includeLockedMakesLockedManifestsEligible() throws {
    let result = try plan(
      [Facts.manifest("locked", daysAgo: 30, locked: true)], includeLocked: true)
    #expect(result.manifestDeletions.map(\.reference) == [Facts.digest("locked")])
  }

  @Test func untaggedOnlyWithAFilterStaysInItsRepositories() throws {
    let result = try plan([Facts.manifest("a", daysAgo: 30)], filters: ["other:.*"])
    #expect(result.manifestDeletions.isEmpty)
  }
}
