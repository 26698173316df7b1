import Foundation
import ImageActions
import MetadataCache
import RegistryAPI

/// `--include-locked` on ACR, as acr does it: the lock of each tag and manifest about to be
/// deleted is lifted first (PATCH `deleteEnabled` and `writeEnabled` true), then the
/// workflow deletes it. What a protection rule covers is never unlocked: protection holds
/// whatever the flags say, and an unlock that is not followed by a delete would only
/// weaken the registry.
extension PurgeRunner {
  static let unlocking = ACRChangeableAttributes(deleteEnabled: true, writeEnabled: true)

  func unlockTags(_ plan: RepositoryPlan, onEvent: @Sendable (PurgeEvent) -> Void) async throws {
    guard policy.includeLocked, context.client.isACR, !plan.tagRemovals.isEmpty else { return }
    let facts = try context.store.retentionFacts(
      registryId: registryId, repository: plan.repository, manifests: false)
    let removing = Set(plan.tagRemovals.map(\.reference))
    let rules = try context.store.protectionRules(registryId: registryId)
    for tag in facts.tags
    where removing.contains(tag.name) && isLocked(tag.changeableAttributes)
      && !rules.contains(where: {
        $0.covers(repository: plan.repository, digestText: tag.digest, tags: [tag.name])
      })
    {
      let reference = "\(plan.repository):\(tag.name)"
      do {
        let answer = try await context.client.acrUpdateTagAttributes(
          repository: plan.repository, tag: tag.name, Self.unlocking)
        try context.store.recordTagAttributes(
          registryId: registryId, repository: plan.repository, tag: tag.name,
          attributes: Self.text(answer.changeableAttributes ?? Self.unlocking))
        onEvent(.unlocked(reference))
      } catch {
        onEvent(.unlockFailed(reference: reference, reason: "\(error)"))
      }
    }
  }

  func unlockManifests(_ plan: RepositoryPlan, onEvent: @Sendable (PurgeEvent) -> Void)
    async throws
  {
    guard policy.includeLocked, context.client.isACR, !plan.manifestDeletions.isEmpty else {
      return
    }
    let facts = try context.store.retentionFacts(
      registryId: registryId, repository: plan.repository, manifests: true)
    let deleting = Set(plan.manifestDeletions.map(\.digest))
    let rules = try context.store.protectionRules(registryId: registryId)
    for manifest in facts.manifests
    where deleting.contains(manifest.digest) && isLocked(manifest.changeableAttributes)
      && !rules.contains(where: {
        $0.covers(repository: plan.repository, digestText: manifest.digest, tags: manifest.tags)
      })
    {
      let reference = "\(plan.repository)@\(manifest.digest)"
      do {
        let digest = try Digest(manifest.digest)
        let answer = try await context.client.acrUpdateManifestAttributes(
          repository: plan.repository, digest: digest, Self.unlocking)
        try context.store.recordManifestAttributes(
          registryId: registryId, repository: plan.repository, digest: manifest.digest,
          attributes: Self.text(answer.changeableAttributes ?? Self.unlocking))
        onEvent(.unlocked(reference))
      } catch {
        onEvent(.unlockFailed(reference: reference, reason: "\(error)"))
      }
    }
  }

  static func text(_ attributes: ACRChangeableAttributes) -> String {
    (try? String(data: JSONEncoder().encode(attributes), encoding: .utf8)) ?? "{}"
  }

  /// Whether a failed request was ACR refusing a locked tag or manifest (its 405).
  /// The workflows carry failures as text; this is `RegistryError.locked`'s own wording.
  static func isACRLock(_ reason: FailureReason) -> Bool {
    reason.description.contains("it is locked on this Azure Container Registry")
  }
}
