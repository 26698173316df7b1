import ArgumentParser
import JMESPath
import MetadataCache

/// `registry add | list | remove`: the registries regsh knows by name.
public struct RegistryCommand: SessionCommand {
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
      """)

  @Argument(help: "add, list or remove.")
  var action: String

  @Argument(
    help:
      "add: NAME URL (a login server host[:port], an http(s) URL, or oci:DIR for a local registry); remove: NAME."
  )
  var values: [String] = []

  @Flag(help: "Allow plain HTTP to a registry that is not on a loopback address.")
  var insecure = false

  @Option(help: "automatic (the default: ACR by host name), acr or distribution.")
  var flavor = "automatic"

  @OptionGroup public var output: OutputOptions

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let store = try session.store()
    switch action {
    case "add":
      guard values.count == 2 else { throw ShellError.usage("usage: registry add NAME URL") }
      guard ["automatic", "acr", "distribution"].contains(flavor) else {
        throw ShellError.usage("--flavor must be automatic, acr or distribution")
      }
      var info = RegistryInfo(name: values[0], url: values[1], insecure: insecure, flavor: flavor)
      // Rejects a bad URL or plain HTTP now, not at the first sync.
      let client = try session.client(for: info)
      // A local registry is kept by its absolute directory, so it works from anywhere.
      if client.localLayouts != nil { info.url = client.server }
      try store.addRegistry(info)
      return .nothing
    case "list":
      let list = try store.registries().map { info -> JSON in
        .object([
          "name": .string(info.name), "url": .string(info.url), "flavor": .string(info.flavor),
        ])
      }
      return CommandResult(.array(list), output: output)
    case "remove":
      guard values.count == 1 else { throw ShellError.usage("usage: registry remove NAME") }
      guard try store.removeRegistry(named: values[0]) else {
        throw CacheError.unknownRegistry(values[0])
      }
      return .nothing
    default:
      throw ShellError.usage("registry: unknown action '\(action)'; use add, list or remove")
    }
  }
}

/// `use REGISTRY`: the registry later commands address.
public struct UseCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "use", abstract: "Choose the registry that later commands address.",
    discussion: "Example:\n  use myregistry")

  @Argument(help: "A registry name (see `registry list`) or a login server.")
  var registry: String

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry)
    session.currentRegistry = info.name
    return .nothing
  }
}
