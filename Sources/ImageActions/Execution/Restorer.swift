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
/// The registry must still hold what they reference — blobs, and an index's children —
/// checked first; what is missing is copied from an OCI backup (`export --oci`, `delete
/// --backup`) when one is given, and named otherwise.
///
/// Changes are undone newest first, so several undo to the state before the oldest of them.
/// A tag that points at another image is left where it is — unless this run itself put it
/// there, undoing a later change. An index whose children come back later in the same run
/// is tried again at the end.
public struct Restorer: Sendable {
  public let store: MetadataStore
  public let registry: RegistryInfo
  public let client: RegistryClient
  /// A registry (usually `oci:DIR`) holding the same repositories, to copy missing content from.
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

  /// What the registry lacks for a manifest to be pushed back.
  struct MissingContent: Error, CustomStringConvertible {
    var blobs: [String]
    var manifests: [String]
    var hasBackup: Bool

    var description: String {
      var parts: [String] = []
      if !blobs.isEmpty {
        parts.append("\(blobs.count) blob(s) (\(blobs.joined(separator: ", ")))")
      }
      if !manifests.isEmpty {
        parts.append("\(manifests.count) child manifest(s) (\(manifests.joined(separator: ", ")))")
      }
      return
        "the registry no longer holds \(parts.joined(separator: " and ")) that this manifest needs"
        + (hasBackup
          ? "; the backup does not have them either"
          : "; restore from a backup that has them: restore --from DIR")
    }
  }

  public func restore(_ entries: [AuditEntry]) async -> RestoreOutcome {
    var outcome = RestoreOutcome(registry: registry.name)
    var putTags: Set<String> = []
    var waiting: [AuditEntry] = []
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
      "regsh-restore-\(getpid())-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let newestFirst = entries.sorted { ($0.id ?? 0) > ($1.id ?? 0) }
    for (pass, queue) in [(1, newestFirst), (2, [])] {
      for entry in pass == 1 ? queue : waiting {
        let item = RestoreOutcome.Item(
          repository: entry.repository, digest: entry.digest?.description ?? "", tags: entry.tags)
        do {
          var done = item
          done.note = try await restoreEntry(entry, putTags: &putTags, scratch: scratch)
          outcome.restored.append(done)
        } catch let missing as MissingContent where pass == 1 && !missing.manifests.isEmpty {
          waiting.append(entry)  // its children may come back later in this run
        } catch {
          var failed = item
          failed.note = "\(error)"
          outcome.failed.append(failed)
        }
      }
    }
    return outcome
  }

  /// Restores one entry and records it, also when only part of it could be done; returns a
  /// note on anything beyond the plain restore.
  func restoreEntry(_ entry: AuditEntry, putTags: inout Set<String>, scratch: URL) async throws
    -> String?
  {
    guard let data = entry.manifest, let digest = entry.digest,
      let mediaType = entry.mediaType
    else {
      throw ActionError.cannotRestore(
        "audit entry \(entry.id.map(String.init) ?? "?") has no manifest bytes to restore")
    }
    let digestText = digest.description
    try digest.verify(data, what: "the manifest kept in the audit log")
    let repository = entry.repository
    var notes: [String] = []
    var restoredTags: [String] = []
    if entry.action == .delete {
      let copied = try await ensureReferencedContent(
        repository: repository, manifest: try Manifest(data: data, mediaType: mediaType),
        scratch: scratch)
      if copied > 0 {
        notes.append("copied \(copied) missing blob(s) or manifest(s) from the backup")
      }
      try await client.putManifest(
        repository: repository, reference: digestText, data: data, mediaType: mediaType)
    } else if try await client.headManifest(repository: repository, reference: digestText) == nil {
      throw ActionError.cannotRestore(
        "\(repository)@\(digestText) is gone from the registry; restore its delete first")
    }
    do {
      for tag in entry.tags {
        let key = "\(repository):\(tag)"
        if let now = try await client.headManifest(repository: repository, reference: tag),
          now.digest != digest, !putTags.contains(key)
        {
          notes.append("tag \(tag) now points at \(now.digest); left as it is")
          continue
        }
        try await client.putManifest(
          repository: repository, reference: tag, data: data, mediaType: mediaType)
        putTags.insert(key)
        restoredTags.append(tag)
      }
    } catch {
      // The manifest is back (and maybe some tags): that change is recorded too.
      try? record(entry, tags: restoredTags, detail: "partly: \(error)")
      throw error
    }
    try record(entry, tags: restoredTags, detail: nil)
    return notes.isEmpty ? nil : notes.joined(separator: "; ")
  }

  func record(_ entry: AuditEntry, tags: [String], detail: String?) throws {
    let restores = "restores audit entry \(entry.id.map(String.init) ?? "?")"
    try store.recordAudit(
      AuditEntry(
        registry: registry.name, repository: entry.repository, action: .restore,
        digest: entry.digest, tags: tags, mediaType: entry.mediaType, manifest: entry.manifest,
        detail: detail.map { "\(restores), \($0)" } ?? restores))
  }

  /// Checks that the registry holds everything the manifest references; copies what is
  /// missing from the backup, or fails naming it. Returns how many were copied.
  func ensureReferencedContent(repository: String, manifest: Manifest, scratch: URL)
    async throws -> Int
  {
    var copied = 0
    var missing = MissingContent(blobs: [], manifests: [], hasBackup: backup != nil)
    switch manifest {
    case .image(let image):
      for blob in [image.config] + image.layers {
        if try await client.headBlob(repository: repository, digest: blob.digest) != nil {
          continue
        }
        guard let backup else {
          missing.blobs.append(blob.digest.description)
          continue
        }
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        do {
          // Through a file, so a large layer never sits in memory.
          try await ImageCopy(source: backup, destination: client, scratch: scratch).copyBlob(
            repository: repository, blob)
          copied += 1
        } catch {
          missing.blobs.append(blob.digest.description)
        }
      }
    case .index(let index):
      for child in index.manifests {
        let reference = child.digest.description
        if try await client.headManifest(repository: repository, reference: reference) != nil {
          continue
        }
        guard let backup,
          let childManifest = try? await backup.manifest(
            repository: repository, reference: reference)
        else {
          missing.manifests.append(reference)
          continue
        }
        copied += try await ensureReferencedContent(
          repository: repository, manifest: try childManifest.decoded(), scratch: scratch)
        try await client.putManifest(
          repository: repository, reference: reference, data: childManifest.data,
          mediaType: childManifest.mediaType)
        copied += 1
      }
    }
    if !missing.blobs.isEmpty || !missing.manifests.isEmpty { throw missing }
    return copied
  }
}
