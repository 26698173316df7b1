import JMESPath
import MetadataCache

/// One manifest a delete will remove, with the tags that go with it and the storage it frees.
public struct PlannedDeletion: Sendable, Hashable {
  public var manifest: CachedManifest
  /// Tags that point at it (at the last sync) and go with it.
  public var tags: [String]
  /// The tag the user named it by, when it was chosen by tag.
  public var requestedTag: String?
  /// Bytes of its config, layers and own manifest that no remaining manifest in any
  /// repository of the registry references.
  public var bytesFreed: Int
  /// Blobs it references that another manifest still uses: kept, and not counted.
  public var sharedBlobs: Int
  /// The planned deletions whose presence lifted a guard on this one: the tagged index
  /// that lists it as a child, or the subject it refers to. It is deleted only after they
  /// are, and kept if any of them is not.
  public var dependsOn: Set<ManifestKey> = []

  public var key: ManifestKey {
    ManifestKey(repository: manifest.repository, digest: manifest.digest)
  }

  /// Chosen by digest with no tag: the "untagged" case that the index-child and referrer
  /// guards watch over.
  public var isByDigest: Bool { requestedTag == nil }
}

/// A target left alone, and why: every skip is reported, never silent.
public struct SkippedTarget: Sendable, Hashable {
  public var repository: String
  public var reference: String
  public var reason: SkipReason

  public init(repository: String, reference: String, reason: SkipReason) {
    self.repository = repository
    self.reference = reference
    self.reason = reason
  }

  public var document: JSON {
    .object([
      "repository": .string(repository), "reference": .string(reference),
      "reason": .string(reason.description), "code": .string(reason.code),
    ])
  }
}

/// What a delete would do, from the cache: the manifests, the tags that go with them, the
/// bytes that become free once layer sharing across the whole registry is counted, and
/// what is skipped by a guard.
public struct DeletePlan: Sendable {
  public var registry: String
  public var deletions: [PlannedDeletion]
  public var skipped: [SkippedTarget]

  public var bytesFreed: Int { deletions.saturatedSum(\.bytesFreed) }
  public var sharedBlobs: Int { deletions.saturatedSum(\.sharedBlobs) }
  public var tagCount: Int { deletions.saturatedSum(\.tags.count) }

  /// The plan as a dry run's document: its first field says so, and its names are
  /// conditional, so it cannot be taken for the record of a real run.
  public var dryRunDocument: JSON {
    var object: JSONObject = ["dryRun": .bool(true)]
    object["registry"] = .string(registry)
    object["wouldDelete"] = .array(
      deletions.map { item in
        .object([
          "repository": .string(item.manifest.repository),
          "digest": .string(item.manifest.digest.description),
          "tags": item.tags.isEmpty ? .null : .array(item.tags.map(JSON.string)),
          "bytesFreed": .int(item.bytesFreed),
          "sharedBlobsKept": .int(item.sharedBlobs),
        ])
      })
    object["skipped"] = .array(skipped.map(\.document))
    object["wouldFree"] = .int(bytesFreed)
    object["note"] = .string(
      "blobs shared with manifests that stay are not counted (\(sharedBlobs) kept)")
    return .object(object)
  }
}

/// Byte counts as people read them: 1.2 MB, 340 kB.
public enum ByteCount {
  public static func format(_ bytes: Int) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1000, unit < units.count - 1 {
      value /= 1000
      unit += 1
    }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
  }
}
