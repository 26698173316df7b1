import Foundation
import ImageActions
import MetadataCache
import RegistryAPI
import TestSupport
import Testing

/// The registry's lease: every workflow that changes a registry holds the store's action
/// lock and starts from a store with nothing pending, whoever calls it (the shell's
/// `delete`, `untag`, `restore`, az's forms, purge, policy apply).
@Suite struct ActionLeaseTests {
  @Test(arguments: StoreKind.available)
  func aWorkflowWaitsWhileAnotherClientHoldsTheLease(_ store: StoreKind) async throws {
    let world = try LayoutWorld(store)
    try await world.pushImage("app", tag: "v1", name: "v1")
    try await world.pushImage("app", tag: "v2", name: "v2")
    try await world.sync()
    var held: ActionContext? = try await world.context.leased(wait: false)
    #expect(held != nil)
    // A second client asking without waiting is told at once.
    await #expect(throws: ActionLockBusy.self) {
      _ = try await world.context.leased(wait: false)
    }
    // An untag run on a context without a lease (as `untag` and az's forms are) waits.
    let workflow = UntagWorkflow(context: world.context)
    let plan = try workflow.plan([ActionTarget(repository: "app", selector: .tag("v1"))])
    let untag = Task { try await workflow.run(plan) { _ in true } }
    try await Task.sleep(for: .milliseconds(500))
    #expect(try await world.liveTags("app") == ["v1", "v2"], "the untag ran beside the lease")
    held = nil
    let outcome = try await untag.value
    #expect(outcome.untagged.map(\.tag) == ["v1"], "\(outcome.failed)")
    #expect(try await world.liveTags("app") == ["v2"])
    // The run's own lease ended with it.
    _ = try await world.context.leased(wait: false)
  }

  /// A killed delete leaves its audit entries pending. The next workflow on the registry,
  /// whichever it is, asks the registry how each ended before it changes anything.
  @Test(arguments: StoreKind.available)
  func pendingDeletesAreSettledByTheNextWorkflowOfAnyKind(_ store: StoreKind) async throws {
    let world = try LayoutWorld(store)
    let gone = try await world.pushImage("app", tag: nil, name: "gone")
    let kept = try await world.pushImage("app", tag: nil, name: "kept")
    try await world.pushImage("app", tag: "v1", name: "v1")
    try await world.pushImage("app", tag: "v2", name: "v2")
    try await world.sync()
    // What a delete killed after its requests went out leaves: two intents logged, one
    // of them carried out by the registry, neither answered.
    _ = try world.store.recordIntents(
      [gone, kept].map { image in
        AuditEntry(
          registry: "lab", repository: "app", action: .delete, digest: image.manifest.digest,
          tags: [], mediaType: image.manifest.mediaType, manifest: nil)
      })
    try await world.client.deleteManifest(repository: "app", digest: gone.manifest.digest)
    #expect(try world.store.pendingDeletes(registry: "lab").count == 2)

    let notices = Notices()
    var context = world.context
    context.notice = { notices.append($0) }
    let workflow = UntagWorkflow(context: context)
    let outcome = try await workflow.run(
      try workflow.plan([ActionTarget(repository: "app", selector: .tag("v1"))])
    ) { _ in true }
    #expect(outcome.untagged.map(\.tag) == ["v1"], "\(outcome.failed)")
    #expect(try world.store.pendingDeletes(registry: "lab").isEmpty)
    #expect(notices.lines == ["settled 2 deletes a stopped regsh left pending on 'lab'"])
    // The one the registry carried out is logged as done; the other, still there, is not.
    let deleted = try world.store.lastChanges(registry: "lab", count: 10)
      .filter { $0.action == .delete }.compactMap(\.digest)
    #expect(deleted == [gone.manifest.digest])
    #expect(try await world.exists("app", kept.digest))
  }

  /// A lease taken before planning is the one the run uses: no second lock, no deadlock.
  @Test(arguments: StoreKind.available)
  func aRunOnALeasedContextUsesThatLease(_ store: StoreKind) async throws {
    let world = try LayoutWorld(store)
    let image = try await world.pushImage("app", tag: nil, name: "old")
    try await world.pushImage("app", tag: "v1", name: "v1")
    try await world.sync()
    let context = try await world.context.leased(wait: false)
    let workflow = DeleteWorkflow(context: context)
    let plan = try workflow.plan([
      ActionTarget(repository: "app", selector: .digest(image.manifest.digest))
    ])
    let outcome = try await workflow.run(plan) { _ in true }
    #expect(outcome.deleted.map(\.digest) == [image.manifest.digest], "\(outcome.skipped)")
    await #expect(throws: ActionLockBusy.self) {
      _ = try await world.context.leased(wait: false)
    }
    withExtendedLifetime(context) {}
  }
}

/// Lines a workflow gave its caller to show.
final class Notices: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [String] = []
  func append(_ line: String) { lock.withLock { stored.append(line) } }
  var lines: [String] { lock.withLock { stored } }
}
