import Foundation
import JMESPath
import MetadataCache
import RegistryAPI

/// The state one regsh process works with: where its files are, the cache, the registry
/// chosen with `use`, and the last result (what a bare expression queries, also `_`).
public final class Session {
  public let location: CacheLocation
  public let environment: [String: String]
  /// The registry that commands without `--name`/`--registry` address.
  public var currentRegistry: String?
  public var lastResult: JSON?
  /// The repository the last single-repository listing read (`manifests REPO`, `tags REPO`,
  /// az's `show-manifests`): what a bare digest or tag handed to an action belongs to.
  public var contextRepository: String?
  /// A one-shot run (`-c`, a command from the command line) never frees the large
  /// documents it queried: exit hands their memory back at once, which is much faster.
  public var keepsIntermediateResults = false
  /// The JMESPath edition queries are read in (`set dialect`); REGSH_DIALECT sets the start.
  public var dialect: Dialect
  /// Whether standard error is a terminal (progress bars) and standard output (colour).
  public let stderrIsTerminal: Bool
  public let stdoutIsTerminal: Bool

  private var openedStore: MetadataStore?
  /// One client per registry (and concurrency) for the whole session: the REPL and a `-c`
  /// line reuse its connections and bearer tokens across commands.
  var registryClients: [RegistryClientKey: RegistryClient] = [:]

  public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    self.environment = environment
    location = CacheLocation(environment: environment)
    stderrIsTerminal = isatty(STDERR_FILENO) == 1
    stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
    currentRegistry = environment["REGSH_REGISTRY"]
    dialect = environment["REGSH_DIALECT"].flatMap(Dialect.init(rawValue:)) ?? .default
  }

  /// The cache, opened on first use (a command that needs none never touches the file).
  public func store() throws -> MetadataStore {
    if let openedStore { return openedStore }
    let store = try MetadataStore(location: location)
    openedStore = store
    return store
  }

  public func print(_ text: String) {
    ByteIO.write(text.hasSuffix("\n") || text.isEmpty ? text : text + "\n")
  }

  /// Writes a message to stderr. Messages quote registries (names, tags, error bodies), so
  /// every control character but the message's own line breaks and tabs is escaped here,
  /// whichever command built the text (safety rule 5).
  public func printError(_ text: String) {
    let text = TerminalText.escapeMessage(text)
    ByteIO.write(text.hasSuffix("\n") ? text : text + "\n", to: ByteIO.standardError)
  }
}
