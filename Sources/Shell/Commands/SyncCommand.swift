import ArgumentParser
import JMESPath
import RegistryAPI

/// `sync`: brings the cache up to date with the registry.
public struct SyncCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "sync",
    abstract: "Bring the cache up to date with the registry (incrementally).",
    discussion: """
      Lists the catalog (or the repositories named), then each repository's tags, HEADs each
      tag and fetches only manifests whose digest is new. Untagged manifests stay listed
      until the registry answers 404 for them.

      Examples:
        sync --registry myregistry
        sync acr-helloworld marketing/campaign10-18/web
      """)

  @Argument(help: "Repositories to sync; all of the catalog when none are named.")
  var repositories: [String] = []

  @OptionGroup var registry: RegistryOption

  @Option(help: "How many requests run at once.", transform: ArgumentCheck.atLeastOne)
  var concurrency = 8

  @OptionGroup public var output: OutputOptions

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry.name)
    let report = try await session.sync(
      info, repositories: repositories.isEmpty ? nil : repositories,
      concurrency: concurrency)
    for failure in report.failed {
      session.printError(
        "error: sync of \(TerminalText.escape(failure.repository)) on \(info.name) failed: \(TerminalText.escape(failure.reason))"
      )
    }
    let summary: JSON = .object([
      "registry": .string(info.name),
      "repositories": .int(report.repositories.count),
      "failed": .array(
        report.failed.map {
          .object(["repository": .string($0.repository), "reason": .string($0.reason)])
        }),
      "manifestsFetched": .int(report.manifestsFetched),
      "headRequests": .int(report.headRequests),
      "manifestsGone": .int(report.manifestsGone),
      // Left out of repositories that otherwise synced; each was reported on stderr.
      "skipped": .array(
        report.skipped.map { skipped in
          .object([
            "repository": .string(skipped.repository),
            "tag": skipped.tag.map(JSON.string) ?? .null,
            "digest": skipped.digest.map(JSON.string) ?? .null,
            "reason": .string(skipped.reason),
          ])
        }),
    ])
    return CommandResult(summary, output: output, status: report.failed.isEmpty ? 0 : 1)
  }
}
