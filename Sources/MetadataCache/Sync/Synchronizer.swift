import Foundation
import RegistryAPI

/// What a sync did, for the summary line and for tests.
public struct SyncReport: Sendable {
  public var repositories: [String] = []
  public var failed: [(repository: String, reason: String)] = []
  /// Manifests GET from the registry (new digests only).
  public var manifestsFetched = 0
  /// Tag and digest HEAD requests.
  public var headRequests = 0
  public var manifestsGone = 0
  /// Tags (and index children) left out of a repository that otherwise synced.
  public var skipped: [SkippedTag] = []
}

/// A tag, or an untagged index child, that sync left out: its name or its manifest is
/// invalid. The rest of its repository synced; the cache keeps what it knew of this tag.
public struct SkippedTag: Sendable, Hashable {
  public var repository: String
  /// Nil for an index's child, which has no tag.
  public var tag: String?
  public var digest: String?
  public var reason: String

  public init(repository: String, tag: String?, digest: String?, reason: String) {
    self.repository = repository
    self.tag = tag
    self.digest = digest
    self.reason = reason
  }
}

/// Progress of a running sync, for a progress bar.
public struct SyncProgress: Sendable {
  public var repositoriesDone: Int
  public var repositoriesTotal: Int
  public var manifestsDone: Int
  public var startedAt: Date
}

/// Brings the cache up to date with a registry: catalog, then tags, then a HEAD per tag;
/// a manifest (and its config) is fetched only when its digest is new. Untagged manifests
/// stay in the cache, checked with HEAD, until the registry answers 404.
public struct Synchronizer: Sendable {
  public let store: MetadataStore
  public let registry: RegistryInfo
  public let client: RegistryClient
  public var concurrency: Int
  public var onProgress: (@Sendable (SyncProgress) -> Void)?

  public init(
    store: MetadataStore, registry: RegistryInfo, client: RegistryClient, concurrency: Int = 8
  ) {
    self.store = store
    self.registry = registry
    self.client = client
    self.concurrency = max(1, concurrency)
  }

  /// Syncs the named repositories, or every repository in the catalog when `repositories` is nil.
  public func sync(repositories names: [String]? = nil) async throws -> SyncReport {
    let registryId = registry.id
    var report = SyncReport()
    let repositories: [String]
    if let names {
      repositories = names
    } else {
      repositories = client.isACR ? try await client.acrCatalog() : try await client.catalog()
      try store.markRepositoriesGone(registryId: registryId, except: Set(repositories))
    }
    let started = Date()
    var manifestsDone = 0
    var stalled: String?
    for (i, repository) in repositories.enumerated() {
      // A registry that stopped answering would cost every remaining repository a minute of
      // timeouts: they are reported as not tried instead (their cache entries stay as they were).
      if let stalled {
        report.failed.append(
          (repository, "not tried: an earlier repository timed out (\(stalled))"))
        continue
      }
      // A name no registry may hold (a NUL, a control byte, upper case) is refused here and
      // never written to the cache, where it could be cut short into another repository's name.
      do {
        try Reference.validateRepository(repository)
      } catch {
        report.failed.append((repository, "\(error)"))
        continue
      }
      do {
        let known = try store.knownManifests(registryId: registryId, repository: repository)
        // Sync compares the registry's own text with the cache's, digest for digest.
        let knownTags = try store.currentTags(registryId: registryId, repository: repository)
          .mapValues(\.description)
        let snapshot = try await self.snapshot(
          repository: repository, known: known, knownTags: knownTags, report: &report)
        try store.apply(snapshot, registryId: registryId, repository: repository)
        report.repositories.append(repository)
        report.manifestsGone += snapshot.gone.count
        manifestsDone += snapshot.present.count
      } catch {
        report.failed.append((repository, "\(error)"))
        try? store.recordSyncFailure(
          registryId: registryId, repository: repository, reason: "\(error)")
        if case .limitExceeded(_, _, _, let exceeded, _)? = error as? RegistryError,
          exceeded.isTimeout
        {
          stalled = "\(exceeded)"
        }
      }
      onProgress?(
        SyncProgress(
          repositoriesDone: i + 1, repositoriesTotal: repositories.count,
          manifestsDone: manifestsDone,
          startedAt: started))
    }
    return report
  }

