import ArgumentParser
import JMESPath

/// `bench …`: tools for the benchmarks (docs/performance.md). A group, so `populate` has its
/// own flags, help and completion.
public struct BenchCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "bench", abstract: "Fill the cache with a synthetic registry for benchmarks.",
    discussion: "Example:\n  bench populate --manifests 1000000 --repositories 1000",
    subcommands: [BenchPopulate.self])

  public init() {}
}

/// `bench populate`: a synthetic registry in the cache, with no server behind it.
public struct BenchPopulate: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "populate",
    abstract: "Store a synthetic registry of N manifests in the cache (no server).",
    discussion: "Example:\n  bench populate --manifests 1000000 --repositories 1000")

  @Option(help: "How many manifests.", transform: ArgumentCheck.nonNegative)
  var manifests = 10_000

  @Option(help: "Across how many repositories.", transform: ArgumentCheck.atLeastOne)
  var repositories = 100

  @Option(help: "The registry name it is stored under.", transform: ArgumentCheck.registryName)
  var registry = "bench"

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    try session.store().populateBenchmark(
      registryName: registry, manifests: manifests, repositories: repositories)
    return .nothing
  }
}
