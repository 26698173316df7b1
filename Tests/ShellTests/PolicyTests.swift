import Foundation
import JMESPath
import RegistryAPI
import TestSupport
import Testing

/// `policy plan|apply` against a live docker-registry (PurgeTests' world: a tagged index
/// over two untagged children, a signed image and its signature, release tags v0…):
/// the plan lists exactly what apply changes, the graph guards hold, a saved plan skips
/// what drifted, a bad policy file changes nothing, and a killed apply is finished by a
/// rerun.
@Suite(.enabled(if: LiveRegistry.enabled, LiveRegistry.skipReason))
struct PolicyTests {
  typealias World = PurgeTests.World

  /// Every release image but the newest goes, and every untagged manifest.
  static let policy = """
    scope: {repositories: [app]}
    rules:
      - id: releases
        select: {tags: {regex: 'v[0-9]+'}}
        keep: {newest: 1}
        action: delete
      - id: dangling
        select: {untagged: true}
        action: delete
    """

  static func write(_ text: String, _ name: String, in world: World) throws -> String {
    let url = world.home.url.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  static func strings(_ value: JSON?) -> [String] {
    guard case .array(let items)? = value else { return [] }
    return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
  }

  static func changes(_ plan: JSON) -> [String] {
    guard case .array(let candidates) = plan["candidates"] else { return [] }
    return candidates.compactMap { candidate in
      guard case .string(let action) = candidate["action"], action != "keep",
        case .string(let repository) = candidate["repository"],
        case .string(let reference) = candidate["reference"]
      else { return nil }
      return action == "untag" ? "\(repository):\(reference)" : "\(repository)@\(reference)"
    }.sorted()
  }

  /// The releases still in the registry: a keep rule keeps the newest by the cache's time.
  static func surviving(_ world: World) async throws -> [Descriptor] {
    var left: [Descriptor] = []
    for release in world.releases where try await world.exists(release) { left.append(release) }
    return left
  }

  /// Exactly one release image and its tag are left, beside the index and the signed image.
  static func expectOneReleaseLeft(_ world: World) async throws {
    #expect(try await surviving(world).count == 1)
    let tags = try await world.client.tags(repository: "app").sorted()
    #expect(tags.count == 3 && tags.starts(with: ["multi", "signed"]), "\(tags)")
    for kept in world.children + [world.signature!] { #expect(try await world.exists(kept)) }
  }

  @Test func thePlanListsExactlyWhatApplyThenChanges() async throws {
    let world = try await World(releases: 4)
    let file = try Self.write(Self.policy, "retention.yaml", in: world)
    let plan = try world.regsh(["policy", "plan", file, "-r", "live", "--detailed-exitcode"])
    #expect(plan.status == 2, "\(plan.stderr)")
    let planned = Self.changes(try JSONReader.parse(plan.stdout))
    #expect(planned.count == 3, "\(plan.stdout)")
    #expect(try await world.state().count == 6 + 2 + 1 + 4, "a plan changed the registry")

    let apply = try world.regsh([
      "policy", "apply", file, "-r", "live", "--yes", "--detailed-exitcode",
    ])
    #expect(apply.status == 2, "\(apply.stderr)")
    let outcome = try JSONReader.parse(apply.stdout)
    #expect(
      (Self.strings(outcome["deleted"]) + Self.strings(outcome["untagged"])).sorted() == planned)
    // The index's untagged children and the signature were chosen by `dangling`, and kept.
    try await Self.expectOneReleaseLeft(world)

    // Nothing is left to do: exit 0.
    let again = try world.regsh([
      "policy", "apply", file, "-r", "live", "--yes", "--detailed-exitcode",
    ])
    #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
  }

  /// A saved plan applied after the registry changed: the retagged image, the image
  /// tagged since and the image protected since all stay, each reported.
  @Test func aSavedPlanSkipsWhatDrifted() async throws {
    let world = try await World(releases: 4)
    let file = try Self.write(Self.policy, "retention.yaml", in: world)
    let planPath = world.home.url.appendingPathComponent("plan.json").path
    let plan = try world.regsh([
      "policy", "plan", file, "-r", "live", "--out", planPath, "-o", "none",
    ])
    #expect(plan.status == 0, "\(plan.stderr)")
    // The three release tags whose images the plan deletes.
    let saved = try JSONReader.parse(String(contentsOfFile: planPath, encoding: .utf8))
    guard case .array(let candidates) = saved["candidates"] else {
      Issue.record("no candidates in \(planPath)")
      return
    }
    let planned = candidates.compactMap { candidate -> String? in
      guard candidate["action"] == .string("delete") else { return nil }
      return Self.strings(candidate["tags"]).first
    }.sorted()
    #expect(planned.count == 3, "\(planned)")
    guard planned.count == 3 else { return }
    // One now names another image; one's image gets a second tag; one is protected.
    _ = try await world.image("app", tag: planned[0], name: "pushed again")
    let second = try await world.client.manifest(repository: "app", reference: planned[1])
    _ = try await world.client.putManifest(
      repository: "app", reference: "keep-me", data: second.data, mediaType: MediaType.ociManifest)
    let protect = try world.regsh([
      "protect", "add", "app:\(planned[2])", "-n", "live", "-o", "none",
    ])
    #expect(protect.status == 0, "\(protect.stderr)")

    let apply = try world.regsh(["policy", "apply", "--plan", planPath, "-r", "live", "--yes"])
    #expect(apply.status == 0, "\(apply.stderr)")
    let outcome = try JSONReader.parse(apply.stdout)
    #expect(Self.strings(outcome["deleted"]).isEmpty, "\(apply.stdout)")
    guard case .array(let drifted) = outcome["drifted"] else {
      Issue.record("no drifted list: \(apply.stdout)")
      return
    }
    let reasons = drifted.compactMap { if case .string(let s) = $0["reason"] { s } else { nil } }
    #expect(reasons.contains { $0.hasPrefix("retagged") }, "\(reasons)")
    #expect(reasons.contains { $0.hasPrefix("tagged since the plan: keep-me") }, "\(reasons)")
    guard case .array(let skipped) = outcome["skipped"] else {
      Issue.record("no skipped list: \(apply.stdout)")
      return
    }
    #expect(skipped.count == 1 && drifted.count == 2, "\(apply.stdout)")
    for release in world.releases { #expect(try await world.exists(release)) }
  }

  @Test func aBadPolicyFileChangesNothing() async throws {
    let world = try await World(releases: 2)
    let before = try await world.state()
    let cases: [(text: String, message: String)] = [
      (
        "rules:\n  - select: {tags: {regex: 'v('}}\n    action: delete\n",
        ":2: rules[0].select.tags.regex: invalid regular expression"
      ),
      (
        "rules:\n  - select: {untagged: true}\n    action: delete\n    keep: {newest: -1}\n",
        ":4: rules[0].keep.newest: must be 0 or more"
      ),
      ("- rules\n", ":1: is not a mapping"),
      ("", ": is empty"),
      ("rulez: []\n", ":1: rulez: unknown key"),
    ]
    for (n, (text, message)) in cases.enumerated() {
      let file = try Self.write(text, "bad\(n).yaml", in: world)
      let result = try world.regsh(["policy", "apply", file, "-r", "live", "--yes"])
      #expect(result.status == 64, "\(text)")
      #expect(result.stderr.contains(file + message), "\(result.stderr)")
    }
    let ecr = try Self.write(
      #"{"rules": [{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPatternList": ["*a*b*c*d*e"], "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}]}"#,
      "lifecycle.json", in: world)
    let refused = try world.regsh([
      "policy", "apply", "--ecr", ecr, "--repository", "app", "-r", "live", "--yes",
    ])
    #expect(refused.status == 64)
    #expect(refused.stderr.contains("Lifecycle policy validation failure"), "\(refused.stderr)")
    let noRepository = try world.regsh(["policy", "plan", "--ecr", ecr, "-r", "live"])
    #expect(noRepository.status == 64)
    #expect(try await world.state() == before)
  }

  /// ECR's lifecycle document, applied as it is: keep the newest `v` image, expire the rest;
  /// the index's children and the signature are never expired on their own.
  @Test func anECRLifecyclePolicyExpiresWhatECRWould() async throws {
    let world = try await World(releases: 3)
    let ecr = try Self.write(
      """
      {"rules": [
        {"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPrefixList": ["v"],
          "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}},
        {"rulePriority": 2, "selection": {"tagStatus": "any",
          "countType": "imageCountMoreThan", "countNumber": 100}, "action": {"type": "expire"}}
      ]}
      """, "lifecycle.json", in: world)
    let apply = try world.regsh(
      ["policy", "apply", "--ecr", ecr, "--repository", "app", "-r", "live", "--yes"])
    #expect(apply.status == 0, "\(apply.stderr)")
    #expect(
      Self.strings(try JSONReader.parse(apply.stdout)["deleted"]).count == 2, "\(apply.stdout)")
    try await Self.expectOneReleaseLeft(world)
  }

  /// An ECR lifecycle policy's plan saved with `--out`, then applied with `--plan` after
  /// one planned image's tag was pushed again: that image is skipped and reported, the
  /// rest of the plan is deleted, and nothing the plan did not list is touched.
  @Test func aSavedECRPlanSkipsWhatDriftedAndDeletesTheRest() async throws {
    let world = try await World(releases: 4)
    let ecr = try Self.write(
      """
      {"rules": [
        {"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPrefixList": ["v"],
          "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}
      ]}
      """, "lifecycle.json", in: world)
    let planPath = world.home.url.appendingPathComponent("ecr-plan.json").path
    let plan = try world.regsh([
      "policy", "plan", "--ecr", ecr, "--repository", "app", "-r", "live", "--out", planPath,
      "-o", "none",
    ])
    #expect(plan.status == 0, "\(plan.stderr)")
    let saved = try JSONReader.parse(String(contentsOfFile: planPath, encoding: .utf8))
    #expect(Self.strings(saved["ecrRepositories"]) == ["app"], "\(saved)")
    guard case .array(let candidates) = saved["candidates"] else {
      Issue.record("no candidates in \(planPath)")
      return
    }
    // The images the plan expires, by digest, and the release tag each one had.
    let planned = candidates.compactMap { candidate -> (digest: String, tag: String)? in
      guard candidate["action"] == .string("delete"),
        case .string(let digest) = candidate["digest"],
        let tag = Self.strings(candidate["tags"]).first
      else { return nil }
      return (digest, tag)
    }.sorted { $0.tag < $1.tag }
    #expect(planned.count == 3, "\(planned)")
    guard planned.count == 3 else { return }
    let releaseDigests = Set(world.releases.map(\.digest.description))
    #expect(Set(planned.map(\.digest)).isSubset(of: releaseDigests), "\(planned)")
    // The newest release, which the rule keeps (release n is tagged vn).
    let keptIndex = try #require(
      world.releases.firstIndex { !planned.map(\.digest).contains($0.digest.description) })
    let keptRelease = world.releases[keptIndex]
    #expect(try await Self.surviving(world).count == 4, "a plan changed the registry")

    // Drift: the first planned image's tag is pushed again, naming a new image.
    let drifting = planned[0]
    let pushed = try await world.image("app", tag: drifting.tag, name: "pushed again")

    let apply = try world.regsh(["policy", "apply", "--plan", planPath, "-r", "live", "--yes"])
    #expect(apply.status == 0, "\(apply.stderr)")
    let outcome = try JSONReader.parse(apply.stdout)
    let deleted = Self.strings(outcome["deleted"]).sorted()
    #expect(deleted == planned.dropFirst().map { "app@\($0.digest)" }.sorted(), "\(apply.stdout)")
    guard case .array(let drifted) = outcome["drifted"] else {
      Issue.record("no drifted list: \(apply.stdout)")
      return
    }
    #expect(drifted.count == 1, "\(apply.stdout)")
    #expect(drifted.first?["reference"] == .string("app@\(drifting.digest)"), "\(apply.stdout)")
    #expect(
      apply.stderr.contains("Drifted, skipped: app@\(drifting.digest)"), "\(apply.stderr)")

