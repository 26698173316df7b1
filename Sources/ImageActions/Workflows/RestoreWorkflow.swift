import MetadataCache
import RegistryAPI

/// Which recorded changes a restore undoes.
public enum RestoreSelection: Sendable, Hashable {
  /// The last delete or untag of each digest.
  case digests([Digest])
  /// The last N deletes and untags.
  case last(Int)
  /// These audit entries (as `audit | … | restore` hands them on).
  case auditEntries([Int64])
}

/// The changes a restore would undo, newest first.
public struct RestorePlan: Sendable {
  public var registry: String
  public var entries: [AuditEntry]
}

/// Putting deleted manifests and removed tags back, the one way it is done: plan from the
/// audit log → the caller confirms → execute, where each entry is checked against the
/// registry right before it is pushed (its blobs and children must be there, or come from
/// the backup; a tag that points elsewhere now is left alone) → outcome.
public struct RestoreWorkflow: Sendable {
  public let context: ActionContext
  /// Where content the registry no longer holds is copied from.
  public let backup: LayoutBackup?

  public init(context: ActionContext, backup: LayoutBackup? = nil) {
    self.context = context
    self.backup = backup
  }

  /// The entries to undo. Refuses entries of another registry (never pushed into this one)
  /// and a digest with no recorded change; leaves out restores (not undone by restore)
  /// and changes that failed (they changed nothing).
  public func plan(_ selection: RestoreSelection, repository: String? = nil) throws
    -> RestorePlan
  {
    let store = context.store
    let name = context.registry.name
    var entries: [AuditEntry]
    switch selection {
    case .last(let count):
      entries = try store.lastChanges(registry: name, repository: repository, count: count)
    case .digests(let digests):
      entries = try digests.map { digest in
        guard
          let entry = try store.lastChange(registry: name, repository: repository, digest: digest)
        else {
          throw ActionError.nothingToDo(
            "no delete or untag of \(digest) on '\(name)' in the audit log (see `audit`)")
        }
        return entry
      }
    case .auditEntries(let ids):
      entries = try store.auditEntries(ids: ids)
    }
    let foreign = entries.filter { $0.registry != name }
    guard foreign.isEmpty else {
      let ids = foreign.map { "\($0.id.map(String.init) ?? "?") (\($0.registry))" }
      throw ActionError.cannotRestore(
        "audit entries \(ids.joined(separator: ", ")) belong to another registry than '\(name)'; nothing was restored (use --registry, or audit --registry to list one registry's changes)"
      )
    }
    if let repository { entries = entries.filter { $0.repository == repository } }
    entries = entries.filter { $0.action != .restore && $0.state != .failed }
    guard !entries.isEmpty else { throw ActionError.nothingToDo("nothing to restore") }
    return RestorePlan(
      registry: name, entries: entries.sorted { ($0.id ?? 0) > ($1.id ?? 0) })
  }

  /// Asks `confirm` about the plan, then restores newest first.
  public func run(_ plan: RestorePlan, confirm: Confirmation<RestorePlan>) async throws
    -> RestoreOutcome
  {
    guard try await confirm(plan) else { throw ActionError.cancelled }
    // A restore pushes manifests back: it must not run beside another client's delete of them.
    let lease = try await context.leaseForRun()
    defer { withExtendedLifetime(lease) {} }
    let restorer = Restorer(
      store: context.store, registry: context.registry, client: context.client,
      backup: backup?.client)
    return await restorer.restore(plan.entries)
  }
}
