import Foundation
import ImageActions
import JMESPath
import MetadataCache
import RegistryAPI

/// What the action commands (delete, untag, restore and their az forms) share: where their
/// targets come from, how a plan is shown, and their progress bar.
extension Session {
  /// The targets named on the command line, else those the previous stage produced.
  /// A bare digest or tag belongs to `repository`, else to the repository the last listing
  /// read.
  func actionTargets(
    arguments: [String], input: JSON?, repository: String?, preferTags: Bool = false,
    verb: String
  ) throws -> [ActionTarget] {
    let source: JSON
    if !arguments.isEmpty {
      source = .array(arguments.map(JSON.string))
    } else if let input {
      source = input
    } else {
      throw ShellError.usage(
        "nothing to \(verb): name the targets, or use \(verb) as a pipeline stage (manifests REPO | [?tags==null].digest | \(verb))"
      )
    }
    return try ActionTarget.targets(
      from: source, repository: repository ?? contextRepository, preferTags: preferTags)
  }

  /// The cache must know a repository before a plan can be made from it.
  func prepareCache(_ registry: RegistryInfo, for targets: [ActionTarget]) async throws {
    for repository in Set(targets.map(\.repository)).sorted() {
      try await syncIfNeverSynced(registry, repository: repository)
    }
  }

  /// The plan as a person reads it before answering y/n (standard error; registry text escaped).
  func describe(_ plan: DeletePlan, limit: Int = 20) -> String {
    let safe = TerminalSafeText.escape
    var lines = [
      "Plan for \(safe(plan.registry)): delete \(plan.deletions.count) manifest\(plan.deletions.count == 1 ? "" : "s") (\(plan.tagCount) tag\(plan.tagCount == 1 ? "" : "s")), freeing \(ByteCount.format(plan.bytesFreed))"
    ]
    for item in plan.deletions.prefix(limit) {
      let tags =
        item.tags.isEmpty ? "untagged" : "tags: " + item.tags.map(safe).joined(separator: ", ")
      lines.append(
        "  \(safe(item.manifest.repository))@\(item.manifest.digest)  \(tags)  frees \(ByteCount.format(item.bytesFreed))"
      )
    }
    if plan.deletions.count > limit { lines.append("  … and \(plan.deletions.count - limit) more") }
    lines += describe(skipped: plan.skipped)
    lines.append(
      "Layers and configs shared with manifests that stay are not counted (\(plan.sharedBlobs) kept)."
    )
    return lines.joined(separator: "\n") + "\n"
  }

  func describe(skipped: [SkippedTarget]) -> [String] {
    guard !skipped.isEmpty else { return [] }
    let safe = TerminalSafeText.escape
    return ["Skipped \(skipped.count):"]
      + skipped.map { "  \(safe($0.reference)): \(safe($0.reason.description))" }
  }

  /// A progress bar for one step of an action on a terminal; nil (nothing drawn) otherwise.
  func actionProgress(_ verb: String) -> (@Sendable (Int, Int) -> Void)? {
    guard stderrIsTerminal else { return nil }
    let started = Date()
    return { done, total in
      ProgressBar.show(verb: verb, done: done, total: total, startedAt: started)
      if done == total { ProgressBar.finish() }
    }
  }

  /// What a workflow acts with in this session: the cache, this session's client for the
  /// registry, progress bars on a terminal (a bar per step, each timed from its start), and
  /// its notices on stderr.
  func actionContext(_ registry: RegistryInfo, concurrency: Int = 8) throws -> ActionContext {
    var progress: (@Sendable (String, Int, Int) -> Void)?
    if stderrIsTerminal {
      let bars = StepTimes()
      progress = { step, done, total in
        ProgressBar.show(verb: step, done: done, total: total, startedAt: bars.start(of: step))
        if done == total { ProgressBar.finish() }
      }
    }
    return ActionContext(
      store: try store(), registry: registry,
      client: try client(for: registry, concurrency: concurrency), progress: progress,
      notice: { text in
        ByteIO.write(TerminalText.escapeMessage(text) + "\n", to: ByteIO.standardError)
      })
  }

  /// A delete's outcome as one summary line, then a line per item that did not go as
  /// planned (registry text escaped).
  func summary(_ outcome: DeleteOutcome) -> String {
    let safe = TerminalSafeText.escape
    var parts = ["deleted \(outcome.deleted.count)"]
    if !outcome.alreadyGone.isEmpty { parts.append("already gone \(outcome.alreadyGone.count)") }
    parts.append("skipped \(outcome.skipped.count)")
    parts.append("failed \(outcome.failed.count)")
    var text = parts.joined(separator: ", ") + "; freed \(ByteCount.format(outcome.bytesFreed))"
    for line in outcome.unrecorded {
      text += "\n  DELETED, AUDIT ENTRY LEFT PENDING (restore can still use it): \(safe(line))"
    }
    for item in outcome.failed {
      text +=
        "\n  failed \(safe(item.repository))@\(item.digest): \(safe(item.reason?.description ?? ""))"
    }
    for item in outcome.skipped {
      text += "\n  skipped \(safe(item.reference)): \(safe(item.reason.description))"
    }
    return text
  }
}

/// When each step of an action started, for its progress bar's rate.
private final class StepTimes: @unchecked Sendable {
  private let lock = NSLock()
  private var started: [String: Date] = [:]

  func start(of step: String) -> Date {
    lock.withLock {
      if let date = started[step] { return date }
      let now = Date()
      started[step] = now
      return now
    }
  }
}
