import ArgumentParser
import JMESPath

/// `bench populate`: a synthetic registry in the cache, for benchmarks only.
public struct BenchCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "bench", abstract: "Fill the cache with a synthetic registry for benchmarks.",
    discussion: "Example:\n  bench populate --manifests 1000000 --repositories 1000")

  @Argument(help: "populate")
  var action: String

  @Option(help: "How many manifests.")
  var manifests = 10_000

  @Option(help: "Across how many repositories.")
  var repositories = 100

  @Option(help: "The registry name it is stored under.")
  var registry = "bench"

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    guard action == "populate" else { throw ShellError.usage("bench: the only action is populate") }
    guard manifests >= 0, repositories > 0 else {
      throw ShellError.usage("--manifests must be 0 or more and --repositories at least 1")
    }
    try session.store().populateBenchmark(
      registryName: registry, manifests: manifests, repositories: repositories)
    return .nothing
  }
}
