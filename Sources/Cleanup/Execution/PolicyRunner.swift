import ImageActions
import JMESPath
import MetadataCache
import RegistryAPI

/// Carries out a policy plan through the workflows only: untags through `UntagWorkflow`,
/// deletions through `DeleteWorkflow`, repository by repository, so the live re-check,
/// protection rules, rule 2, the audit log and restore apply to every change. The caller's
/// confirmation is asked once, for the whole plan, before the first change.
public struct PolicyRunner: Sendable {
  public let context: ActionContext
  public var concurrency: Int

  public init(context: ActionContext, concurrency: Int = 8) {
    self.context = context
    self.concurrency = max(1, concurrency)
  }

  /// What an apply did.
  public struct Outcome: Sendable {
    public var untagged: [String] = []
    public var deleted: [String] = []
    /// Gone before the request (a rerun after a kill finds these): done, not failed.
    public var alreadyGone: [String] = []
    public var skipped: [SkippedTarget] = []
    public var drifted: [PlanDrift.Drifted] = []
    public var failed: [(reference: String, reason: String)] = []

    public init() {}

    public var changed: Int { untagged.count + deleted.count }

    public func document(registry: String, dryRun: Bool) -> JSON {
      .object([
        "registry": .string(registry), "dryRun": .bool(dryRun),
        (dryRun ? "wouldUntag" : "untagged"): .array(untagged.map(JSON.string)),
        (dryRun ? "wouldDelete" : "deleted"): .array(deleted.map(JSON.string)),
        "alreadyGone": .array(alreadyGone.map(JSON.string)),
        "skipped": .array(skipped.map(\.document)),
        "drifted": .array(
          drifted.map {
            .object(["reference": .string($0.decision.name), "reason": .string($0.reason)])
          }),
        "failed": .array(
          failed.map {
            .object(["reference": .string($0.reference), "reason": .string($0.reason)])
          }),
      ])
    }
  }

  /// Runs `changes` (decisions that go). With `dryRun`, the workflows' live checks only.
  public func run(
    _ changes: [PolicyDecision], dryRun: Bool, confirm: @escaping () async throws -> Bool
  ) async throws -> Outcome {
    var outcome = Outcome()
    guard !changes.isEmpty else { return outcome }
    if !dryRun { guard try await confirm() else { throw ActionError.cancelled } }
    var repositories: [String] = []
    var byRepository: [String: [PolicyDecision]] = [:]
    for change in changes {
      if byRepository[change.repository] == nil { repositories.append(change.repository) }
      byRepository[change.repository, default: []].append(change)
    }
    for repository in repositories {
      let items = byRepository[repository]!
      try await untag(repository, items.filter { $0.action == .untag }, dryRun, &outcome)
      try await delete(repository, items.filter { $0.action == .delete }, dryRun, &outcome)
    }
    return outcome
  }

  func untag(
    _ repository: String, _ items: [PolicyDecision], _ dryRun: Bool, _ outcome: inout Outcome
  ) async throws {
    guard !items.isEmpty else { return }
    let workflow = UntagWorkflow(context: context)
    let plan = try workflow.plan(
      items.map { ActionTarget(repository: repository, selector: .tag($0.reference)) })
    var skipped: [SkippedTarget]
    if dryRun {
      let checked = try await workflow.check(plan)
      outcome.untagged += checked.untags.map { "\($0.repository):\($0.tag)" }
      skipped = checked.skipped
    } else {
      let done = try await workflow.run(plan) { _ in true }
      outcome.untagged += done.untagged.map { "\($0.repository):\($0.tag)" }
      outcome.failed += done.failed.map { ("\($0.0.repository):\($0.0.tag)", $0.1.description) }
      skipped = done.skipped
    }
    for item in skipped {
      if case .tagGone = item.reason {
        outcome.alreadyGone.append("\(item.repository):\(item.reference)")
      } else {
        outcome.skipped.append(item)
      }
    }
  }

  func delete(
    _ repository: String, _ items: [PolicyDecision], _ dryRun: Bool, _ outcome: inout Outcome
  ) async throws {
    guard !items.isEmpty else { return }
    let workflow = DeleteWorkflow(context: context, options: .init(concurrency: concurrency))
    let plan = try workflow.plan(
      try items.map {
        ActionTarget(repository: repository, selector: .digest(try Digest($0.digest)))
      })
    // A manifest the cache no longer holds is planned as skipped; one a killed run already
    // deleted is gone, which a rerun counts as done.
    if dryRun {
      let checked = try await workflow.check(plan)
      outcome.deleted += checked.deletions.map { "\($0.manifest.repository)@\($0.manifest.digest)" }
      outcome.skipped += checked.skipped
      return
    }
    let done = try await workflow.run(plan) { _ in true }
    outcome.deleted += done.deleted.map { "\($0.repository)@\($0.digest)" }
    outcome.alreadyGone += done.alreadyGone.map { "\($0.repository)@\($0.digest)" }
    outcome.skipped += done.skipped
    outcome.failed += done.failed.map {
      ("\($0.repository)@\($0.digest)", $0.reason?.description ?? "failed")
    }
  }
}
