import ArgumentParser
import ImageActions
import JMESPath
import MetadataCache
import RegistryAPI

/// `az acr repository update`: ACR's locks on a repository, tag or manifest, changed with a
/// PATCH of the record (a GET when no flag is given, as az does); prints ACR's answer.
public struct AzUpdate: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "update", abstract: "Update the attributes of a repository or image.",
    discussion: """
      Examples:
        regsh az acr repository update -n myregistry --image acr-helloworld:v1 --delete-enabled false --write-enabled false
        regsh az acr repository update -n myregistry --repository acr-helloworld --delete-enabled true
      """)

  @OptionGroup var registry: AzRegistryOption
  @Option(help: "The name of the repository.") var repository: String?
  @Option(
    name: [.customLong("image"), .customShort("t")],
    help: "REPOSITORY:TAG or REPOSITORY@DIGEST (a bare REPOSITORY means REPOSITORY:latest).")
  var image: String?
  @Option(
    name: .customLong("delete-enabled"), help: "Whether it may be deleted (true or false).",
    transform: AzUpdate.flag)
  var deleteEnabled: Bool?
  @Option(
    name: .customLong("list-enabled"), help: "Whether it is listed (true or false).",
    transform: AzUpdate.flag)
  var listEnabled: Bool?
  @Option(
    name: .customLong("read-enabled"), help: "Whether it may be pulled (true or false).",
    transform: AzUpdate.flag)
  var readEnabled: Bool?
  @Option(
    name: .customLong("write-enabled"),
    help: "Whether it may be overwritten or deleted (true or false).", transform: AzUpdate.flag)
  var writeEnabled: Bool?
  @OptionGroup public var output: OutputOptions

  public init() {}

  /// az's three-state flags: `true` or `false`, any case.
  static func flag(_ text: String) throws -> Bool {
    switch text.lowercased() {
    case "true": return true
    case "false": return false
    default: throw ValidationError("expected true or false, not '\(text)'")
    }
  }

  public mutating func validate() throws {
    if (repository == nil) == (image == nil) {
      throw ValidationError("usage error: --image IMAGE | --repository REPOSITORY")
    }
  }

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry.name)
    let target = try AzImage(repository: repository, image: image)
    let client = try session.client(for: info)
    guard client.isACR else {
      throw ShellError.failed(
        "\(info.name) is not an Azure Container Registry: only ACR keeps the attributes `update` changes (add it with --flavor acr if it is one)"
      )
    }
    let attributes = ACRChangeableAttributes(
      deleteEnabled: deleteEnabled, writeEnabled: writeEnabled, readEnabled: readEnabled,
      listEnabled: listEnabled)
    let changes = attributes != ACRChangeableAttributes()
    let record =
      changes
      ? try await target.acrUpdate(
        AttributeUpdateWorkflow(context: try session.actionContext(info)), attributes)
      : try await target.acrRecord(client)
    // The locks decide what a later delete skips: the cache learns them now.
    if changes { try await session.refresh(info, repository: target.repository) }
    return CommandResult(record, output: output)
  }
}
