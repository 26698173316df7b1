import MetadataCache

/// `acr purge`'s decisions over one repository's cache facts: pure, no registry, no clock
/// (the cutoff is in the policy). Two corrections to acr: the children of a locked index
/// stay (acr skips a locked manifest before walking its children), and `--keep` keeps an
/// untagged index together with its untagged children (acr can keep one and delete the
/// other).
public struct PurgeEvaluation: Sendable {
  public let policy: PurgePolicy

  public init(policy: PurgePolicy) { self.policy = policy }

  /// Both phases: tags first, then the manifests as they stand once those tags are gone.
  public func evaluate(_ facts: RepositoryFacts) -> RepositoryPlan {
    var plan = RepositoryPlan(repository: facts.repository)
    guard policy.covers(repository: facts.repository) else { return plan }
    if policy.untagged != .only { tagPhase(facts, into: &plan) }
    if policy.untagged != .none {
      manifestPhase(facts, removedTags: Set(plan.tagRemovals.map(\.reference)), into: &plan)
    }
    return plan
  }

  // MARK: tag phase

  /// Tags newest first; eligible = matches, strictly older than the cutoff, not locked
  /// (unless `--include-locked`); `--keep N` skips the first N eligible (acr's semantics:
  /// the newest of the old ones, not the newest overall).
  public func tagPhase(_ facts: RepositoryFacts, into plan: inout RepositoryPlan) {
    let filters = policy.tagFilters(for: facts.repository)
    guard !filters.isEmpty else { return }
    let manifests =
      policy.timeBasis == .created
      ? Dictionary(facts.manifests.map { ($0.digest, $0) }, uniquingKeysWith: { a, _ in a }) : [:]
    var matching: [TagFact] = []
    var times: [String?] = []
    for tag in facts.tags where filters.contains(where: { $0.matches(tag: tag.name) }) {
      matching.append(tag)
      times.append(policy.timeBasis.time(of: tag, manifest: manifests[tag.digest]))
    }
    // Newest first, no time last, then by name. Positions are sorted, not the facts: moving
    // large values is what a million-tag sort would spend its time on.
    let order = matching.indices.sorted { a, b in
      switch (times[a], times[b]) {
      case (let x?, let y?) where x != y: x > y
      case (.some, nil): true
      case (nil, .some): false
      default: matching[a].name < matching[b].name
      }
    }
    var eligibleSeen = 0
    for position in order {
      let tag = matching[position]
      let time = times[position]
      var decision = Decision(reference: tag.name, digest: tag.digest, time: time)
      if time == nil {
        decision.keptBecause = .noReadableTime
      } else if time! >= policy.cutoff {
        decision.keptBecause = .newerThanCutoff
      } else if !policy.includeLocked && isLocked(tag.changeableAttributes) {
        decision.keptBecause = .locked
      } else if eligibleSeen < policy.keep {
        eligibleSeen += 1
        decision.keptBecause = .keptNewest(policy.keep)
      }
      if decision.keptBecause == nil {
        plan.tagRemovals.append(decision)
      } else {
        plan.keptTags.append(decision)
      }
    }
  }

  // MARK: manifest phase

  /// The manifests no remaining tag points at, older than the cutoff, with a time, not
  /// locked, not referrers, not listed by a kept index; then `--keep N` over whole index
  /// closures. `removedTags` are the tags this run removes first.
  public func manifestPhase(
    _ facts: RepositoryFacts, removedTags: Set<String>, into plan: inout RepositoryPlan
  ) {
    var kept: [String: KeepReason] = [:]
    var candidates: [String: String] = [:]  // digest → time
    var byDigest: [String: ManifestFact] = [:]
    for manifest in facts.manifests { byDigest[manifest.digest] = manifest }
    for manifest in facts.manifests {
      let digest = manifest.digest
      let time = policy.timeBasis.time(of: manifest)
      if manifest.tags.contains(where: { !removedTags.contains($0) }) {
        kept[digest] = .tagged
      } else if !policy.includeLocked && isLocked(manifest.changeableAttributes) {
        kept[digest] = .locked
      } else if time == nil {
        kept[digest] = .noReadableTime
      } else if time! >= policy.cutoff {
        kept[digest] = .newerThanCutoff
      } else if let subject = manifest.subjectDigest {
        kept[digest] = .hasSubject(subject)
      } else if manifest.mediaType.isEmpty {
        kept[digest] = .noMediaType
      } else {
        candidates[digest] = time!
      }
    }
    // A kept index keeps what it lists, through nested indexes; a locked one too.
    var queue = kept.keys.filter { !(byDigest[$0]?.children.isEmpty ?? true) }
    while let index = queue.popLast() {
      for child in byDigest[index]?.children ?? [] where candidates[child] != nil {
        candidates[child] = nil
        kept[child] = .childOfKeptIndex(index)
        queue.append(child)
      }
    }
    if policy.keep > 0 { keepNewest(&candidates, kept: &kept, byDigest: byDigest) }

    for manifest in facts.manifests {
      let time = policy.timeBasis.time(of: manifest)
      if let time = candidates[manifest.digest] {
        plan.manifestDeletions.append(
          Decision(reference: manifest.digest, digest: manifest.digest, time: time))
      } else if let reason = kept[manifest.digest] {
        if reason == .tagged {
          plan.taggedManifests += 1
        } else {
          plan.keptManifests.append(
            Decision(
              reference: manifest.digest, digest: manifest.digest, time: time,
              keptBecause: reason))
        }
      }
    }
    // Newest first, then by digest; positions are sorted, as in the tag phase.
    let deletions = plan.manifestDeletions
    let order = deletions.indices.sorted { a, b in
      let x = deletions[a]
      let y = deletions[b]
      if x.time != y.time { return (x.time ?? "") > (y.time ?? "") }
      return x.digest < y.digest
    }
    plan.manifestDeletions = order.map { deletions[$0] }
  }

  /// `--keep N` for untagged manifests: an untagged index and the untagged children it
  /// lists count as one, so N keeps whole images and never splits them.
  func keepNewest(
    _ candidates: inout [String: String], kept: inout [String: KeepReason],
    byDigest: [String: ManifestFact]
  ) {
    var listedByCandidate: Set<String> = []
    for digest in candidates.keys {
      for child in byDigest[digest]?.children ?? [] where candidates[child] != nil {
        listedByCandidate.insert(child)
      }
    }
    let tops = candidates.keys.filter { !listedByCandidate.contains($0) }
      .sorted { (candidates[$0]!, $1) > (candidates[$1]!, $0) }
    for top in tops.prefix(policy.keep) {
      guard candidates[top] != nil else { continue }
      candidates[top] = nil
      kept[top] = .keptNewest(policy.keep)
      var queue = [top]
      while let index = queue.popLast() {
        for child in byDigest[index]?.children ?? [] where candidates[child] != nil {
          candidates[child] = nil
          kept[child] = .keptWithIndex(top)
          queue.append(child)
        }
      }
    }
  }
}
