import ArgumentParser
import JMESPath
import MetadataCache

/// `protect add | list | remove`: digests and tag patterns that no delete or untag may
/// touch. A group, so each subcommand has its own flags, help and completion.
public struct ProtectCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "protect",
    abstract: "Protect digests and tag patterns from every delete and untag.",
    discussion: """
      A digest (sha256:…, repo@sha256:…) protects that manifest; repo:tag, or a
      tag pattern with shell wildcards (*, ?, [..]), protects tags. No flag
      overrides a protection.

      Examples:
        protect add 'v*' --repository acr-helloworld --reason "pinned by production"
        protect add acr-helloworld@sha256:0a2e01852872580b2c2fea9380ff8d7b637d3928783c55beb3f21a6e58d5d108
        protect list
        protect remove 2
      """,
    subcommands: [ProtectAdd.self, ProtectList.self, ProtectRemove.self])

  public init() {}

  static func document(_ rule: ProtectionRule) -> JSON {
    var item: JSONObject = [
      "id": rule.id.map { .int(Int($0)) } ?? .null, "kind": .string(rule.kind.rawValue),
      "pattern": .string(rule.pattern), "repository": rule.repository.map(JSON.string) ?? .null,
      "createdAt": .string(rule.createdAt),
    ]
    if let reason = rule.reason { item["reason"] = .string(reason) }
    return .object(item)
  }
}

/// `protect list`: the registry's rules.
public struct ProtectList: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List the registry's protection rules: [{id, kind, pattern, repository, …}].",
    discussion: "Examples:\n  protect list\n  protect list -o table")

  @OptionGroup var registry: RegistryOption

  @OptionGroup public var output: OutputOptions

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry.name)
    return CommandResult(
      .array(
        try session.store().protectionRules(registryId: info.id).map(ProtectCommand.document)),
      output: output)
  }
}

/// `protect remove ID`.
public struct ProtectRemove: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "remove", abstract: "Remove a protection rule by its id (see `protect list`).",
    discussion: "Example:\n  protect remove 2")

  @Argument(help: "The rule's id (see `protect list`).", transform: ArgumentCheck.atLeastOne)
  var id: Int

  @OptionGroup var registry: RegistryOption

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry.name)
    guard try session.store().removeProtection(id: Int64(id), registryId: info.id) else {
      throw ShellError.failed("no protection rule \(id) on '\(info.name)' (see `protect list`)")
    }
    return .nothing
  }
}

/// `audit`: every change regsh made to a registry, as a document.
public struct AuditCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "audit", abstract: "Show the audit log of changes regsh made (queryable).",
    discussion: "Examples:\n  audit --last 20\n  audit --query \"[?action=='delete'].digest\"")

  @Option(
    name: [.customLong("registry"), .customShort("n"), .customLong("name")],
    help: "Only this registry's entries.", transform: ArgumentCheck.registryName)
  var registry: String?

  @Option(help: "Only the last N entries.", transform: ArgumentCheck.nonNegative)
  var last: Int?

  @OptionGroup public var output: OutputOptions

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let name = try registry.map { try session.resolveRegistry($0).name }
    return CommandResult(
      try session.store().auditDocuments(registry: name, last: last), output: output)
  }
}
