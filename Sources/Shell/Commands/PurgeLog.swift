import Cleanup
import Foundation
import ImageActions
import JMESPath

/// A purge's events as acr prints them (standard output, registry text escaped), and as
/// the outcome document `-o json` prints instead.
final class PurgeLog: @unchecked Sendable {
  let host: String
  let dryRun: Bool
  let printing: Bool
  private let lock = NSLock()
  private var deletedTags: [JSON] = []
  private var deletedManifests: [JSON] = []
  private var alreadyGone: [JSON] = []
  private var failures: [JSON] = []
  private var notAllowed: [JSON] = []
  private(set) var skipped: [SkippedTarget] = []

  init(host: String, dryRun: Bool, printing: Bool) {
    self.host = host
    self.dryRun = dryRun
    self.printing = printing
  }

  @Sendable func record(_ event: PurgeEvent) {
    lock.lock()
    defer { lock.unlock() }
    let safe = TerminalSafeText.escape
    switch event {
    case .repositoryNotFound(let repository):
      say("\(safe(repository)) repository not found")
    case .tagsStarting(let repository):
      say(
        (dryRun ? "Would delete tags for repository: " : "Deleting tags for repository: ")
          + safe(repository))
    case .manifestsStarting(let repository):
      say(
        (dryRun ? "Would delete manifests for repository: " : "Deleting manifests for repository: ")
          + safe(repository))
    case .tagDeleted(let repository, let tag):
      say((dryRun ? "Would delete: " : "Deleted ") + safe("\(host)/\(repository):\(tag)"))
      // The outcome document is printed instead of the lines, never with them.
      if !printing {
        deletedTags.append(.object(["repository": .string(repository), "tag": .string(tag)]))
      }
    case .manifestDeleted(let repository, let digest):
      say((dryRun ? "Would delete: " : "Deleted ") + safe("\(host)/\(repository)@\(digest)"))
      if !printing {
        deletedManifests.append(
          .object(["repository": .string(repository), "digest": .string(digest)]))
      }
    case .tagAlreadyGone(let repository, let tag):
      say("Skipped \(safe("\(host)/\(repository):\(tag)")), HTTP status: 404")
      alreadyGone.append(.string("\(repository):\(tag)"))
    case .manifestAlreadyGone(let repository, let digest):
      say("Skipped \(safe("\(host)/\(repository)@\(digest)")), HTTP status: 404")
      alreadyGone.append(.string("\(repository)@\(digest)"))
    case .unlocked(let reference):
      say("Unlocked \(safe("\(host)/\(reference)"))")
    case .unlockFailed(let reference, let reason):
      say(
        "Warning: Failed to unlock \(safe("\(host)/\(reference)")), error: \(safe(reason)). Will attempt deletion anyway."
      )
    case .locked(let reference):
      say("Skipped \(safe("\(host)/\(reference)")), operation not allowed, HTTP status: 405")
      notAllowed.append(.string(reference))
    case .skipped(let item):
      skipped.append(item)
    case .failed(let reference, let reason):
      say("Failed to delete \(safe("\(host)/\(reference)")), error: \(safe(reason))")
      failures.append(.object(["reference": .string(reference), "reason": .string(reason)]))
    }
  }

  /// A dry run's lines are gathered and written in large pieces (a million-tag dry run is a
  /// million lines); a real run writes each line as it happens, so a log shows how far a
  /// killed run got.
  private var pending: [UInt8] = []

  private func say(_ line: String) {
    guard printing else { return }
    guard dryRun else {
      ByteIO.write(line + "\n")
      return
    }
    pending.append(contentsOf: line.utf8)
    pending.append(UInt8(ascii: "\n"))
    if pending.count >= 1 << 16 { flushLocked() }
  }

  private func flushLocked() {
    guard !pending.isEmpty else { return }
    ByteIO.write(pending)
    pending.removeAll(keepingCapacity: true)
  }

  /// Writes what a dry run has gathered; before anything else is printed.
  func flush() {
    lock.lock()
    defer { lock.unlock() }
    flushLocked()
  }

  func outcomeDocument(registry: String, counts: PurgeRunner.Counts) -> JSON {
    lock.lock()
    defer { lock.unlock() }
    return .object([
      "registry": .string(registry),
      "deletedTags": .array(deletedTags), "deletedManifests": .array(deletedManifests),
      "alreadyGone": .array(alreadyGone), "skipped": .array(skipped.map(\.document)),
      "failed": .array(failures), "locked": .array(notAllowed),
      "numberOfDeletedTags": .int(counts.tags), "numberOfDeletedManifests": .int(counts.manifests),
    ])
  }
}
