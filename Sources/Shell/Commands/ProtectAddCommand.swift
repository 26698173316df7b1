import ArgumentParser
import ImageActions
import JMESPath
import MetadataCache
import RegistryAPI

/// `protect add REFERENCE`: takes what `delete` takes — a digest, `repo@digest`,
/// `repo:tag` — or a tag pattern. A reference becomes a rule of that repository; a pattern
/// that no tag could match is refused, since a rule that protects nothing would look like
/// protection (a `repo@digest` once became such a tag pattern, and its digest was deleted).
public struct ProtectAdd: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "add", abstract: "Protect a digest, an image's tag, or tags matching a pattern.",
    discussion: """
      REFERENCE is a digest (sha256:…, in any repository or in those --repository
      matches), repo@digest, repo:tag, or a tag pattern with shell wildcards
      (*, ?, [..]). A pattern that no tag can match is refused: a tag is
      [A-Za-z0-9_][A-Za-z0-9._-]{0,127}.

      Examples:
        protect add 'v*' --repository acr-helloworld --reason "pinned by production"
        protect add acr-helloworld@sha256:0a2e01852872580b2c2fea9380ff8d7b637d3928783c55beb3f21a6e58d5d108
        protect add acr-helloworld:latest
      """)

  @Argument(help: "A digest, repo@digest, repo:tag or a tag pattern.")
  var reference: String

  @Option(help: "Limit the rule to repositories matching this pattern.")
  var repository: String?

  @Option(help: "Why it is protected (shown by `protect list`).")
  var reason: String?

  @OptionGroup var registry: RegistryOption

  @OptionGroup public var output: OutputOptions

  public init() {}

  /// What a rule protects: the repository pattern (nil: every repository) and the digest
  /// or tag pattern.
  struct Subject: Equatable {
    var repository: String?
    var pattern: String
  }

  public func validate() throws {
    do {
      _ = try Self.subject(reference, repository: repository)
    } catch {
      throw ValidationError(error.description)
    }
  }

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let subject = try Self.subject(reference, repository: repository)
    let info = try session.resolveRegistry(registry.name)
    let rule = try session.store().addProtection(
      ProtectionRule(
        registryId: info.id, repository: subject.repository, pattern: subject.pattern,
        reason: reason))
    return CommandResult(ProtectCommand.document(rule), output: output)
  }

  /// The rule `text` asks for, parsed as `delete` parses a target.
  static func subject(_ text: String, repository: String?) throws(ActionError) -> Subject {
    if let repository, repository.isEmpty {
      throw ActionError.badTarget(repository, why: "--repository must not be empty")
    }
    if text.hasPrefix("sha256:") || text.hasPrefix("sha512:") {
      guard (try? Digest(text)) != nil else {
        throw ActionError.badTarget(text, why: "not a digest")
      }
      return Subject(repository: repository, pattern: text)
    }
    if text.contains("@") || text.contains(":") || text.contains("/") {
      let target: ActionTarget
      do {
        target = try ActionTarget(parsing: text, repository: nil)
      } catch {
        throw ActionError.badTarget(
          text,
          why:
            "not a repo@digest or repo:tag reference (a pattern over repositories goes in --repository)"
        )
      }
      if let repository, repository != target.repository {
        throw ActionError.badTarget(
          text, why: "it names repository '\(target.repository)', --repository '\(repository)'")
      }
      switch target.selector {
      case .digest(let digest):
        return Subject(repository: target.repository, pattern: digest.description)
      case .tag(let tag): return Subject(repository: target.repository, pattern: tag)
      }
    }
    guard TagPattern.example(matching: text) != nil else {
      throw ActionError.badTarget(
        text,
        why:
          "no tag can match this pattern (a tag is [A-Za-z0-9_][A-Za-z0-9._-]{0,127}); to protect a manifest give its digest or repo@digest"
      )
    }
    return Subject(repository: repository, pattern: text)
  }
}
