import MetadataCache
import RegistryAPI

/// Removing tags, the one way it is done: plan from the cache → the caller confirms → live
/// check → execute → outcome. The manifests and their other tags stay.
public struct UntagWorkflow: Sendable {
  public let context: ActionContext

  public init(context: ActionContext) { self.context = context }

  var untagger: Untagger { Untagger(store: context.store, registry: context.registry) }

  /// The plan, from the cache alone.
  public func plan(_ targets: [ActionTarget]) throws -> UntagPlan {
    try untagger.plan(targets)
  }

  /// The plan as the registry stands now (safety rule 1): a tag that is gone or points at
  /// another manifest, or that a protection rule covers now, is skipped. Changes nothing.
  public func check(_ plan: UntagPlan) async throws -> UntagPlan {
    let rules = try context.store.protectionRules(registryId: context.registryId)
    var checked = plan
    checked.untags = []
    for item in plan.untags {
      guard
        let head = try await context.client.headManifest(
          repository: item.repository, reference: item.tag)
      else {
        checked.skipped.append(item.skipped(.tagGone(item.tag)))
        continue
      }
      let now = head.digest
      guard now == item.manifest.digest else {
        checked.skipped.append(
          item.skipped(.tagMoved(tag: item.tag, now: now, was: item.manifest.digest)))
        continue
      }
      if let rule = rules.first(where: {
        $0.covers(repository: item.repository, digest: now, tags: [item.tag])
      }) {
        checked.skipped.append(item.skipped(.protected(by: rule)))
        continue
      }
      checked.untags.append(item)
    }
    return checked
  }

  /// Asks `confirm` about the plan, then checks it live and removes the tags.
  public func run(_ plan: UntagPlan, confirm: Confirmation<UntagPlan>) async throws
    -> UntagOutcome
  {
    guard !plan.untags.isEmpty else {
      var outcome = UntagOutcome(registry: context.registry.name)
      outcome.skipped = plan.skipped
      return outcome
    }
    guard try await confirm(plan) else { throw ActionError.cancelled }
    let lease = try await context.leaseForRun()
    defer { withExtendedLifetime(lease) {} }
    let checked = try await check(plan)
    var outcome = await untagger.execute(
      checked.untags, client: context.client, progress: context.progress("untagging"))
    outcome.skipped = checked.skipped + outcome.skipped
    return outcome
  }
}
