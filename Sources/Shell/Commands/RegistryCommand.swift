import ArgumentParser
import JMESPath
import MetadataCache

/// `registry add | list | remove`: the registries regsh knows by name. A group, so each
/// subcommand has its own flags, help and completion, and its arguments are checked as the
/// command line is parsed.
public struct RegistryCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "registry",
    abstract: "Add, list or remove the registries regsh knows by name.",
    discussion: """
      Examples:
        registry add myregistry localhost:5000
        registry add prod myregistry.azurecr.io
        registry add local oci:./my-registry      (a directory of OCI image layouts)
        registry list
        registry remove prod
      """,
    subcommands: [RegistryAdd.self, RegistryList.self, RegistryRemove.self])

  public init() {}
}

/// `registry add NAME URL`: checks the URL now (a bad one, or plain HTTP without
/// `--insecure`, is an error), not at the first sync.
public struct RegistryAdd: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "add", abstract: "Add a registry under a name (or change the one of that name).",
    discussion: """
      URL is a login server host[:port], an http(s) URL, or oci:DIR for a local
      registry (a directory of OCI image layouts, kept as its absolute path).

      Examples:
        registry add myregistry localhost:5000
        registry add prod myregistry.azurecr.io --flavor acr
        registry add local oci:./my-registry
      """)

  /// How regsh talks to a registry; `automatic` tells ACR by its host name.
  enum Flavor: String, ExpressibleByArgument, CaseIterable {
    case automatic, acr, distribution
  }

  @Argument(
    help: "The name to use with -n/--name and `use`.", transform: ArgumentCheck.registryName)
  var name: String

  @Argument(help: "A login server host[:port], an http(s):// URL, or oci:DIR.")
  var url: String

  @Flag(help: "Allow plain HTTP to a registry that is not on a loopback address.")
  var insecure = false

  @Option(help: "automatic (the default: ACR by host name), acr or distribution.")
  var flavor: Flavor = .automatic

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    var info = NewRegistry(name: name, url: url, insecure: insecure, flavor: flavor.rawValue)
    // Rejects a bad URL or plain HTTP now, not at the first sync; before the cache is opened.
    let client = try session.newClient(for: info, concurrency: 8)
    // A local registry is kept by its absolute directory, so it works from anywhere.
    if client.localLayouts != nil { info.url = client.server }
    try session.store().addRegistry(info)
    return .nothing
  }
}

/// `registry list`: `[{name, url, flavor}]`.
public struct RegistryList: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List the registries regsh knows: [{name, url, flavor}].",
    discussion: "Examples:\n  registry list\n  registry list -o table")

  @OptionGroup public var output: OutputOptions

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let list = try session.store().registries().map { info -> JSON in
      .object([
        "name": .string(info.name), "url": .string(info.url), "flavor": .string(info.flavor),
      ])
    }
    return CommandResult(.array(list), output: output)
  }
}

/// `registry remove NAME`: forgets the registry and what the cache holds of it; the audit
/// log keeps its entries.
public struct RegistryRemove: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "remove",
    abstract: "Forget a registry with its cached repositories, manifests and protection rules.",
    discussion: "Example:\n  registry remove prod")

  @Argument(
    help: "The registry's name (see `registry list`).", transform: ArgumentCheck.registryName)
  var name: String

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    guard try session.store().removeRegistry(named: name) else {
      throw CacheError.unknownRegistry(name)
    }
    return .nothing
  }
}

/// `use REGISTRY`: the registry later commands address.
public struct UseCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "use", abstract: "Choose the registry that later commands address.",
    discussion: "Example:\n  use myregistry")

  @Argument(
    help: "A registry name (see `registry list`) or a login server.",
    transform: ArgumentCheck.registryName)
  var registry: String

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry)
    session.currentRegistry = info.name
    return .nothing
  }
}
