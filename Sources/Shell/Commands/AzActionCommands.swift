import ArgumentParser
import ImageActions
import JMESPath
import MetadataCache
import RegistryAPI

/// `az acr repository delete`: az's flags, prompts and exit codes, with regsh's guards —
/// live re-check, protection, index children and referrers — underneath.
public struct AzDelete: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "delete", abstract: "Delete a repository or image in a registry.",
    discussion: """
      Examples:
        regsh az acr repository delete -n myregistry --image acr-helloworld:latest
        regsh az acr repository delete -n myregistry --image acr-helloworld@sha256:... --yes
        regsh az acr repository delete -n myregistry --repository acr-helloworld --yes
      """)

  @OptionGroup var registry: AzRegistryOption
  @Option(help: "The name of the repository to delete with all its images.")
  var repository: String?
  @Option(
    name: [.customLong("image"), .customShort("t")],
    help: "REPOSITORY:TAG (the image and all its tags) or REPOSITORY@DIGEST.")
  var image: String?
  @Flag(name: [.customLong("yes"), .customShort("y")], help: "Do not prompt for confirmation.")
  var yes = false

  public init() {}

  public mutating func validate() throws {
    if (repository == nil) == (image == nil) {
      throw ValidationError("usage error: --image IMAGE | --repository REPOSITORY")
    }
    // Read as the line is parsed: a bad --image stops the command before anything is asked.
    if let image {
      do { _ = try Self.imageTarget(image) } catch { throw ValidationError("\(error)") }
    }
  }

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry.name)
    let store = try session.store()
    let targets: [ActionTarget]
    let question: String
    var warning: String?
    if let repository {
      try await session.refresh(info, repository: repository)
      let manifests = try store.cachedManifests(registryId: info.id, repository: repository)
      guard !manifests.isEmpty else {
        throw ShellError.az("The repository '\(repository)' is not found.")
      }
      targets = manifests.keys.sorted().map {
        ActionTarget(repository: repository, selector: .digest($0))
      }
      question =
        "Are you sure you want to delete the repository '\(TerminalSafeText.escape(repository))' and all images under it?"
    } else {
      let target = try Self.imageTarget(image!)
      try await session.refresh(info, repository: target.repository)
      let (resolved, _) = try ActionTarget.resolve(
        [target], store: store, registryId: info.id)
      guard let manifest = resolved.first?.manifest else {
        throw ShellError.az("The image '\(image!)' is not found.")
      }
      targets = [target]
      // az logs the message as a warning when --yes skips the question (no final period).
      warning = Self.deleteMessage(manifest)
      question = Self.deleteMessage(manifest) + ".\nAre you sure you want to continue?"
    }
    // az asks before anything else happens, about the image as named.
    if yes {
      if let warning { session.printError("WARNING: " + warning) }
    } else if !(try session.confirm(question)) {
      throw ShellError.cancelled
    }
    try await session.prepareCache(info, for: targets)
    let workflow = DeleteWorkflow(
      context: try session.actionContext(info),
      options: DeleteWorkflow.Options(wholeRepository: repository))
    let outcome = try await workflow.run(try workflow.plan(targets)) { _ in true }
    if let repository, outcome.repositoryDeleteWithheld {
      session.printError(
        "WARNING: the repository '\(repository)' was not deleted as a whole: something in it must stay (see below), so only the images that may go were deleted, one by one."
      )
    }
    for line in outcome.unrecorded {
      session.printError("WARNING: deleted, audit entry left pending: \(line)")
    }
    if let repository, !outcome.deletedUnplanned.isEmpty {
      session.printError(
        "WARNING: ACR also deleted \(outcome.deletedUnplanned.count) manifest(s) of '\(repository)' that were not in the plan (pushed after the sync?); the audit log has no entry for them: "
          + outcome.deletedUnplanned.map(\.description).joined(separator: ", "))
    }
    let problems =
      outcome.skipped.map { "\($0.reference): \($0.reason)" }
      + outcome.failed.map { "\($0.repository)@\($0.digest): \($0.reason?.description ?? "")" }
    if !problems.isEmpty {
      throw ShellError.az(
        "\(outcome.deleted.count + outcome.alreadyGone.count) deleted; not deleted: "
          + problems.joined(separator: "; "))
    }
    if let repository {
      try store.markRepositoryGone(registryId: info.id, repository: repository)
    }
    // az prints the answer of ACR's repository DELETE; an image delete prints nothing.
    if let answer = outcome.repositoryAnswer { return CommandResult(answer) }
    return .nothing
  }

  /// az's text: the digest, then the images (repo:tag) that go with it, when there are any;
  /// without a final period (az adds it before its question). Registry-supplied names are
  /// escaped (safety rule 5).
  static func deleteMessage(_ manifest: CachedManifest) -> String {
    let safe = TerminalSafeText.escape
    var message = "This operation will delete the manifest '\(safe(manifest.digest.description))'"
    if !manifest.tags.isEmpty {
      message +=
        " and all the following images: "
        + manifest.tags.map { "'\(safe(manifest.repository)):\(safe($0))'" }.joined(
          separator: ", ")
    }
    return message
  }

  /// `repo:tag` or `repo@digest`; a bare `repo` is `repo:latest`, as az reads it.
  static func imageTarget(_ image: String) throws -> ActionTarget {
    let named = image.contains(":") || image.contains("@") ? image : image + ":latest"
    do {
      return try ActionTarget(parsing: named, repository: nil)
    } catch {
      throw ShellError.usage(
        "--image must be REPOSITORY:TAG or REPOSITORY@DIGEST, not '\(image)' (\(error))")
    }
  }
}

/// `az acr repository untag`: removes one tag; the manifest and its other tags stay.
public struct AzUntag: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "untag", abstract: "Untag an image in a registry.",
    discussion: "Example:\n  regsh az acr repository untag -n myregistry --image acr-helloworld:v1"
  )

  @OptionGroup var registry: AzRegistryOption
  @Option(name: [.customLong("image"), .customShort("t")], help: "REPOSITORY:TAG.")
  var image: String

  public init() {}

  public func validate() throws {
    let target: ActionTarget
    do { target = try AzDelete.imageTarget(image) } catch { throw ValidationError("\(error)") }
    guard case .tag = target.selector else {
      throw ValidationError("--image must be REPOSITORY:TAG: untag removes a tag")
    }
  }

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(registry.name)
    let target = try AzDelete.imageTarget(image)
    guard case .tag = target.selector else {
      throw ShellError.usage("--image must be REPOSITORY:TAG: untag removes a tag")
    }
    try await session.refresh(info, repository: target.repository)
    let workflow = UntagWorkflow(context: try session.actionContext(info))
    let outcome = try await workflow.run(try workflow.plan([target])) { _ in true }
    // az says why in its one ERROR line.
    if outcome.untagged.isEmpty {
      let reason =
        outcome.skipped.first?.reason.description ?? outcome.failed.first?.1.description
        ?? "the tag was not removed"
      throw ShellError.az("\(image): \(reason)")
    }
    return .nothing
  }
}