  /// - Parameter knownTags: tag → digest as of the last sync; a tag found there is checked
  ///   with a conditional HEAD, which costs the registry less when nothing changed.
  func snapshot(
    repository: String, known: [String: KnownManifest], knownTags: [String: String] = [:],
    report: inout SyncReport
  ) async throws -> RepositorySnapshot {
    var snapshot = RepositorySnapshot()
    if client.isACR {
      // ACR lists untagged manifests itself, with timestamps and locks.
      for manifest in try await client.acrManifests(repository: repository) {
        snapshot.acrManifests[manifest.digest.description] = manifest
        snapshot.present.insert(manifest.digest.description)
      }
      for tag in try await client.acrTags(repository: repository) {
        do {
          try Reference.validateTag(tag.name)
        } catch {
          skip(
            tag.name, digest: tag.digest.description, in: repository, "\(error)",
            knownTags: knownTags, &snapshot, &report)
          continue
        }
        snapshot.tags[tag.name] = tag.digest.description
        snapshot.acrTags[tag.name] = tag
      }
    } else {
      var tags: [String] = []
      for tag in try await client.tags(repository: repository) {
        do {
          try Reference.validateTag(tag)
          tags.append(tag)
        } catch {
          skip(
            tag, digest: nil, in: repository, "\(error)", knownTags: knownTags, &snapshot, &report)
        }
      }
      let digests = try await concurrentMap(tags) { tag in
        try await Self.outcome {
          try await currentDigest(repository: repository, tag: tag, known: knownTags[tag])
        }
      }
      report.headRequests += tags.count
      for (tag, outcome) in zip(tags, digests) {
        switch outcome {
        case .failure(let error):
          skip(
            tag, digest: nil, in: repository, "\(error)", knownTags: knownTags, &snapshot, &report)
        case .success(nil): continue  // deleted between the listing and the HEAD
        case .success(let digest?):
          snapshot.tags[tag] = digest
          snapshot.present.insert(digest)
        }
      }
      // A local layout lists its untagged manifests too (index entries without a tag), so
      // they are found even by a cache that never saw them tagged.
      if let layouts = client.localLayouts {
        for entry in try layouts.layout(for: repository).readIndex().manifests {
          snapshot.present.insert(entry.digest.description)
        }
      }
    }

    // Fetch what is new, following index children (which are untagged) level by level.
    var queue = Array(snapshot.present.filter { known[$0]?.isUsable != true }).sorted()
    var reached = snapshot.present
    var children: [String] = []
    for digest in snapshot.present { children += known[digest]?.children ?? [] }
    while !queue.isEmpty || !children.isEmpty {
      let outcomes = try await concurrentMap(queue) { digest in
        try await Self.outcome { try await fetchManifest(repository: repository, digest: digest) }
      }
      var fetched: [FetchedManifest] = []
      for (digest, outcome) in zip(queue, outcomes) {
        switch outcome {
        case .success(let manifest): fetched.append(manifest)
        case .failure(let error):
          // Every tag on a manifest that cannot be read is left out, each reported.
          snapshot.present.remove(digest)
          let onIt = snapshot.tags.filter { $0.value == digest }.map(\.key).sorted()
          if onIt.isEmpty {
            report.skipped.append(
              SkippedTag(repository: repository, tag: nil, digest: digest, reason: "\(error)"))
          }
          for tag in onIt {
            skip(
              tag, digest: digest, in: repository, "\(error)", knownTags: knownTags, &snapshot,
              &report)
          }
        }
      }
      report.manifestsFetched += fetched.count
      snapshot.fetched += fetched
      for manifest in fetched { children += manifest.children.map(\.digest) }
      let newChildren = Set(children).subtracting(reached)
      children = []
      reached.formUnion(newChildren)
      snapshot.present.formUnion(newChildren)
      queue = newChildren.filter { known[$0]?.isUsable != true }.sorted()
      for digest in newChildren { children += known[digest]?.children ?? [] }
    }

    // Known manifests nothing points at any more: still served (untagged), or gone?
    if !client.isACR {
      let unreached = known.filter { !$0.value.isGone && !reached.contains($0.key) }.map(\.key)
        .sorted()
      let heads = try await concurrentMap(unreached) { digest in
        try await client.headManifest(repository: repository, reference: digest)
      }
      report.headRequests += unreached.count
      for (digest, head) in zip(unreached, heads) {
        if head == nil { snapshot.gone.insert(digest) } else { snapshot.present.insert(digest) }
      }
    } else {
      for (digest, manifest) in known where !manifest.isGone && !snapshot.present.contains(digest) {
        snapshot.gone.insert(digest)
      }
    }
    return snapshot
  }

