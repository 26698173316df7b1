import JMESPath

/// One tag or manifest the purge decided on, with its time and, when it stays, why.
public struct Decision: Sendable, Hashable {
  /// A tag name or a manifest digest.
  public var reference: String
  /// The manifest (for a tag: the one it points at).
  public var digest: String
  /// Its time under the chosen basis; nil when there is none.
  public var time: String?
  /// nil when it goes.
  public var keptBecause: KeepReason?

  public init(reference: String, digest: String, time: String?, keptBecause: KeepReason? = nil) {
    self.reference = reference
    self.digest = digest
    self.time = time
    self.keptBecause = keptBecause
  }

  var document: JSON {
    var object: JSONObject = [
      "reference": .string(reference), "digest": .string(digest),
      "time": time.map(JSON.string) ?? .null,
    ]
    if let reason = keptBecause {
      object["reason"] = .string(reason.description)
      object["code"] = .string(reason.code)
    }
    return .object(object)
  }
}

/// What a purge decides for one repository: which tags go (tag phase), which manifests go
/// (manifest phase), and why each one it looked at stays.
public struct RepositoryPlan: Sendable {
  public var repository: String
  /// Tags to remove, newest first (acr's order).
  public var tagRemovals: [Decision] = []
  /// Tags that matched a filter and stay.
  public var keptTags: [Decision] = []
  /// Manifests to delete.
  public var manifestDeletions: [Decision] = []
  /// Manifests the manifest phase looked at that stay (tagged ones are only counted).
  public var keptManifests: [Decision] = []
  public var taggedManifests = 0

  public init(repository: String) { self.repository = repository }

  public var isEmpty: Bool { tagRemovals.isEmpty && manifestDeletions.isEmpty }

  public var document: JSON {
    .object([
      "repository": .string(repository),
      "tags": .array(tagRemovals.map(\.document)),
      "keptTags": .array(keptTags.map(\.document)),
      "manifests": .array(manifestDeletions.map(\.document)),
      "keptManifests": .array(keptManifests.map(\.document)),
      "taggedManifestsKept": .int(taggedManifests),
    ])
  }
}

/// A purge's whole plan: per repository, in name order.
public struct CleanupPlan: Sendable {
  public var registry: String
  public var cutoff: String
  public var timeBasis: TimeBasis
  public var repositories: [RepositoryPlan] = []

  public init(registry: String, cutoff: String, timeBasis: TimeBasis) {
    self.registry = registry
    self.cutoff = cutoff
    self.timeBasis = timeBasis
  }

  public var tagCount: Int { repositories.reduce(0) { $0 + $1.tagRemovals.count } }
  public var manifestCount: Int { repositories.reduce(0) { $0 + $1.manifestDeletions.count } }

  public var document: JSON {
    .object([
      "dryRun": .bool(true), "registry": .string(registry), "cutoff": .string(cutoff),
      "timeBasis": .string(timeBasis.rawValue),
      "repositories": .array(repositories.map(\.document)),
      "tagsToDelete": .int(tagCount), "manifestsToDelete": .int(manifestCount),
    ])
  }
}
