import Foundation
import JMESPath
import MetadataCache
import RegistryAPI

extension DeleteExecutor {
  /// Deletes a whole repository on ACR with its one `DELETE /acr/v1/<repo>`, as az does.
  /// Per-manifest deletes would leave the repository's own record behind on ACR, which
  /// then cannot be deleted (Microsoft's troubleshooting page for delete operations).
  ///
  /// Every planned manifest is logged as pending before the request, with its bytes and
  /// tags, and settled by ACR's answer: what `manifestsDeleted` lists (or everything, when
  /// ACR answers without a body) is done; the rest failed. So `restore` works as after any
  /// other delete. Returns the outcome and ACR's answer as served.
  public func executeRepository(_ repository: String, _ deletions: [PlannedDeletion])
    async throws -> (DeleteOutcome, JSON?)
  {
    var outcome = DeleteOutcome(registry: registry.name)
    let auditIds = try store.recordIntents(deletions.map(auditEntry))
    var answer: JSON?
    var deletedDigests: Set<Digest>?
    var refusal: FailureReason?
    do {
      let body = try await client.acrDeleteRepository(repository)
      if !body.isEmpty, let parsed = try? JSONReader.parse([UInt8](body)) {
        answer = parsed
        deletedDigests = parsed["manifestsDeleted"].arrayValue.map {
          // What is not a digest cannot name a manifest that went.
          Set($0.compactMap { $0.stringValue.flatMap { try? Digest($0) } })
        }
      }
    } catch let error as RegistryError where error.isNotFound {
      refusal = .answered404
    } catch {
      refusal = FailureReason(error)
    }
    var settlements: [(PlannedDeletion, MetadataStore.IntentSettlement)] = []
    for (item, auditId) in zip(deletions, auditIds) {
      let result: Answer
      if let refusal {
        result = refusal == .answered404 ? .gone : .failed(refusal)
      } else if let deletedDigests, !deletedDigests.contains(item.manifest.digest) {
        result = .failed(
          .request("ACR's answer to DELETE /acr/v1/\(repository) does not list it as deleted"))
      } else {
        result = .deleted
      }
      settlements.append((item, settlement(item, result, auditId: auditId)))
      report(item, result, into: &outcome)
    }
    onProgress?(deletions.count, deletions.count)
    settle(&settlements, into: &outcome)
    // A manifest pushed after the sync went too, with no audit entry to restore it from:
    // the caller says so.
    let planned = Set(deletions.map(\.manifest.digest))
    outcome.deletedUnplanned = (deletedDigests ?? []).subtracting(planned).sorted()
    return (outcome, answer)
  }
}
