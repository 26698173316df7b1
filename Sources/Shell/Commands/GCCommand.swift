import ArgumentParser
import JMESPath
import RegistryAPI

/// `gc`: frees the blobs of a local (`oci:`) registry that no manifest reaches any more.
public struct GCCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "gc",
    abstract: "Remove the blobs of a local (oci:) registry that no manifest reaches.",
    discussion: """
      Deleting a manifest leaves its config and layers behind. gc removes every
      blob that no index.json entry of its repository reaches (through index
      children, configs and layers), and reports the blobs and bytes freed per
      repository and in total. Run it while nothing is pushing to the registry.
      A remote registry collects garbage on its server (distribution:
      `registry garbage-collect`; ACR does it by itself).

      Examples:
        gc --registry myregistry --dry-run
        gc --query bytesFreed
      """)

  @OptionGroup var registry: RegistryOption

  @Flag(name: .customLong("dry-run"), help: "Report what would be removed; remove nothing.")
  var dryRun = false

  @OptionGroup public var output: OutputOptions

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry.name)
    guard let layouts = try OCILayoutRegistry(address: info.url) else {
      throw ShellError.usage(
        "gc works on local (oci:) registries; '\(info.name)' is remote, and garbage collection runs on its server (`registry garbage-collect CONFIG` for distribution, with the registry read-only)"
      )
    }
    let reports = try layouts.collectGarbage(dryRun: dryRun)
    let repositories: [JSON] = reports.map { report in
      .object([
        "repository": .string(report.repository),
        "blobsRemoved": .int(report.blobs.count),
        "bytesFreed": .int(Int(report.bytes)),
        "blobs": .array(
          report.blobs.map {
            .object(["digest": .string($0.digest.description), "size": .int(Int($0.size))])
          }),
      ])
    }
    let summary: JSON = .object([
      "registry": .string(info.name),
      "dryRun": .bool(dryRun),
      "repositories": .array(repositories),
      "blobsRemoved": .int(reports.reduce(0) { $0 + $1.blobs.count }),
      "bytesFreed": .int(Int(reports.reduce(0) { $0 + $1.bytes })),
    ])
    return CommandResult(summary, output: output)
  }
}
