import ArgumentParser
import JMESPath
import MetadataCache

/// `protect add | list | remove`: digests and tag patterns that no delete or untag may touch.
public struct ProtectCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "protect",
    abstract: "Protect digests and tag patterns from every delete and untag.",
    discussion: """
      A digest (sha256:…) protects that manifest; anything else is a tag pattern with shell
      wildcards (*, ?, [..]). No flag overrides a protection.

      Examples:
        protect add 'v*' --repository acr-helloworld --reason "pinned by production"
        protect add sha256:0a2e01852872580b2c2fea9380ff8d7b637d3928783c55beb3f21a6e58d5d108
        protect list
        protect remove 2
      """)

  @Argument(help: "add, list or remove.")
  var action: String

  @Argument(help: "add: a digest or tag pattern; remove: the rule's id (see `protect list`).")
  var value: String?

  @Option(help: "Limit the rule to repositories matching this pattern.")
  var repository: String?

  @Option(help: "Why it is protected (shown by `protect list`).")
  var reason: String?

  @OptionGroup var registry: RegistryOption

  @OptionGroup public var output: OutputOptions

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry.name)
    let store = try session.store()
    switch action {
    case "add":
      guard let value, !value.isEmpty else {
        throw ShellError.usage("usage: protect add DIGEST|TAG-PATTERN")
      }
      let rule = try store.addProtection(
        ProtectionRule(registryId: info.id!, repository: repository, pattern: value, reason: reason)
      )
      return CommandResult(Self.document(rule), output: output)
    case "list":
      return CommandResult(
        .array(try store.protectionRules(registryId: info.id!).map(Self.document)), output: output)
    case "remove":
      guard let value, let id = Int64(value) else {
        throw ShellError.usage("usage: protect remove ID")
      }
      guard try store.removeProtection(id: id, registryId: info.id!) else {
        throw ShellError.failed("no protection rule \(id) on '\(info.name)' (see `protect list`)")
      }
      return .nothing
    default:
      throw ShellError.usage("protect: unknown action '\(action)'; use add, list or remove")
    }
  }

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

/// `audit`: every change regsh made to a registry, as a document.
public struct AuditCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "audit", abstract: "Show the audit log of changes regsh made (queryable).",
    discussion: "Examples:\n  audit --last 20\n  audit --query \"[?action=='delete'].digest\"")

  @Option(
    name: [.customLong("registry"), .customShort("n"), .customLong("name")],
    help: "Only this registry's entries.")
  var registry: String?

  @Option(help: "Only the last N entries.")
  var last: Int?

  @OptionGroup public var output: OutputOptions

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let name = try registry.map { try session.resolveRegistry($0).name }
    return CommandResult(
      try session.store().auditDocuments(registry: name, last: last), output: output)
  }
}