  /// Leaves `tag` out of this sync and reports it. A tag the cache already knew keeps what
  /// the cache knew, so a manifest that broke on the registry never reads as a removed tag.
  func skip(
    _ tag: String, digest: String?, in repository: String, _ reason: String,
    knownTags: [String: String], _ snapshot: inout RepositorySnapshot, _ report: inout SyncReport
  ) {
    report.skipped.append(
      SkippedTag(repository: repository, tag: tag, digest: digest, reason: reason))
    snapshot.tags[tag] = nil
    if let known = knownTags[tag], known != digest {
      snapshot.tags[tag] = known
      snapshot.present.insert(known)
    }
  }

  /// Runs `body`, keeping an error that concerns one tag or manifest as the outcome; an
  /// error that concerns the whole registry (unreachable, timed out, access denied,
  /// cancelled) is thrown and fails the repository.
  static func outcome<T: Sendable>(_ body: () async throws -> T) async throws -> Result<
    T, any Error
  > {
    do {
      return .success(try await body())
    } catch {
      if isRegistryWide(error) { throw error }
      return .failure(error)
    }
  }

  static func isRegistryWide(_ error: any Error) -> Bool {
    if error is CancellationError { return true }
    guard let error = error as? RegistryError else { return true }
    switch error {
    case .transport, .unauthorized, .tokenRequest, .credentialHelper, .dockerConfig, .layout:
      return true
    case .limitExceeded(_, _, _, let exceeded, _):
      return exceeded.isTimeout
    case .status(let status, _, _, _, _):
      return status == 429 || status >= 500
    default:
      return false
    }
  }

  /// The digest `tag` names now, or nil when it is gone: one HEAD, conditional when the
  /// cache knows what the tag named last time.
  func currentDigest(repository: String, tag: String, known: String?) async throws -> String? {
    guard let known, let knownDigest = try? Digest(known) else {
      return try await client.headManifest(repository: repository, reference: tag)?.digest
        .description
    }
    switch try await client.checkManifest(
      repository: repository, reference: tag, known: knownDigest)
    {
    case .unchanged: return known
    case .changed(let head): return head.digest.description
    case .missing: return nil
    }
  }

  /// GETs one manifest (verified against its digest) and, for an image, its config.
  func fetchManifest(repository: String, digest: String) async throws -> FetchedManifest {
    let response = try await client.manifest(repository: repository, reference: digest)
    var fetched = FetchedManifest(digest: digest, mediaType: response.mediaType, raw: response.data)
    switch try response.decoded() {
    case .image(let manifest):
      fetched.artifactType = manifest.artifactType
      fetched.subjectDigest = manifest.subject?.digest.description
      fetched.configDigest = manifest.config.digest.description
      fetched.blobs.append(
        (
          -1, manifest.config.digest.description, max(0, manifest.config.size),
          manifest.config.mediaType
        ))
      for (i, layer) in manifest.layers.enumerated() {
        fetched.blobs.append((i, layer.digest.description, max(0, layer.size), layer.mediaType))
      }
      if Self.isImageConfig(manifest.config.mediaType), manifest.config.size < 4 << 20 {
        let data = try await client.blob(repository: repository, digest: manifest.config.digest)
        if let config = try? JSONDecoder().decode(ImageConfiguration.self, from: data) {
          fetched.configCreated = config.created.flatMap(Timestamp.normalize)
          fetched.architecture = config.architecture
          fetched.os = config.os
          fetched.variant = config.variant
        }
      }
    case .index(let index):
      fetched.artifactType = index.artifactType
      fetched.subjectDigest = index.subject?.digest.description
      for child in index.manifests {
        let platform = child.platform.map {
          [$0.os, $0.architecture, $0.variant].compactMap { $0 }.joined(separator: "/")
        }
        fetched.children.append((child.digest.description, child.mediaType, child.size, platform))
      }
    }
    return fetched
  }

  static func isImageConfig(_ mediaType: String) -> Bool {
    mediaType == MediaType.ociConfig || mediaType == MediaType.dockerConfig
  }

  /// Runs `body` over `items` with at most `concurrency` at once, keeping the order.
  func concurrentMap<T: Sendable, R: Sendable>(
    _ items: [T], _ body: @escaping @Sendable (T) async throws -> R
  ) async throws -> [R] {
    try await mapConcurrently(items, limit: concurrency, body)
  }
}
