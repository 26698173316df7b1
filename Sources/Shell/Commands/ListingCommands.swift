import ArgumentParser
import JMESPath
import MetadataCache

/// `--orderby`, `--top` and `--detail`, as az spells them.
public struct ListingOptions: ParsableArguments {
  @Option(
    help:
      "time_asc or time_desc; manifests with equal times by digest, then repository name.")
  var orderby: String?

  @Option(help: "At most this many items.", transform: ArgumentCheck.nonNegative)
  var top: Int?

  @Flag(help: "The full record of each item.")
  var detail = false

  public init() {}

  /// Checked as the command line is parsed, so a pipeline never runs a listing with a
  /// misspelt order.
  public func validate() throws {
    if let orderby, DocumentOptions.Order(rawValue: orderby) == nil {
      throw ValidationError("--orderby must be time_asc or time_desc, not '\(orderby)'")
    }
  }

  func documentOptions() throws -> DocumentOptions {
    // validate() has checked the values.
    DocumentOptions(order: orderby.flatMap(DocumentOptions.Order.init), top: top, detail: detail)
  }
}

/// `repositories`: the repositories of the registry, from the cache.
public struct RepositoriesCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "repositories", abstract: "List the registry's repositories (from the cache).",
    discussion: "Example:\n  repositories --query \"[?starts_with(@, 'marketing/')]\"")

  @OptionGroup var registry: RegistryOption

  @Option(help: "At most this many repositories.", transform: ArgumentCheck.nonNegative)
  var top: Int?

  @OptionGroup public var output: OutputOptions

  @Flag(help: "Show which part of --query the store answers and which the interpreter runs.")
  var explain = false

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry.name)
    // A registry never synced has an empty cache: fill it first.
    if try session.store().repositoryNames(registryId: info.id).isEmpty,
      info.url != "bench.invalid"
    {
      try await session.sync(info, repositories: nil)
    }
    if explain {
      return session.explanation(
        try session.explainListing(
          output.query, source: .repositories, registryId: info.id, repository: nil,
          options: DocumentOptions(top: top)),
        output: output)
    }
    return try session.repositoryListing(registryId: info.id, top: top, output: output)
  }
}

/// `tags REPO`: a repository's tags, from the cache.
public struct TagsCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "tags", abstract: "List a repository's tags (from the cache).",
    discussion: "Example:\n  tags acr-helloworld --detail --orderby time_desc --top 3")

  @Argument(help: "The repository.")
  var repository: String

  @OptionGroup var registry: RegistryOption

  @OptionGroup var listing: ListingOptions
  @OptionGroup public var output: OutputOptions

  @Flag(help: "Show which part of --query the store answers and which the interpreter runs.")
  var explain = false

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry.name)
    try await session.syncIfNeverSynced(info, repository: repository)
    session.contextRepository = repository
    let options = try listing.documentOptions()
    if explain {
      return session.explanation(
        try session.explainListing(
          output.query, source: .tags(detail: options.detail), registryId: info.id,
          repository: repository, options: options),
        output: output)
    }
    return try session.tagListing(
      registryId: info.id, repository: repository, options: options, output: output)
  }
}

/// `manifests REPO` / `manifests --all`: manifests with their tags, untagged ones included.
public struct ManifestsCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "manifests",
    abstract: "List manifests with their tags, untagged ones included (from the cache).",
    discussion: """
      Without --detail each item is {digest, tags, timestamp}, with "tags": null when untagged.

      Examples:
        manifests acr-helloworld --query "[?tags==null].digest"
        manifests --all --query "length([?tags==null])"
      """)

  @Argument(help: "The repository (or --all).")
  var repository: String?

  @Flag(help: "Every repository's manifests, each with a repository field.")
  var all = false

  @OptionGroup var registry: RegistryOption

  @OptionGroup var listing: ListingOptions
  @OptionGroup public var output: OutputOptions

  @Flag(help: "Show which part of --query the store answers and which the interpreter runs.")
  var explain = false

  public init() {}

  public mutating func validate() throws {
    if all == (repository != nil) { throw ValidationError("name a repository, or pass --all") }
  }

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry.name)
    if let repository { try await session.syncIfNeverSynced(info, repository: repository) }
    // Bare digests taken from this listing belong to its repository (none for --all).
    session.contextRepository = repository
    var options = try listing.documentOptions()
    if explain {
      return session.explanation(
        try session.explainListing(
          output.query, registryId: info.id, repository: repository, options: options),
        output: output)
    }
    options.fields = session.fields(readBy: output.query)
    return try session.manifestListing(
      registryId: info.id, repository: repository, options: options, output: output)
  }
}

extension Session {
  /// What `query` reads of each manifest summary, so a listing the interpreter needs whole
  /// builds only that; every field without a query (the documents are printed), or when
  /// the query does not compile (its error is reported where it runs).
  func fields(readBy query: String?) -> DocumentFields {
    guard let query, let expression = try? compile(query) else { return .all }
    return DocumentFields(readBy: expression.part)
  }
}
