import Foundation
import JMESPath
import MetadataCache
import RegistryAPI

/// Deletes planned manifests, several at once. A manifest that depends on another planned
/// deletion (an index child, a referrer) goes only after it, and stays if it did not go.
/// Each result is recorded (cache and audit log) by one writer as soon as the registry
/// answers, so a crash never loses the way back.
public struct DeleteExecutor: Sendable {
  public let client: RegistryClient
  public let store: MetadataStore
  public let registry: RegistryInfo
  public var concurrency: Int
  /// Called after each item with (done, total), for a progress bar.
  public var onProgress: (@Sendable (Int, Int) -> Void)?

  public init(
    client: RegistryClient, store: MetadataStore, registry: RegistryInfo, concurrency: Int = 8
  ) {
    self.client = client
    self.store = store
    self.registry = registry
    self.concurrency = max(1, concurrency)
  }

  enum Answer: Sendable {
    case deleted
    /// 404: gone already — or deleted by an earlier attempt whose answer was lost and
    /// retried, which is why it is recorded all the same.
    case gone
    case failed(FailureReason)
    /// Deletes are switched off in the registry's configuration: nothing else will go.
    case disabled(RegistryError)
  }

  public func execute(_ deletions: [PlannedDeletion]) async throws -> DeleteOutcome {
    var outcome = DeleteOutcome(registry: registry.name)
    guard !deletions.isEmpty else { return outcome }
    // No invented probe: the first real DELETE goes out alone, and if it says deletes are
    // disabled on the registry, that is one clear error, not N failures.
    var firstAnswered = false
    var disabled: RegistryError?
    var pending = deletions
    var gone: Set<ManifestKey> = []
    var done = 0
    // Only the order matters here: no new facts, so rule 2 only keeps what depends on a
    // deletion that did not happen.
    let order = DependencyRule(includeChildren: true, includeReferrers: true)
    while !pending.isEmpty {
      let (going, kept) = order.settle(pending, facts: DependencyFacts(), gone: gone)
      outcome.skipped += kept
      if !kept.isEmpty {
        done += kept.count
        onProgress?(done, deletions.count)
      }
      var ready = going.filter { $0.dependsOn.isSubset(of: gone) }
      if !firstAnswered { ready = Array(ready.prefix(1)) }
      guard !ready.isEmpty else {
        // Only a cycle (which manifests cannot form) could leave nothing ready.
        outcome.skipped += going.map { $0.skipped(.dependencyCycle) }
        break
      }
      let readyKeys = Set(ready.map(\.key))
      pending = going.filter { !readyKeys.contains($0.key) }
      // Logged as pending before any request goes out, settled as each answer arrives: a
      // process killed mid-run leaves every manifest it may have deleted in the log.
      let auditIds = try store.recordIntents(ready.map(auditEntry))
      let auditIdByKey = Dictionary(zip(ready.map(\.key), auditIds)) { first, _ in first }
      var settlements: [(PlannedDeletion, MetadataStore.IntentSettlement)] = []
      try await forEachConcurrently(ready, limit: concurrency) { item in
        (item, await self.delete(item))
      } consume: { _, result in
        let (item, answer) = result
        if case .disabled(let error) = answer {
          disabled = error
        } else if let auditId = auditIdByKey[item.key] {
          settlements.append((item, settlement(item, answer, auditId: auditId)))
        }
        report(item, answer, into: &outcome)
        switch answer {
        case .deleted, .gone: gone.insert(item.key)
        case .failed, .disabled: break  // not gone: what depends on it stays, next round
        }
        done += 1
        onProgress?(done, deletions.count)
        // Settled in batches: the pending entries already hold everything restore needs.
        if settlements.count >= 64 { settle(&settlements, into: &outcome) }
      }
      settle(&settlements, into: &outcome)
      if !firstAnswered {
        firstAnswered = true
        if let disabled {
          // Nothing changed anywhere: the pending entry goes, and the error is the answer.
          try? store.withdrawIntents(Array(auditIds))
          throw disabled
        }
      }
    }
    return outcome
  }

  func delete(_ item: PlannedDeletion) async -> Answer {
    do {
      try await client.deleteManifest(
        repository: item.manifest.repository, digest: item.manifest.digest)
      return .deleted
    } catch let error as RegistryError where error.isNotFound {
      return .gone
    } catch let error as RegistryError {
      if case .deletesDisabled = error { return .disabled(error) }
      return .failed(FailureReason(error))
    } catch {
      return .failed(FailureReason(error))
    }
  }

  /// The audit entry of a deletion, before it is requested.
  func auditEntry(_ item: PlannedDeletion) -> AuditEntry {
    let manifest = item.manifest
    return AuditEntry(
      registry: registry.name, repository: manifest.repository, action: .delete,
      digest: manifest.digest, tags: item.tags, mediaType: manifest.mediaType,
      manifest: manifest.raw, bytesFreed: item.bytesFreed)
  }

  func report(_ item: PlannedDeletion, _ answer: Answer, into outcome: inout DeleteOutcome) {
    switch answer {
    case .failed(let reason): outcome.failed.append(Self.item(item, reason: reason))
    case .disabled(let error): outcome.failed.append(Self.item(item, reason: FailureReason(error)))
    case .deleted: outcome.deleted.append(Self.item(item, reason: nil))
    case .gone:
      outcome.alreadyGone.append(Self.item(item, reason: .answered404))
    }
  }

  func settlement(_ item: PlannedDeletion, _ answer: Answer, auditId: Int64)
    -> MetadataStore.IntentSettlement
  {
    var settlement = MetadataStore.IntentSettlement(
      auditId: auditId, repository: item.manifest.repository, digest: item.manifest.digest,
      deleted: true, bytesFreed: item.bytesFreed, detail: nil)
    switch answer {
    case .deleted: break
    case .disabled(let error):
      settlement.deleted = false
      settlement.bytesFreed = nil
      settlement.detail = "failed: \(error)"
    case .failed(let reason):
      settlement.deleted = false
      settlement.bytesFreed = nil
      settlement.detail = "failed: \(reason)"
    case .gone:
      settlement.bytesFreed = nil
      settlement.detail =
        "the registry answered 404: already gone, or deleted by a retried request"
    }
    return settlement
  }

  /// Writes the settlements, trying again a few times: the cache may be busy with another
  /// regsh process. Entries that stay pending are reported; restore can still use them.
  func settle(
    _ settlements: inout [(PlannedDeletion, MetadataStore.IntentSettlement)],
    into outcome: inout DeleteOutcome
  ) {
    guard !settlements.isEmpty else { return }
    defer { settlements.removeAll() }
    var lastError: (any Error)?
    for _ in 0..<3 {
      do {
        try store.settleIntents(registryId: registry.id, settlements.map(\.1))
        return
      } catch {
        lastError = error
      }
    }
    for (item, settlement) in settlements where settlement.deleted {
      outcome.unrecorded.append(
        "\(item.manifest.repository)@\(item.manifest.digest) (audit entry \(settlement.auditId) left pending): \(lastError.map { "\($0)" } ?? "unknown error")"
      )
    }
  }

  static func item(_ item: PlannedDeletion, reason: FailureReason?) -> DeleteOutcome.Item {
    DeleteOutcome.Item(
      repository: item.manifest.repository, digest: item.manifest.digest, tags: item.tags,
      bytesFreed: item.bytesFreed, reason: reason)
  }
}
