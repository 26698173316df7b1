import Foundation
import MetadataCache
import RegistryAPI

/// The right to change one registry: the store's action lock for it, taken with what a
/// stopped regsh left pending already settled.
///
/// Every workflow that changes a registry runs holding one, so two clients of a store
/// (processes on this machine, or machines sharing a PostgreSQL store) never delete the same
/// digest, and none acts on a store that still believes a killed delete is in flight. A
/// caller that plans (delete, purge, policy apply) takes the lease before planning, through
/// `ActionContext.leased(wait:)`, so a second client plans from what the first left; a
/// workflow run on a context without one takes it for the length of its run.
public final class ActionLease: Sendable {
  private let lock: any ActionLock
  /// How many pending deletes were settled when the lease was taken.
  public let settledDeletes: Int

  init(lock: any ActionLock, settledDeletes: Int) {
    self.lock = lock
    self.settledDeletes = settledDeletes
  }

  deinit { lock.release() }
}

extension ActionContext {
  /// This context holding the registry's lease: the action lock (waiting for another
  /// client's action to end when `wait`, else `ActionLockBusy` at once), then the pending
  /// deletes settled. Keep the returned context for as long as the action runs; the lock
  /// is released when the last copy is gone.
  public func leased(wait: Bool) async throws -> ActionContext {
    if lease != nil { return self }
    var context = self
    context.lease = try await takeLease(wait: wait)
    return context
  }

  /// The lease a workflow's run holds: the caller's, or one taken for this run (waiting
  /// its turn, as a delete always has).
  func leaseForRun() async throws -> ActionLease {
    if let lease { return lease }
    return try await takeLease(wait: true)
  }

  private func takeLease(wait: Bool) async throws -> ActionLease {
    let lock = try await actionLock(wait: wait)
    // Held from here: if settling fails, the lock is released with `lock`.
    let settled = try await settlePendingDeletes()
    return ActionLease(lock: lock, settledDeletes: settled)
  }

  /// The store's action lock. A wait for another client blocks in the kernel (`flock`) or
  /// on a database connection, so it happens on a thread of its own: blocking one of the
  /// few cooperative threads could starve the very task that holds the lock in this process.
  private func actionLock(wait: Bool) async throws -> any ActionLock {
    let store = self.store
    let name = registry.name
    do {
      return try store.actionLock(registry: name, wait: false)
    } catch is ActionLockBusy where wait {
      return try await withCheckedThrowingContinuation { continuation in
        Thread {
          continuation.resume(with: Result { try store.actionLock(registry: name, wait: true) })
        }.start()
      }
    }
  }

  /// Settles the deletes a killed regsh (this machine's or another's, sharing the store)
  /// left pending: logged before the request went out, never answered. The registry says
  /// how each ended: a manifest still there was not deleted. Runs under the action lock,
  /// so no other client is mid-delete and no entry is settled while its delete is in
  /// flight.
  private func settlePendingDeletes() async throws -> Int {
    let pending = try store.pendingDeletes(registry: registry.name)
    var settled = 0
    for entry in pending {
      guard let digest = entry.digest else { continue }
      let head = try await client.headManifest(
        repository: entry.repository, reference: digest.description)
      try store.settlePending(registryId: registry.id, entry, deleted: head == nil)
      settled += 1
    }
    if settled > 0 {
      notice?(
        "settled \(settled) delete\(settled == 1 ? "" : "s") a stopped regsh left pending on '\(registry.name)'"
      )
    }
    return settled
  }
}
