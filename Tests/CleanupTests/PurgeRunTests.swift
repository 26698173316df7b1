import Cleanup
import Foundation
import ImageActions
import MetadataCache
import RegistryAPI
import Testing

/// Purges planned from a real SQLite cache and run through the real workflows against an
/// `oci:` layout registry.
@Suite struct PurgeRunTests {
  /// A repository with a multi-arch image, a signature, old tags and loose untagged images.
  func populate(_ world: PurgeWorld) async throws -> (
    amd64: Descriptor, arm64: Descriptor, index: Descriptor, signed: Descriptor,
    signature: Descriptor, loose: Descriptor, old: Descriptor
  ) {
    let amd64 = try await world.pushImage("app", tag: nil, name: "amd64")
    let arm64 = try await world.pushImage("app", tag: nil, name: "arm64")
    let index = try await world.pushIndex("app", tag: "multi", children: [amd64, arm64])
    let signed = try await world.pushImage("app", tag: "signed", name: "signed")
    let signature = try await world.pushImage("app", tag: nil, name: "sig", subject: signed)
    let loose = try await world.pushImage("app", tag: nil, name: "loose")
    let old = try await world.pushImage("app", tag: "v1", name: "v1")
    try await world.pushImage("app", tag: "keep-me", name: "keep")
    try await world.sync()
    return (amd64, arm64, index, signed, signature, loose, old)
  }

  @Test func aDryRunListsExactlyWhatTheRealRunDeletes() async throws {
    let world = try PurgeWorld()
    let image = try await populate(world)
    let runner = try world.runner(["app:^v1$"], untagged: true)
    let dry = EventList()
    let dryCounts = try await runner.run(try runner.plan(), dryRun: true, onEvent: dry.record)
    #expect(try await world.exists("app", image.old), "a dry run deletes nothing")
    let real = EventList()
    let counts = try await runner.run(try runner.plan(), dryRun: false, onEvent: real.record)
    #expect(dry.deleted == real.deleted)
    #expect(
      Set(real.deleted)
        == ["app:v1", "app@\(image.old.digest)", "app@\(image.loose.digest)"])
    #expect(counts.tags == 1 && counts.manifests == 2 && counts.failures == 0)
    #expect(dryCounts.tags == counts.tags && dryCounts.manifests == counts.manifests)
    // Index children and signatures survive.
    for kept in [image.amd64, image.arm64, image.index, image.signed, image.signature] {
      #expect(try await world.exists("app", kept))
    }
    #expect(!(try await world.exists("app", image.old)))
    #expect(try await world.liveTags("app") == ["keep-me", "multi", "signed"])
    // Every deletion is in the audit log, for restore.
    let audit = try world.store.lastChanges(registry: "lab", count: 100)
    #expect(audit.filter { $0.action == .delete }.count == 2)
    #expect(audit.filter { $0.action == .untag }.count == 1)
  }

  @Test func aProtectedTagSurvivesIncludeLocked() async throws {
    let world = try PurgeWorld()
    let image = try await populate(world)
    try world.store.addProtection(
      ProtectionRule(
        registryId: world.registry.id, repository: "app", pattern: "v1", reason: "release"))
    var options = PurgeOptions()
    options.filters = ["app:.*"]
    options.ago = "-1d"
    options.includeLocked = true
    let runner = PurgeRunner(context: world.context, policy: try options.check(now: Date()).policy)
    let events = EventList()
    _ = try await runner.run(try runner.plan(), dryRun: false, onEvent: events.record)
    #expect(try await world.liveTags("app") == ["v1"])
    #expect(try await world.exists("app", image.old))
  }

  @Test func maxDeletesRefusesABiggerPlanAndChangesNothing() async throws {
    let world = try PurgeWorld()
    _ = try await populate(world)
    let runner = try world.runner(["app:.*"], untagged: true, maxDeletes: 2)
    await #expect(throws: PurgeRunner.Refusal.self) {
      _ = try await runner.run(try runner.plan(), dryRun: false, onEvent: { _ in })
    }
    #expect(try await world.liveTags("app") == ["keep-me", "multi", "signed", "v1"])
  }

  @Test func keepOnTagsKeepsTheNewestEligible() async throws {
    let world = try PurgeWorld()
    for n in 1...4 { try await world.pushImage("svc", tag: "v\(n)", name: "svc\(n)") }
    try await world.sync()
    // One sync sees all four at once: their times tie, and the tie goes by name.
    let runner = try world.runner(["svc:.*"], keep: 2)
    let plan = try runner.plan()
    #expect(plan.tagCount == 2)
    _ = try await runner.run(plan, dryRun: false, onEvent: { _ in })
    #expect(try await world.liveTags("svc").count == 2)
  }
}