    // The drifted image stays, the rest of the plan is gone, and what the plan kept (the
    // newest release, the image pushed since, the index and the signed image) is there.
    for release in world.releases {
      let name = release.digest.description
      let shouldExist = name == drifting.digest || name == keptRelease.digest.description
      #expect(try await world.exists(release) == shouldExist, "\(name)")
    }
    #expect(try await world.exists(pushed))
    let tags = try await world.client.tags(repository: "app").sorted()
    #expect(tags == [drifting.tag, "multi", "signed", "v\(keptIndex)"].sorted(), "\(tags)")
    for kept in world.children + [world.signature!] { #expect(try await world.exists(kept)) }
  }

  /// An apply SIGKILLed half-way and run again ends where an uninterrupted one ends.
  @Test func aKilledApplyRerunFinishesTheJob() async throws {
    let arguments = ["--yes", "--concurrency", "1", "-r", "live"]
    let killed = try await World(releases: 60)
    let file = try Self.write(Self.policy, "retention.yaml", in: killed)
    let process = try RegshProcess.start(
      ["policy", "apply", file] + arguments, environment: killed.env)
    // Killed as soon as the first release lost its tag.
    await killWhenOneIsGone(
      process.processIdentifier, paths: try killed.registry.tagPaths(repository: "app"))
    process.waitUntilExit()
    let left = try await killed.client.tags(repository: "app").count
    #expect(left > 3, "the apply finished before the kill: nothing was tested")
    let rerun = try killed.regsh(["policy", "apply", file] + arguments)
    #expect(rerun.status == 0, "\(rerun.stderr)")
    try await Self.expectOneReleaseLeft(killed)
    // The audit log holds every deletion, the killed run's and the rerun's.
    let audit = try killed.regsh(["audit", "-n", "live", "--query", "[?action=='delete'].digest"])
    let audited = Set(Self.strings(try JSONReader.parse(audit.stdout)))
    for release in killed.releases where !(try await killed.exists(release)) {
      #expect(audited.contains(release.digest.description))
    }
  }
}
