import ArgumentParser
import JMESPath
import MetadataCache
import RegistryAPI

/// `az acr repository …`: the documented Azure CLI commands, flags and output, so an az
/// script runs with `az` replaced by `regsh az`.
public struct AzCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "az", abstract: "Azure CLI compatible commands (az acr repository …).",
    subcommands: [AcrCommand.self])
  public init() {}
}

public struct AcrCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "acr", abstract: "Manage container registries.",
    subcommands: [AcrRepositoryCommand.self])
  public init() {}
}

public struct AcrRepositoryCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "repository", abstract: "Manage repositories (image names) of a registry.",
    subcommands: [
      AzRepositoryList.self, AzShowTags.self, AzShowManifests.self, AzShow.self, AzDelete.self,
      AzUntag.self, AzUpdate.self,
    ])
  public init() {}
}

/// `--name/-n` and `--repository`, as az spells them.
struct AzRegistryOption: ParsableArguments {
  @Option(
    name: [.customLong("name"), .customShort("n")], help: "The registry name or login server.",
    transform: ArgumentCheck.registryName)
  var name: String?
}

/// The flags of az's per-repository listings (`show-tags`, `show-manifests`), and how
/// they read: the repository is synced first, so the listing shows the registry as it is now.
struct AzRepositoryListing: ParsableArguments {
  @OptionGroup var registry: AzRegistryOption
  @Option(help: "The name of the repository.") var repository: String
  @OptionGroup var listing: ListingOptions
  @OptionGroup var output: OutputOptions

  /// On ACR, `live` shapes the records ACR serves (az's transformation); elsewhere `cached`
  /// reads the cache's documents.
  func read(
    in session: Session, manifests: Bool, live: ([JSON]) -> JSON,
    cached: (MetadataStore, Int64, String, DocumentOptions) throws -> JSON
  ) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry.name)
    try await session.refresh(info, repository: repository)
    session.contextRepository = repository
    let options = try listing.documentOptions()
    let client = try session.client(for: info)
    if client.isACR {
      let records = try await AzRecords.listing(
        client, repository: repository, manifests: manifests, options: options)
      return CommandResult(live(records), output: output)
    }
    // The cache answers `--query` where it can (issue 15), as for `manifests REPO` and
    // `tags REPO`.
    if manifests, !options.detail {
      return try session.manifestListing(
        registryId: info.id, repository: repository, options: options, output: output)
    }
    if !manifests {
      return try session.tagListing(
        registryId: info.id, repository: repository, options: options, output: output)
    }
    let value = try cached(try session.store(), info.id, repository, options)
    return CommandResult(value, output: output)
  }
}

/// `az acr repository list`: the repository names, read live from the registry.
public struct AzRepositoryList: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List repositories in a registry.",
    discussion: "Example:\n  regsh az acr repository list --name myregistry -o tsv")

  @OptionGroup var registry: AzRegistryOption
  @Option(help: "Limit the number of items in the results.", transform: ArgumentCheck.nonNegative)
  var top: Int?
  @OptionGroup public var output: OutputOptions

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry.name)
    let client = try session.client(for: info)
    var names = client.isACR ? try await client.acrCatalog() : try await client.catalog()
    names.sort()
    if let top { names = Array(names.prefix(top)) }
    return CommandResult(.array(names.map { .string($0) }), output: output)
  }
}

/// `az acr repository show-tags`: refreshes the repository, then lists its tags.
public struct AzShowTags: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "show-tags", abstract: "Show tags for a repository.",
    discussion:
      "Example:\n  regsh az acr repository show-tags -n myregistry --repository acr-helloworld --orderby time_desc --top 3"
  )

  @OptionGroup var listing: AzRepositoryListing

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let detail = try listing.listing.documentOptions().detail
    return try await listing.read(
      in: session, manifests: false,
      live: { detail ? .array($0) : AzRecords.tagNames($0) },
      cached: { store, registryId, repository, options in
        try store.tagDocuments(registryId: registryId, repository: repository, options: options)
      })
  }
}

/// `az acr repository show-manifests`: refreshes the repository, then lists its manifests,
/// untagged ones with `"tags": null`.
public struct AzShowManifests: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "show-manifests", abstract: "Show manifests of a repository.",
    discussion: """
      Example:
        regsh az acr repository show-manifests -n myregistry --repository acr-helloworld --query "[?tags==null].digest" -o tsv
      """)

  @OptionGroup var listing: AzRepositoryListing

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let detail = try listing.listing.documentOptions().detail
    return try await listing.read(
      in: session, manifests: true,
      live: { detail ? .array($0) : .array($0.map(AzRecords.manifestSummary)) },
      cached: { store, registryId, repository, options in
        let documents = try store.manifestDocuments(
          registryId: registryId, repository: repository, options: options)
        guard detail, let records = documents.arrayValue else { return documents }
        return .array(records.map(AzRecords.manifestRecord(fromDetail:)))
      })
  }
}

/// `az acr repository show`: a repository's attributes, or an image's (by tag or digest).
public struct AzShow: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Get the attributes of a repository or image.",
    discussion: """
      Examples:
        regsh az acr repository show -n myregistry --repository acr-helloworld
        regsh az acr repository show -n myregistry --image acr-helloworld:v1
        regsh az acr repository show -n myregistry --image acr-helloworld@sha256:...
      """)

  @OptionGroup var registry: AzRegistryOption
  @Option(help: "The name of the repository.") var repository: String?
  @Option(
    name: [.customLong("image"), .customShort("t")], help: "REPOSITORY:TAG or REPOSITORY@DIGEST.")
  var image: String?
  @OptionGroup public var output: OutputOptions

  public init() {}

  public mutating func validate() throws {
    if (repository == nil) == (image == nil) {
      throw ValidationError("pass either --repository or --image")
    }
  }

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry.name)
    let target = try AzImage(repository: repository, image: image)
    try await session.refresh(info, repository: target.repository)
    let client = try session.client(for: info)
    if client.isACR {
      return CommandResult(try await target.acrRecord(client), output: output)
    }
    return CommandResult(
      try target.cachedRecord(try session.store(), registry: info), output: output)
  }
}

extension Session {
  /// az commands show the registry as it is now: the repository is synced before reading.
  func refresh(_ registry: RegistryInfo, repository: String) async throws {
    let report = try await sync(registry, repositories: [repository])
    if let failure = report.failed.first {
      throw ShellError.failed(
        "sync of \(TerminalText.escape(failure.repository)) on \(registry.name) failed: \(failure.reason)"
      )
    }
  }
}
