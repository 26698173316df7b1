import Cleanup
import Foundation
import MetadataCache
import Testing

/// The peers' documented worked examples, written as regsh policies and evaluated over
/// hand-made cache facts (times in days before `Facts.now`).
@Suite struct PolicyWorkedExampleTests {
  static func policy(_ yaml: String) throws -> RetentionPolicy {
    try PolicyFile(file: "policy.yaml", directory: URL(fileURLWithPath: "/")).parse(yaml)
  }

  static func evaluate(_ policy: RetentionPolicy, _ facts: RepositoryFacts) -> [PolicyDecision] {
    PolicyEvaluation(policy: policy, now: Facts.now).evaluate(facts)
  }

  /// GitLab's documentation: keep 1, keep `production-.*`, older than 7d, delete `.*`, over
  /// its ten tags → exactly dev-v42, v43, v42. GitLab always spares `latest`.
  @Test func gitlabCleanupPolicy() throws {
    let policy = try Self.policy(
      """
      protect:
        - tags: {exact: latest}
        - tags: {regex: 'production-.*'}
      rules:
        - id: gitlab
          select: {tags: {regex: '.*'}}
          keep: {newest: 1, within: 7d}
          action: untag
      """)
    let facts = RepositoryFacts(
      repository: "repo", tags: TagPhaseTests.gitlabTags,
      manifests: TagPhaseTests.gitlabTags.map {
        Facts.manifest(String($0.digest.suffix(1)), daysAgo: 30, tags: [$0.name])
      })
    let decisions = Self.evaluate(policy, facts)
    #expect(decisions.filter(\.goes).map(\.reference).sorted() == ["dev-v42", "v42", "v43"])
    #expect(
      decisions.filter(\.goes).allSatisfy { $0.action == .untag && $0.chosenBy == ["gitlab"] })
    let kept = Dictionary(
      uniqueKeysWithValues: decisions.filter { !$0.goes }.map { ($0.reference, $0.keptBy) })
    #expect(kept["v44"] == ["gitlab: one of the 1 newest"])
    #expect(kept["dev-v43"] == ["gitlab: within 7d"])
    #expect(kept["production-v42"]?.first?.hasPrefix("protect[1]") == true)
  }

  /// ECR's example: A [beta-1, prod-1], B [beta-2, prod-2], C [beta-3], pushed in that
  /// order. prod (keep 1) before beta (keep 1) expires only A: B matched the prod rule, so
  /// the beta rule cannot expire it. Swapped, A and B expire.
  @Test(arguments: [(["prod", "beta"], ["A"]), (["beta", "prod"], ["A", "B"])])
  func ecrPriorityOrderChangesTheResult(order: [String], expired: [String]) throws {
    let rules = order.enumerated().map { n, prefix in
      """
      {"rulePriority": \(n + 1), "selection": {"tagStatus": "tagged", "tagPrefixList": ["\(prefix)"],
       "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}
      """
    }
    let policy = try LifecyclePolicyDocument.parse(
      #"{"rules": [\#(rules.joined(separator: ","))]}"#, file: "lifecycle.json",
      repositories: [try NamePattern(.exact, "repo")])
    let facts = RepositoryFacts(
      repository: "repo",
      tags: [
        Facts.tag("beta-1", on: "A", daysAgo: 3), Facts.tag("prod-1", on: "A", daysAgo: 3),
        Facts.tag("beta-2", on: "B", daysAgo: 2), Facts.tag("prod-2", on: "B", daysAgo: 2),
        Facts.tag("beta-3", on: "C", daysAgo: 1),
      ],
      manifests: [
        Facts.manifest("A", daysAgo: 3, tags: ["beta-1", "prod-1"]),
        Facts.manifest("B", daysAgo: 2, tags: ["beta-2", "prod-2"]),
        Facts.manifest("C", daysAgo: 1, tags: ["beta-3"]),
      ])
    let gone = Self.evaluate(policy, facts).filter(\.goes)
    #expect(gone.map(\.digest).sorted() == expired.map(Facts.digest))
    #expect(gone.allSatisfy { $0.action == .delete && $0.chosenBy == ["rulePriority 1"] })
  }

  /// ECR: a list of two prefixes selects only images carrying both.
  @Test func ecrSeveralPrefixesSelectImagesWithAll() throws {
    let policy = try LifecyclePolicyDocument.parse(
      """
      {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "tagged",
        "tagPrefixList": ["alpha", "beta"], "countType": "sinceImagePushed", "countUnit": "days",
        "countNumber": 1}, "action": {"type": "expire"}}]}
      """, file: "lifecycle.json", repositories: [])
    let facts = RepositoryFacts(
      repository: "repo",
      tags: [
        Facts.tag("alpha-1", on: "a", daysAgo: 5), Facts.tag("beta-1", on: "a", daysAgo: 5),
        Facts.tag("alpha-2", on: "b", daysAgo: 5),
      ],
      manifests: [
        Facts.manifest("a", daysAgo: 5, tags: ["alpha-1", "beta-1"]),
        Facts.manifest("b", daysAgo: 5, tags: ["alpha-2"]),
      ])
    #expect(Self.evaluate(policy, facts).filter(\.goes).map(\.digest) == [Facts.digest("a")])
  }

  /// Harbor's counting is per repository, never a pool: keep 10 over A (12 images) and B
  /// (7 images) removes 2 from A and none from B.
  @Test func harborCountsPerRepository() throws {
    let policy = try Self.policy(
      """
      rules:
        - id: retain-10
          select: {tags: {glob: '*'}}
          keep: {newest: 10}
          action: delete
      """)
    func repository(_ name: String, _ count: Int) -> RepositoryFacts {
      let tags = (0..<count).map {
        Facts.tag("t\($0)", on: "\(name)\($0)", daysAgo: Double($0 + 1))
      }
      return RepositoryFacts(
        repository: name, tags: tags,
        manifests: (0..<count).map {
          Facts.manifest("\(name)\($0)", daysAgo: Double($0 + 1), tags: ["t\($0)"])
        })
    }
    let a = Self.evaluate(policy, repository("a", 12)).filter(\.goes)
    let b = Self.evaluate(policy, repository("b", 7)).filter(\.goes)
    #expect(a.map(\.tags) == [["t10"], ["t11"]])
    #expect(b.isEmpty)
  }

  /// Per semver major, the newest 1 of each major stays; non-versions are their own group.
  @Test func keepNewestPerSemverMajor() throws {
    let policy = try Self.policy(
      """
      rules:
        - id: releases
          select: {tags: {semver: '>=1.0.0'}}
          groupBy: semver.major
          keep: {newest: 1}
          action: untag
      """)
    let tags = [
      Facts.tag("1.0.0", on: "a", daysAgo: 40), Facts.tag("1.1.0", on: "b", daysAgo: 30),
      Facts.tag("2.0.0", on: "c", daysAgo: 20), Facts.tag("v2.1", on: "d", daysAgo: 10),
      Facts.tag("0.9.0", on: "e", daysAgo: 50), Facts.tag("latest", on: "d", daysAgo: 10),
    ]
    let decisions = Self.evaluate(
      policy, RepositoryFacts(repository: "r", tags: tags, manifests: []))
    #expect(decisions.filter(\.goes).map(\.reference).sorted() == ["1.0.0", "2.0.0"])
    #expect(!decisions.contains { $0.reference == "0.9.0" || $0.reference == "latest" })
  }

  /// The graph guards: an untagged child of a tagged index and a signature of a kept image
  /// stay, though the untagged rule chose them; an untagged image goes.
  @Test func untaggedRuleKeepsIndexChildrenAndReferrers() throws {
    let policy = try Self.policy(
      """
      rules:
        - id: dangling
          select: {untagged: true}
          action: delete
      """)
    let facts = RepositoryFacts(
      repository: "r",
      tags: [Facts.tag("multi", on: "i", daysAgo: 9), Facts.tag("app", on: "s", daysAgo: 9)],
      manifests: [
        Facts.manifest("i", daysAgo: 9, tags: ["multi"], children: ["c1", "c2"], index: true),
        Facts.manifest("c1", daysAgo: 9), Facts.manifest("c2", daysAgo: 9),
        Facts.manifest("s", daysAgo: 9, tags: ["app"]),
        Facts.manifest("sig", daysAgo: 9, subject: "s"),
        Facts.manifest("old", daysAgo: 9),
      ])
    let decisions = Self.evaluate(policy, facts)
    #expect(decisions.filter(\.goes).map(\.digest) == [Facts.digest("old")])
    let why = Dictionary(uniqueKeysWithValues: decisions.map { ($0.digest, $0.keptBy) })
    #expect(why[Facts.digest("c1")]?.first?.hasPrefix("listed by the kept index") == true)
    #expect(why[Facts.digest("sig")]?.first?.hasPrefix("a referrer of") == true)
  }

  /// Keep-wins: an image a delete rule chose stays when one of its tags is kept by another
  /// rule or is in use; the in-use list protects a tag's digest and a digest reference.
  @Test func keepWinsAndInUse() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try "reg.example.com/r:v2 other/x@\(Facts.digest("c"))\n".write(
      to: directory.appendingPathComponent("in-use.txt"), atomically: true, encoding: .utf8)
    let policy = try PolicyFile(file: "p.yaml", directory: directory).parse(
      """
      protect:
        - inUse: in-use.txt
      rules:
        - {id: all, select: {tags: {glob: '*'}}, action: delete}
        - {id: stable, select: {tags: {exact: [stable]}}, keep: {newest: 5}, action: untag}
      """)
    let facts = RepositoryFacts(
      repository: "r",
      tags: [
        Facts.tag("v1", on: "a", daysAgo: 30), Facts.tag("stable", on: "a", daysAgo: 30),
        Facts.tag("v2", on: "b", daysAgo: 20), Facts.tag("v3", on: "c", daysAgo: 10),
        Facts.tag("v4", on: "d", daysAgo: 5),
      ],
      manifests: [
        Facts.manifest("a", daysAgo: 30, tags: ["v1", "stable"]),
        Facts.manifest("b", daysAgo: 20, tags: ["v2"]),
        Facts.manifest("c", daysAgo: 10, tags: ["v3"]),
        Facts.manifest("d", daysAgo: 5, tags: ["v4"]),
      ])
    let decisions = Self.evaluate(policy, facts)
    #expect(decisions.filter(\.goes).map(\.digest) == [Facts.digest("d")])
    let why = Dictionary(
      uniqueKeysWithValues: decisions.filter { $0.kind == .manifest }.map { ($0.digest, $0.keptBy) }
    )
    #expect(why[Facts.digest("a")] == ["its tag stable stays"])
    #expect(why[Facts.digest("b")]?.first?.contains("in use as r:v2") == true)
    #expect(why[Facts.digest("c")]?.first?.contains("in use by digest") == true)
  }
}
