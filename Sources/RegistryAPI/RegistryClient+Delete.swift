import Foundation

/// How `deleteTag` removed a tag.
public enum TagDeletion: Sendable, Hashable {
  /// The registry deleted the tag itself (`DELETE /v2/<name>/manifests/<tag>`).
  case deletedByRegistry
  /// The registry cannot delete tags: a throwaway manifest was pushed onto the tag and deleted by digest.
  case replacedAndDeleted(throwaway: Digest)
}

extension RegistryClient {
  /// Removes `tag` from `repository`, leaving the manifest it pointed at in place (untag).
  ///
  /// On ACR this is ACR's own `DELETE /acr/v1/<repo>/_tags/<tag>`. Elsewhere it is the spec's
  /// `DELETE /v2/<repo>/manifests/<tag>`.
  ///
  /// Registries without tag deletion (distribution 2.8 answers 400 DIGEST_INVALID) get the
  /// fallback: a unique throwaway manifest is pushed onto the tag and then deleted by digest,
  /// which takes the tag with it. No request is invented to see whether deletes are enabled:
  /// the tag DELETE itself says so — distribution checks that switch before it parses the
  /// reference, so with deletes off it answers 405 (`RegistryError.deletesDisabled`) and the
  /// fallback never starts. If the throwaway's DELETE fails all the same, the tag is put back.
  @discardableResult
  public func deleteTag(repository: String, tag: String) async throws -> TagDeletion {
    try Reference.validateRepository(repository)
    try Reference.validateTag(tag)
    guard try await headManifest(repository: repository, reference: tag) != nil else {
      throw tagNotFound(repository, tag)
    }
    if isACR {
      try await acrDeleteTag(repository: repository, tag: tag)
      return .deletedByRegistry
    }
    do {
      _ = try await request(
        RegistryRequest(
          method: "DELETE", path: "/v2/\(repository)/manifests/\(tag)",
          scopes: [Self.scope(repository, "delete")]),
        expecting: [202, 200])
      return .deletedByRegistry
    } catch let error as RegistryError where Self.meansTagDeleteUnsupported(error) {
      return .replacedAndDeleted(
        throwaway: try await untagByReplacement(repository: repository, tag: tag))
    }
  }

  /// Distribution 2.8 answers a tag DELETE with 400 DIGEST_INVALID; other registries without tag deletion with 400 or 404 UNSUPPORTED.
  static func meansTagDeleteUnsupported(_ error: RegistryError) -> Bool {
    guard case .status(let status, _, _, _, let errors) = error, status == 400 || status == 404
    else {
      return false
    }
    let codes = Set(errors.map(\.code))
    return codes.contains("DIGEST_INVALID") || codes.contains("UNSUPPORTED")
      || (status == 400 && codes.isEmpty)
  }

  private func tagNotFound(_ repository: String, _ tag: String) -> RegistryError {
    .status(
      404, method: "DELETE", path: "/v2/\(repository)/manifests/\(tag)", server: server,
      errors: [RegistryErrorEntry(code: "MANIFEST_UNKNOWN", message: "tag \(tag) does not exist")])
  }

  private func untagByReplacement(repository: String, tag: String) async throws -> Digest {
    guard let original = try await headManifest(repository: repository, reference: tag) else {
      throw tagNotFound(repository, tag)
    }
    let config = try await uploadBlob(
      repository: repository, data: Data("{}".utf8), mediaType: MediaType.ociEmpty)
    let throwaway = ImageManifest(
      artifactType: "application/vnd.regsh.untag.v1",
      config: config, layers: [],
      annotations: [
        "dev.regsh.untag": "\(repository):\(tag)",
        "dev.regsh.nonce": UUID().uuidString,
      ])
    let pushed = try await putManifest(repository: repository, reference: tag, manifest: throwaway)
    do {
      try await deleteManifest(repository: repository, digest: pushed.digest)
    } catch {
      // Put the tag back where it was rather than leave it on the throwaway.
      if let restored = try? await manifest(
        repository: repository, reference: original.digest.description)
      {
        _ = try? await putManifest(
          repository: repository, reference: tag, data: restored.data, mediaType: restored.mediaType
        )
      }
      throw error
    }
    return pushed.digest
  }
}
