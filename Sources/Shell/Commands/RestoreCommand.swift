import ArgumentParser
import Foundation
import ImageActions
import JMESPath
import MetadataCache
import RegistryAPI

/// `restore`: puts deleted manifests and removed tags back, from the audit log.
public struct RestoreCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "restore",
    abstract: "Put deleted manifests and removed tags back (from the audit log).",
    discussion: """
      Every delete and untag is recorded with the manifest's bytes. restore pushes them
      back, with their tags, while the registry still holds the blobs they reference
      (checked first; a registry frees them only at garbage collection). Blobs that are
      gone are copied from an OCI backup (--from DIR, written by export --oci or delete
      --backup), or named. A tag that meanwhile points at another image is left as it is.

      Examples:
        restore sha256:0a2e01852872580b2c2fea9380ff8d7b637d3928783c55beb3f21a6e58d5d108
        restore --last 3
        audit | [?action=='delete' && repository=='acr-helloworld'] | restore
        restore --last 1 --from ./backup
      """)

  @Argument(help: "Digests whose last delete or untag to undo.", transform: ArgumentCheck.digest)
  var digests: [Digest] = []

  @Option(
    help: "Undo the last N deletes and untags on the registry.",
    transform: ArgumentCheck.atLeastOne)
  var last: Int?

  @Option(help: "Only changes in this repository.")
  var repository: String?

  @Option(name: .customLong("from"), help: "An OCI layout directory to copy missing blobs from.")
  var backup: String?

  @OptionGroup var registry: RegistryOption

  @OptionGroup public var output: OutputOptions

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry.name)
    let selection: RestoreSelection
    if last != nil, !digests.isEmpty {
      throw ShellError.usage("restore takes digests or --last N, not both")
    }
    if let last {
      selection = .last(last)
    } else if !digests.isEmpty {
      selection = .digests(digests)
    } else if let input {
      selection = .auditEntries(try Self.auditIds(in: input))
    } else {
      throw ShellError.usage(
        "restore what? name digests, pass --last N, or pipe audit entries into it")
    }
    let workflow = RestoreWorkflow(
      context: try session.actionContext(info),
      backup: try backup.map { try LayoutBackup(directory: $0, create: false) })
    let plan = try workflow.plan(selection, repository: repository)
    // restore asks nothing: it undoes, and what it puts back can be deleted again.
    let outcome = try await workflow.run(plan) { _ in true }
    // The cache learns the restored manifests from the registry itself.
    let repositories = Set(outcome.restored.map(\.repository)).sorted()
    if !repositories.isEmpty { try await session.sync(info, repositories: repositories) }
    for item in outcome.failed {
      session.printError(
        "failed \(TerminalSafeText.escape(item.repository))@\(item.digest): \(TerminalSafeText.escape(item.note ?? ""))"
      )
    }
    return CommandResult(outcome.document, output: output, status: outcome.failed.isEmpty ? 0 : 1)
  }

  /// Audit entries (objects with `id`) or bare ids from the previous stage.
  static func auditIds(in input: JSON) throws -> [Int64] {
    let items: [JSON] = input.arrayValue ?? [input]
    return try items.enumerated().map { index, item in
      if case .int(let id) = item { return Int64(id) }
      if case .object(let object) = item, case .int(let id)? = object["id"] { return Int64(id) }
      throw ShellError.usage(
        "element \(index) of the input is not an audit entry (an object with an id); nothing was restored"
      )
    }
  }
}
