import Foundation
import ImageActions
import MetadataCache
import RegistryAPI
import TestSupport
import Testing

/// Every safety rule, in-process: an `oci:` registry behind a transport that fails chosen
/// requests, a temporary cache, and the workflows as `delete`, `untag` and `restore` run them.
@Suite struct SafetyRuleTests {
  /// Which targets a delete names, and what must survive it.
  struct IndexCase: CustomTestStringConvertible, Sendable {
    var name: String
    var includeChildren: Bool
    /// "index" names the tagged index by its tag; "a", "b" its untagged children by digest.
    var targets: [String]
    var deleted: Set<String>
    var skippedCodes: [String: String]
    var testDescription: String { name }
  }

  static let indexCases: [IndexCase] = [
    IndexCase(
      name: "untagged children of a tagged index stay", includeChildren: false,
      targets: ["a", "b"], deleted: [], skippedCodes: ["a": "index-child", "b": "index-child"]),
    IndexCase(
      name: "--include-children lets them go", includeChildren: true, targets: ["a", "b"],
      deleted: ["a", "b"], skippedCodes: [:]),
    IndexCase(
      name: "the index and its children go together", includeChildren: false,
      targets: ["index", "a", "b"], deleted: ["index", "a", "b"], skippedCodes: [:]),
  ]

