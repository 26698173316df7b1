import JMESPath
import ImageActions
import MetadataCache
import RegistryAPI

/// What `show` and `update` address, read as az reads `--repository` and `--image`: the
/// repository, `repo:tag` (a bare `repo` means `repo:latest`), or `repo@digest`.
struct AzImage {
  enum Kind {
    case repository
    case tag(String)
    case manifest(Digest)
  }

  let repository: String
  let kind: Kind

  init(repository named: String?, image: String?) throws {
    if let named {
      try Self.check { try Reference.validateRepository(named) }
      repository = named
      kind = .repository
      return
    }
    guard let image else { throw ShellError.usage("pass either --repository or --image") }
    let malformed = ShellError.usage(
      "--image must be REPOSITORY, REPOSITORY:TAG or REPOSITORY@DIGEST, not '\(image)'")
    let at = image.split(separator: "@", omittingEmptySubsequences: false)
    let name: String
    if at.count == 2 {
      name = String(at[0])
      let digest = try Self.check { try Digest(String(at[1])) }
      kind = .manifest(digest)
    } else if at.count == 1 {
      let parts = image.split(separator: ":", omittingEmptySubsequences: false)
      guard parts.count <= 2 else { throw malformed }
      name = String(parts[0])
      let tag = parts.count == 2 ? String(parts[1]) : "latest"
      try Self.check { try Reference.validateTag(tag) }
      kind = .tag(tag)
    } else {
      throw malformed
    }
    try Self.check { try Reference.validateRepository(name) }
    repository = name
  }

  var record: RegistryClient.ACRRecord {
    switch kind {
    case .repository: .repository(repository)
    case .tag(let tag): .tag(repository: repository, tag: tag)
    case .manifest(let digest): .manifest(repository: repository, digest: digest)
    }
  }

  /// ACR's member of the answer that az prints: the tag's or the manifest's record; the
  /// repository's answer is printed whole.
  var member: String? {
    switch kind {
    case .repository: nil
    case .tag: "tag"
    case .manifest: "manifest"
    }
  }

  var text: String {
    switch kind {
    case .repository: repository
    case .tag(let tag): "\(repository):\(tag)"
    case .manifest(let digest): "\(repository)@\(digest)"
    }
  }

  /// The record as ACR serves it (GET).
  func acrRecord(_ client: RegistryClient) async throws -> JSON {
    try AzRecords.record(try await client.acrRecord(record), member: member, what: text)
  }

  /// The record as ACR answers a PATCH of its attributes, made through ImageActions (the
  /// registry's lease, the audit log).
  func acrUpdate(_ workflow: AttributeUpdateWorkflow, _ update: ACRChangeableAttributes)
    async throws -> JSON
  {
    try AzRecords.record(try await workflow.run(record, update), member: member, what: text)
  }

  /// The same shapes from the cache, for a registry that is not ACR.
  func cachedRecord(_ store: MetadataStore, registry: RegistryInfo) throws -> JSON {
    let registryId = registry.id
    switch kind {
    case .repository:
      return try store.repositoryAttributes(
        registryId: registryId, repository: repository,
        server: AzRecords.loginServer(registry))
    case .tag(let tag):
      let tags = try store.tagDocuments(
        registryId: registryId, repository: repository, options: DocumentOptions(detail: true))
      guard let found = tags.arrayValue?.first(where: { $0["name"] == .string(tag) }) else {
        throw ShellError.az("The image '\(TerminalSafeText.escape(text))' is not found.")
      }
      return found
    case .manifest(let digest):
      let all = try store.manifestDocuments(
        registryId: registryId, repository: repository, options: DocumentOptions(detail: true))
      guard
        let found = all.arrayValue?.first(where: { $0["digest"] == .string(digest.description) })
      else {
        throw ShellError.az("The image '\(TerminalSafeText.escape(text))' is not found.")
      }
      return AzRecords.manifestRecord(fromDetail: found)
    }
  }

  private static func check<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch {
      throw ShellError.usage("\(error)")
    }
  }
}
