import JMESPath
import MetadataCache
import RegistryAPI

/// One tag to remove; the manifest it points at and its other tags stay.
public struct PlannedUntag: Sendable, Hashable {
  public var repository: String
  public var tag: String
  public var manifest: CachedManifest
}

/// What an untag would do: the tags to remove, and the targets left alone with why.
public struct UntagPlan: Sendable {
  public var registry: String
  public var untags: [PlannedUntag] = []
  public var skipped: [SkippedTarget] = []

  public init(registry: String) { self.registry = registry }

  /// The plan as a dry run's document.
  public var dryRunDocument: JSON {
    .object([
      "dryRun": .bool(true), "registry": .string(registry),
      "wouldUntag": .array(untags.map(\.document)),
      "skipped": .array(skipped.map(\.document)),
    ])
  }
}

extension PlannedUntag {
  var reference: String { "\(repository):\(tag)" }

  func skipped(_ reason: SkipReason) -> SkippedTarget {
    SkippedTarget(repository: repository, reference: reference, reason: reason)
  }

  var document: JSON {
    .object([
      "repository": .string(repository), "tag": .string(tag),
      "digest": .string(manifest.digest.description),
    ])
  }
}

/// What an untag did.
public struct UntagOutcome: Sendable {
  public var registry: String
  public var untagged: [PlannedUntag] = []
  public var skipped: [SkippedTarget] = []
  public var failed: [(PlannedUntag, FailureReason)] = []

  public init(registry: String) { self.registry = registry }

  public var document: JSON {
    .object([
      "registry": .string(registry),
      "untagged": .array(untagged.map(\.document)),
      "skipped": .array(skipped.map(\.document)),
      "failed": .array(
        failed.map {
          .object([
            "repository": .string($0.0.repository), "tag": .string($0.0.tag),
            "reason": .string($0.1.description),
          ])
        }),
    ])
  }
}

/// Removes tags only: the registry's tag deletion where it has one, else the
/// throwaway-manifest fallback (`RegistryClient.deleteTag`), which never leaves the tag on
/// the throwaway. Protection rules apply; a tag moved since the last sync is skipped.
public struct Untagger: Sendable {
  public let store: MetadataStore
  public let registry: RegistryInfo

  public init(store: MetadataStore, registry: RegistryInfo) {
    self.store = store
    self.registry = registry
  }

  var registryId: Int64 { registry.id }

  /// Tags to remove: a tag target names one; a digest target means every tag on it.
  public func plan(_ targets: [ActionTarget]) throws -> UntagPlan {
    var untags: [PlannedUntag] = []
    var skipped: [SkippedTarget] = []
    var seen: Set<String> = []
    let rules = try store.protectionRules(registryId: registryId)
    for (repository, group) in Dictionary(grouping: targets, by: \.repository).sorted(by: {
      $0.key < $1.key
    }) {
      let tags = try store.currentTags(registryId: registryId, repository: repository)
      var wanted: [(tag: String, digest: Digest)] = []
      for target in group {
        switch target.selector {
        case .tag(let tag):
          guard let digest = tags[tag] else {
            skipped.append(
              SkippedTarget(
                repository: repository, reference: target.description,
                reason: .tagNotInCache(repository: repository)))
            continue
          }
          wanted.append((tag, digest))
        case .digest(let digest):
          let onDigest = tags.filter { $0.value == digest }.keys.sorted()
          if onDigest.isEmpty {
            skipped.append(
              SkippedTarget(
                repository: repository, reference: target.description,
                reason: .noTagOnManifest))
          }
          wanted += onDigest.map { ($0, digest) }
        }
      }
      let manifests = try store.cachedManifests(
        registryId: registryId, repository: repository, digests: wanted.map(\.digest))
      for (tag, digest) in wanted where seen.insert("\(repository):\(tag)").inserted {
        guard let manifest = manifests[digest] else {
          skipped.append(
            SkippedTarget(
              repository: repository, reference: "\(repository):\(tag)",
              reason: .tagManifestNotInCache(digest: digest)))
          continue
        }
        if let rule = rules.first(where: {
          $0.covers(repository: repository, digest: digest, tags: [tag])
        }) {
          skipped.append(
            SkippedTarget(
              repository: repository, reference: "\(repository):\(tag)",
              reason: .protected(by: rule)))
          continue
        }
        untags.append(PlannedUntag(repository: repository, tag: tag, manifest: manifest))
      }
    }
    var plan = UntagPlan(registry: registry.name)
    plan.untags = untags
    plan.skipped = skipped
    return plan
  }

  /// Removes each tag and records it: logged as pending first, so a process killed after
  /// the registry removed the tag still leaves the way back. Call it on a checked plan.
  public func execute(
    _ untags: [PlannedUntag], client: RegistryClient,
    progress: (@Sendable (Int, Int) -> Void)? = nil
  ) async -> UntagOutcome {
    var outcome = UntagOutcome(registry: registry.name)
    for (index, item) in untags.enumerated() {
      defer { progress?(index + 1, untags.count) }
      do {
        var entry = AuditEntry(
          registry: registry.name, repository: item.repository, action: .untag,
          digest: item.manifest.digest, tags: [item.tag], mediaType: item.manifest.mediaType,
          manifest: item.manifest.raw)
        let auditId = try store.recordIntents([entry])[0]
        let how: TagDeletion
        do {
          how = try await client.deleteTag(repository: item.repository, tag: item.tag)
        } catch {
          entry.detail = "failed: \(error)"
          try? store.settleUntag(
            registryId: registryId, auditId: auditId, tag: item.tag, entry, done: false)
          throw error
        }
        if case .replacedAndDeleted(let throwaway) = how {
          entry.detail =
            "the registry cannot delete tags: moved onto throwaway \(throwaway), then deleted it"
        }
        try store.settleUntag(
          registryId: registryId, auditId: auditId, tag: item.tag, entry, done: true)
        outcome.untagged.append(item)
      } catch {
        outcome.failed.append((item, FailureReason(error)))
      }
    }
    return outcome
  }
}
