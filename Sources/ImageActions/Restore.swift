import Foundation
import JMESPath
import MetadataCache
import RegistryAPI

/// What a restore did.
public struct RestoreOutcome: Sendable {
  public struct Item: Sendable {
    public var repository: String
    public var digest: String
    public var tags: [String]
    public var note: String?
  }
  public var registry: String
  public var restored: [Item] = []
  public var failed: [Item] = []

  public var document: JSON {
    func items(_ list: [Item], _ key: String) -> JSON {
      .array(
        list.map { item in
          var object: JSONObject = [
            "repository": .string(item.repository), "digest": .string(item.digest),
            "tags": .array(item.tags.map(JSON.string)),
          ]
          if let note = item.note { object[key] = .string(note) }
          return .object(object)
        })
    }
    return .object([
      "registry": .string(registry), "restored": items(restored, "note"),
      "failed": items(failed, "reason"),
    ])
  }
}

/// Puts deleted manifests and removed tags back from the audit log's bytes (safety rule 4).
/// The registry must still hold the blobs they reference — checked first; missing ones are
/// copied from an OCI backup (`export --oci`, `delete --backup`) when one is given, and
/// named otherwise. A tag that meanwhile points at another image is left where it is.
public struct Restorer: Sendable {
  public let store: MetadataStore
  public let registry: RegistryInfo
  public let client: RegistryClient
  /// A registry (usually `oci:DIR`) holding the same repositories, to copy missing blobs from.
  public var backup: RegistryClient?

  public init(
    store: MetadataStore, registry: RegistryInfo, client: RegistryClient,
    backup: RegistryClient? = nil
  ) {
    self.store = store
    self.registry = registry
    self.client = client
    self.backup = backup
  }

  public func restore(_ entries: [AuditEntry]) async -> RestoreOutcome {
    var outcome = RestoreOutcome(registry: registry.name)
    for entry in entries {
      let item = RestoreOutcome.Item(
        repository: entry.repository, digest: entry.digest ?? "", tags: entry.tags)
      do {
        var done = item
        done.note = try await restore(entry)
        outcome.restored.append(done)
      } catch {
        var failed = item
        failed.note = "\(error)"
        outcome.failed.append(failed)
      }
    }
    return outcome
  }

  /// Restores one entry; returns a note on anything done beyond the plain restore.
  func restore(_ entry: AuditEntry) async throws -> String? {
    guard let data = entry.manifest, let digestText = entry.digest,
      let mediaType = entry.mediaType
    else {
      throw ActionError.nothingToDo(
        "audit entry \(entry.id.map(String.init) ?? "?") has no manifest bytes to restore")
    }
    let digest = try Digest(digestText)
    try digest.verify(data, what: "the manifest kept in the audit log")
    let repository = entry.repository
    var notes: [String] = []
    if entry.action == .delete {
      let copied = try await ensureReferencedContent(
        repository: repository, manifest: try Manifest(data: data, mediaType: mediaType))
      if copied > 0 { notes.append("copied \(copied) missing blob(s) from the backup") }
      try await client.putManifest(
        repository: repository, reference: digestText, data: data, mediaType: mediaType)
    } else if try await client.headManifest(repository: repository, reference: digestText) == nil {
      throw ActionError.nothingToDo(
        "\(repository)@\(digestText) is gone from the registry; restore its delete first")
    }
    for tag in entry.tags {
      if let now = try await client.headManifest(repository: repository, reference: tag),
        now.digest != digest
      {
        notes.append("tag \(tag) now points at \(now.digest); left as it is")
        continue
      }
      try await client.putManifest(
        repository: repository, reference: tag, data: data, mediaType: mediaType)
    }
    var record = AuditEntry(
      registry: registry.name, repository: repository, action: .restore, digest: digestText,
      tags: entry.tags, mediaType: mediaType, manifest: data,
      detail: "restores audit entry \(entry.id.map(String.init) ?? "?")")
    record.bytesFreed = nil
    try store.recordAudit(record)
    return notes.isEmpty ? nil : notes.joined(separator: "; ")
  }

  /// Checks that the registry holds everything the manifest references; copies what is
  /// missing from the backup, or fails naming it. Returns how many were copied.
  func ensureReferencedContent(repository: String, manifest: Manifest) async throws -> Int {
    var copied = 0
    var missing: [String] = []
    switch manifest {
    case .image(let image):
      for blob in [image.config] + image.layers {
        if try await client.headBlob(repository: repository, digest: blob.digest) != nil {
          continue
        }
        guard let backup,
          let data = try? await backup.blob(repository: repository, digest: blob.digest)
        else {
          missing.append(blob.digest.description)
          continue
        }
        try blob.digest.verify(data, what: "blob \(blob.digest) from the backup")
        _ = try await client.uploadBlob(
          repository: repository, data: data, mediaType: blob.mediaType)
        copied += 1
      }
    case .index(let index):
      for child in index.manifests {
        if try await client.headManifest(
          repository: repository, reference: child.digest.description)
          != nil
        {
          continue
        }
        guard let backup,
          let childManifest = try? await backup.manifest(
            repository: repository, reference: child.digest.description)
        else {
          missing.append(child.digest.description)
          continue
        }
        copied += try await ensureReferencedContent(
          repository: repository, manifest: try childManifest.decoded())
        try await client.putManifest(
          repository: repository, reference: child.digest.description,
          data: childManifest.data, mediaType: childManifest.mediaType)
        copied += 1
      }
    }
    if !missing.isEmpty {
      throw ActionError.nothingToDo(
        "the registry no longer holds \(missing.count) blob(s) this manifest needs (\(missing.joined(separator: ", ")))"
          + (backup == nil
            ? "; restore from a backup that has them: restore --from DIR"
            : "; the backup does not have them either"))
    }
    return copied
  }
}