  @Test(arguments: indexCases, StoreKind.available)
  func childrenOfATaggedIndex(_ scenario: IndexCase, _ store: StoreKind) async throws {
    let world = try LayoutWorld(store)
    let a = try await world.pushImage("app", tag: nil, name: "a")
    let b = try await world.pushImage("app", tag: nil, name: "b")
    let index = try await world.pushIndex("app", tag: "multi", children: [a.manifest, b.manifest])
    try await world.sync()
    let digests = ["a": a.digest, "b": b.digest, "index": index.digest.description]
    let outcome = try await world.delete(
      scenario.targets.map { $0 == "index" ? "app:multi" : digests[$0]! }, repository: "app",
      options: .init(includeChildren: scenario.includeChildren))
    #expect(
      Set(outcome.deleted.map(\.digest.description)) == Set(scenario.deleted.map { digests[$0]! }))
    for (name, code) in scenario.skippedCodes {
      #expect(outcome.skipped.first { $0.reference == digests[name] }?.reason.code == code)
    }
    for (name, digest) in digests {
      // An OCI layout still serves a child that a remaining index lists.
      let listed = name != "index" && !scenario.deleted.contains("index")
      #expect(
        try await world.exists("app", digest) == (!scenario.deleted.contains(name) || listed),
        "\(name)")
    }
    if scenario.deleted.contains("index") {
      // The index goes before the children it lists.
      let deletes = world.transport.requests.filter { $0.hasPrefix("DELETE") }
      let order = [index.digest.description, a.digest, b.digest].map { digest in
        deletes.firstIndex { $0.hasSuffix(digest) } ?? -1
      }
      #expect(order[0] >= 0 && order[0] < order[1] && order[0] < order[2], "\(deletes)")
    }
  }

  @Test(arguments: StoreKind.available)
  func aManifestNestedInAnIndexInATaggedIndexStays(_ store: StoreKind) async throws {
    let world = try LayoutWorld(store)
    let leaf = try await world.pushImage("app", tag: nil, name: "leaf")
    let inner = try await world.pushIndex("app", tag: nil, children: [leaf.manifest])
    let top = try await world.pushIndex("app", tag: "top", children: [inner])
    try await world.sync()
    let kept = try await world.delete(
      [inner.digest.description, leaf.digest], repository: "app")
    #expect(kept.deleted.isEmpty)
    // The inner index is held by the tagged one; the leaf by the inner index, which stays.
    let codes = Dictionary(uniqueKeysWithValues: kept.skipped.map { ($0.reference, $0.reason) })
    #expect(codes[inner.digest.description]?.code == "index-child")
    #expect(codes[leaf.digest] == .belongsTo([inner.digest]))
    #expect(try await world.exists("app", leaf.digest))
    // Named from the top down, the whole tree goes, top first.
    let gone = try await world.delete(
      ["app:top", inner.digest.description, leaf.digest], repository: "app")
    #expect(gone.deleted.count == 3, "\(gone.skipped)")
    for digest in [top.digest.description, inner.digest.description, leaf.digest] {
      #expect(try await !world.exists("app", digest))
    }
  }

  enum SubjectState: String, CaseIterable, Sendable {
    case kept, deleted, protected
  }

  @Test(arguments: SubjectState.allCases, StoreKind.available)
  func aReferrerFollowsItsSubject(_ state: SubjectState, _ store: StoreKind) async throws {
    let world = try LayoutWorld(store)
    let subject = try await world.pushImage("app", tag: "v1", name: "subject")
    let signature = try await world.pushImage(
      "app", tag: nil, name: "signature", subject: subject.manifest,
      artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json")
    try await world.sync()
    if state == .protected {
      _ = try world.store.addProtection(
        ProtectionRule(
          registryId: world.registry.id, repository: nil, pattern: subject.digest,
          reason: "pinned"))
    }
    let targets = state == .kept ? [signature.digest] : ["app:v1", signature.digest]
    let outcome = try await world.delete(targets, repository: "app")
    let signatureGone = state == .deleted
    #expect(try await world.exists("app", signature.digest) == !signatureGone)
    #expect(try await world.exists("app", subject.digest) == (state != .deleted))
    let reason = outcome.skipped.first { $0.reference == signature.digest }?.reason.code
    switch state {
    case .kept: #expect(reason == "referrer")
    case .deleted: #expect(reason == nil)
    case .protected:
      #expect(reason == "referrer")
      #expect(outcome.skipped.contains { $0.reason.code == "protected" })
    }
  }

  @Test(arguments: StoreKind.available)
  func anIndexTaggedBetweenSyncAndDeleteKeepsItselfAndItsChildren(_ store: StoreKind) async throws {
    let world = try LayoutWorld(store)
    let child = try await world.pushImage("app", tag: nil, name: "child")
    let index = try await world.pushIndex("app", tag: nil, children: [child.manifest])
    try await world.sync()
    try await world.tag("app", "late", at: index)
    let outcome = try await world.delete(
      [index.digest.description, child.digest], repository: "app")
    #expect(outcome.deleted.isEmpty)
    let codes = Dictionary(
      uniqueKeysWithValues: outcome.skipped.map { ($0.reference, $0.reason.code) })
    #expect(codes[index.digest.description] == "tagged-since-sync")
    #expect(codes[child.digest] == "index-child")
    #expect(try await world.exists("app", child.digest))
  }

  @Test(arguments: StoreKind.available)
  func aTagMovedBetweenSyncAndDeleteIsSkipped(_ store: StoreKind) async throws {
    let world = try LayoutWorld(store)
    let old = try await world.pushImage("app", tag: "v1", name: "old")
    try await world.sync()
    let new = try await world.pushImage("app", tag: "v1", name: "new")
    let outcome = try await world.delete(["app:v1"], repository: "app")
    #expect(outcome.deleted.isEmpty)
    #expect(
      outcome.skipped.map(\.reason) == [
        .tagMoved(tag: "v1", now: new.manifest.digest, was: old.manifest.digest)
      ])
    #expect(try await world.exists("app", old.digest))
    #expect(try await world.liveTags("app") == ["v1"])
  }

  @Test(arguments: StoreKind.available)
  func aDeleteFailingHalfWayKeepsWhatDependsOnIt(_ store: StoreKind) async throws {
    let world = try LayoutWorld(store)
    let a = try await world.pushImage("app", tag: nil, name: "a")
    let b = try await world.pushImage("app", tag: nil, name: "b")
    let loose = try await world.pushImage("app", tag: nil, name: "loose")
    let index = try await world.pushIndex("app", tag: "multi", children: [a.manifest, b.manifest])
    // The loose image makes the cache know it untagged: pushed by digest, a layout lists it.
    try await world.sync()
    world.transport.fail(
      "DELETE", pathEndingWith: "/manifests/\(index.digest)", status: 403, code: "DENIED")
    let outcome = try await world.delete(
      ["app:multi", a.digest, b.digest, loose.digest], repository: "app")
    #expect(outcome.failed.map(\.digest) == [index.digest])
    #expect(outcome.deleted.map(\.digest) == [loose.manifest.digest])
    #expect(
      Set(outcome.skipped.map(\.reference)) == [a.digest, b.digest]
        && outcome.skipped.allSatisfy { $0.reason == .belongsTo([index.digest]) })
    for digest in [index.digest.description, a.digest, b.digest] {
      #expect(try await world.exists("app", digest))
    }
    #expect(try await !world.exists("app", loose.digest))
    // The audit log holds the delete that happened, and the failed one as failed.
    let changes = try world.store.lastChanges(registry: "lab", count: 10)
    #expect(changes.map(\.digest) == [loose.manifest.digest])
  }

  @Test(arguments: StoreKind.available)
  func bytesAreCountedAgainOnTheFinalSet(_ store: StoreKind) async throws {
    let world = try LayoutWorld(store)
    _ = try await world.pushImage("app", tag: "keep", name: "keep")
    let p = try await world.pushImage("app", tag: nil, name: "p", sharing: "pq")
    let q = try await world.pushImage("app", tag: nil, name: "q", sharing: "pq")
    try await world.sync()
    let workflow = DeleteWorkflow(context: world.context)
    let plan = try workflow.plan([
      ActionTarget(repository: "app", selector: .digest(p.manifest.digest)),
      ActionTarget(repository: "app", selector: .digest(q.manifest.digest)),
    ])
    // Both going, their shared layer is freed too.
    #expect(plan.bytesFreed == p.ownBytes + q.ownBytes + Int(p.layers[2].size))
    // q is tagged behind regsh's back: the live check keeps it, and the layer it shares
    // with p no longer counts as freed.
    try await world.tag("app", "late", at: q.manifest)
    let outcome = try await workflow.run(plan) { _ in true }
    #expect(outcome.deleted.map(\.digest) == [p.manifest.digest])
    #expect(outcome.bytesFreed == p.ownBytes)
  }

  enum ProtectionKind: String, CaseIterable, Sendable {
    case digest, tagPattern, addedAfterThePlan, addedByAnotherClientAfterThePlan
  }

  @Test(arguments: ProtectionKind.allCases, StoreKind.available)
  func protectionHolds(_ kind: ProtectionKind, _ store: StoreKind) async throws {
    let world = try LayoutWorld(store)
    let image = try await world.pushImage("app", tag: "v1.2", name: "released")
    try await world.sync()
    let rule = ProtectionRule(
      registryId: world.registry.id, repository: "app",
      pattern: kind == .digest ? image.digest : "v*", reason: "released")
    let afterThePlan = [.addedAfterThePlan, .addedByAnotherClientAfterThePlan].contains(kind)
    if !afterThePlan { _ = try world.store.addProtection(rule) }
    let workflow = DeleteWorkflow(context: world.context)
    let plan = try workflow.plan([ActionTarget(repository: "app", selector: .tag("v1.2"))])
    if afterThePlan {
      #expect(plan.deletions.count == 1)
      // Another client of the same store (another laptop, for PostgreSQL): the live
      // check reads the store again, so its rule holds here too.
      let adder =
        kind == .addedByAnotherClientAfterThePlan
        ? try MetadataStore(address: world.storeAddress) : world.store
      _ = try adder.addProtection(rule)
    } else {
      #expect(plan.deletions.isEmpty)
    }
    let outcome = try await workflow.run(plan) { _ in true }
    #expect(outcome.deleted.isEmpty)
    #expect(outcome.skipped.map(\.reason.code) == ["protected"])
    #expect(try await world.exists("app", image.digest))
  }

  @Test(arguments: StoreKind.available)
  func noConfirmationChangesNothing(_ store: StoreKind) async throws {
    let world = try LayoutWorld(store)
    let image = try await world.pushImage("app", tag: "v1", name: "v1")
    try await world.sync()
    let workflow = DeleteWorkflow(context: world.context)
    let plan = try workflow.plan([ActionTarget(repository: "app", selector: .tag("v1"))])
    await #expect(throws: ActionError.cancelled) {
      try await workflow.run(plan) { _ in false }
    }
    #expect(try await world.exists("app", image.digest))
    #expect(try world.store.lastChanges(registry: "lab", count: 10).isEmpty)
    #expect(!world.transport.requests.contains { $0.hasPrefix("DELETE") })
  }

  @Test(arguments: StoreKind.available)
  func untagOnARegistryWithoutTagDeletionMovesTheTagOffAndKeepsTheImage(_ store: StoreKind)
    async throws
  {
    let world = try LayoutWorld(store)
    let image = try await world.pushImage("app", tag: "v1", name: "v1")
    try await world.pushImage("app", tag: "v2", name: "v2")
    try await world.sync()
    // distribution 2.8's answer to a tag DELETE.
    world.transport.fail(
      "DELETE", pathEndingWith: "/manifests/v1", status: 400, code: "DIGEST_INVALID")
    let workflow = UntagWorkflow(context: world.context)
    let outcome = try await workflow.run(
      try workflow.plan([ActionTarget(repository: "app", selector: .tag("v1"))])
    ) { _ in true }
    #expect(outcome.untagged.map(\.tag) == ["v1"], "\(outcome.failed)")
    #expect(try await world.liveTags("app") == ["v2"])
    #expect(try await world.exists("app", image.digest))
    let entry = try #require(try world.store.lastChanges(registry: "lab", count: 1).first)
    #expect(entry.action == .untag && entry.tags == ["v1"])
    #expect(entry.detail?.contains("throwaway") == true)
  }

  @Test(arguments: StoreKind.available)
  func restoreUndoesSeveralChangesNewestFirst(_ store: StoreKind) async throws {
    let world = try LayoutWorld(store)
    let image = try await world.pushImage("app", tag: "v1", name: "v1")
    try await world.pushImage("app", tag: "other", name: "other")
    try await world.sync()
    // First the tag goes, then the image: undoing the untag first would find no manifest.
    let untag = UntagWorkflow(context: world.context)
    _ = try await untag.run(
      try untag.plan([ActionTarget(repository: "app", selector: .tag("v1"))])
    ) { _ in true }
    try await world.sync()
    let deleted = try await world.delete([image.digest], repository: "app")
    #expect(deleted.deleted.count == 1)
    let restore = RestoreWorkflow(context: world.context)
    let plan = try restore.plan(.last(2))
    #expect(plan.entries.map(\.action) == [.delete, .untag])
    let outcome = try await restore.run(plan) { _ in true }
    #expect(outcome.failed.isEmpty, "\(outcome.failed.map(\.note))")
    #expect(try await world.exists("app", image.digest))
    #expect(try await world.liveTags("app") == ["other", "v1"])
    let head = try await world.untouched.headManifest(repository: "app", reference: "v1")
    #expect(head?.digest.description == image.digest)
  }
}
