import Foundation
import MetadataCache
import RegistryAPI

extension Session {
  /// The registry a command addresses: `name` (a name from `registry add`, or a login
  /// server `host[:port]`, which is added under its own name on first use), else the one
  /// chosen with `use`.
  public func resolveRegistry(_ name: String?) throws -> RegistryInfo {
    guard let name = name ?? currentRegistry else {
      throw ShellError.usage(
        "no registry chosen: pass --name REGISTRY, or run `use REGISTRY` (see `registry list`)")
    }
    let store = try store()
    if let known = try store.registry(named: name) { return known }
    // A login server: anything with a dot, a colon or "localhost" is a host, not a name.
    guard name.contains(".") || name.contains(":") || name == "localhost" else {
      throw CacheError.unknownRegistry(name)
    }
    // `oci:DIR` is kept by its absolute directory, as `registry add` keeps it.
    let url = try OCILayoutRegistry(address: name)?.address ?? name
    return try store.addRegistry(NewRegistry(name: name, url: url))
  }

  /// A client for the registry, with credentials from docker's config, `regsh login` or
  /// the environment.
  public func client(for registry: RegistryInfo, concurrency: Int = 8) throws -> RegistryClient {
    let key = RegistryClientKey(
      url: registry.url, insecure: registry.insecure, flavor: registry.flavor,
      concurrency: concurrency)
    if let known = registryClients[key] { return known }
    let client = try newClient(for: registry.address, concurrency: concurrency)
    registryClients[key] = client
    return client
  }

  /// A client of its own for a registry (stored or about to be added).
  func newClient(for registry: NewRegistry, concurrency: Int) throws -> RegistryClient {
    guard registry.url != "bench.invalid" else {
      throw ShellError.usage(
        "'\(registry.name)' is a synthetic benchmark registry; it has no server to sync")
    }
    var options = try baseRegistryOptions()
    options.insecure = registry.insecure
    options.maxConcurrency = concurrency
    switch registry.flavor {
    case "acr": options.flavor = .acr
    case "distribution": options.flavor = .distribution
    default: options.flavor = .automatic
    }
    return try RegistryClient(server: registry.url, options: options)
  }

  /// Syncs `repositories` (all when nil) of a registry, with a progress bar on a terminal.
  @discardableResult
  public func sync(_ registry: RegistryInfo, repositories: [String]?, concurrency: Int = 8)
    async throws -> SyncReport
  {
    var synchronizer = Synchronizer(
      store: try store(), registry: registry,
      client: try client(for: registry, concurrency: concurrency),
      concurrency: concurrency)
    if stderrIsTerminal {
      synchronizer.onProgress = { progress in ProgressBar.show(progress) }
    }
    let report = try await synchronizer.sync(repositories: repositories)
    if stderrIsTerminal { ProgressBar.finish() }
    for skipped in report.skipped { printError(Self.describe(skipped, on: registry.name)) }
    return report
  }

  /// Syncs a repository the first time a native command reads it.
  func syncIfNeverSynced(_ registry: RegistryInfo, repository: String) async throws {
    guard try !store().hasSynced(registryId: registry.id, repository: repository) else { return }
    let report = try await sync(registry, repositories: [repository])
    if let failure = report.failed.first {
      throw ShellError.failed(
        "sync of \(TerminalText.escape(failure.repository)) on \(registry.name) failed: \(failure.reason)"
      )
    }
  }

  /// One line for a tag sync left out: repository, tag, digest and why, each escaped.
  static func describe(_ skipped: SkippedTag, on registry: String) -> String {
    let what =
      skipped.tag.map { "tag \"\(TerminalText.escape($0))\"" } ?? "index child"
    let digest = skipped.digest.map { " (\(TerminalText.escape($0)))" } ?? ""
    return
      "warning: skipped \(what) of \(TerminalText.escape(skipped.repository)) on \(registry)\(digest): \(TerminalText.escape(skipped.reason))"
  }
}

/// What makes two clients interchangeable: the same registry, reached the same way.
struct RegistryClientKey: Hashable {
  var url: String
  var insecure: Bool
  var flavor: String
  var concurrency: Int
}
