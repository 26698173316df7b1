import Foundation
import MetadataCache
import RegistryAPI

extension Session {
  /// Settles the deletes that a killed regsh (this machine's or another's, sharing the
  /// store) left pending, by asking the registry whether each manifest is still there.
  /// Called holding the registry's action lock, so no other client is mid-delete.
  /// Returns how many were settled.
  @discardableResult
  func settlePendingDeletes(_ registry: RegistryInfo) async throws -> Int {
    let store = try store()
    let pending = try store.pendingDeletes(registry: registry.name)
    guard !pending.isEmpty else { return 0 }
    let client = try client(for: registry)
    var settled = 0
    for entry in pending {
      guard let digest = entry.digest else { continue }
      let head = try await client.headManifest(
        repository: entry.repository, reference: digest.description)
      try store.settlePending(registryId: registry.id, entry, deleted: head == nil)
      settled += 1
    }
    printError(
      "settled \(settled) delete\(settled == 1 ? "" : "s") a stopped regsh left pending on '\(registry.name)'"
    )
    return settled
  }
}
