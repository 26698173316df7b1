import MetadataCache

/// `acr purge`'s decisions over one repository's cache facts: pure, no registry, no clock
/// (the cutoff is in the policy). Two corrections to acr: the children of a locked index
/// stay (acr skips a locked manifest before walking its children), and `--keep` keeps an
/// untagged index together with its untagged children (acr can keep one and delete the
/// other).
public struct PurgeEvaluation: Sendable {
  public let policy: PurgePolicy
  /// Whether what stays is listed with its reason (the plan document shows it; acr's lines
  /// and a real run do not need it, and a million kept manifests cost time to list).
  public var listsKept = true

  public init(policy: PurgePolicy, listsKept: Bool = true) {
    self.policy = policy
    self.listsKept = listsKept
  }

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
    // Positions into the facts, not copies of them: copying a fact retains each string.
    let tags = facts.tags
    var matching: [Int] = []
    var times: [String?] = []
    for n in tags.indices where filters.contains(where: { $0.matches(tag: tags[n].name) }) {
      matching.append(n)
      times.append(
        policy.timeBasis == .created
          ? policy.timeBasis.time(of: tags[n], manifest: manifests[tags[n].digest])
          : policy.timeBasis.time(of: tags[n], manifest: nil))
    }
    // Newest first, no time last, then by name. Positions are sorted, not the facts: moving
    // large values is what a million-tag sort would spend its time on.
    let order = TimeOrder(times).sorted(
      Array(matching.indices), times: times, name: { tags[matching[$0]].name })
    var eligibleSeen = 0
    for position in order {
      let tag = matching[position]
      let time = times[position]
      var decision = Decision(reference: tags[tag].name, digest: tags[tag].digest, time: time)
      if time == nil {
        decision.keptBecause = .noReadableTime
      } else if time! >= policy.cutoff {
        decision.keptBecause = .newerThanCutoff
      } else if !policy.includeLocked && isLocked(tags[tag].changeableAttributes) {
        decision.keptBecause = .locked
      } else if eligibleSeen < policy.keep {
        eligibleSeen += 1
        decision.keptBecause = .keptNewest(policy.keep)
      }
      if decision.keptBecause == nil {
        plan.tagRemovals.append(decision)
      } else if listsKept {
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
    // Positions, not digests, index everything here: a million manifests are hashed once.
    let manifests = facts.manifests
    var kept = [KeepReason?](repeating: nil, count: manifests.count)
    var times = [String?](repeating: nil, count: manifests.count)
    var isCandidate = [Bool](repeating: false, count: manifests.count)
    var hasIndexes = false
    // Fields are read in place (`manifests[n].…`): a copy of a fact retains each string.
    for n in manifests.indices {
      let time = policy.timeBasis.time(of: manifests[n])
      times[n] = time
      if !manifests[n].children.isEmpty { hasIndexes = true }
      if !manifests[n].tags.isEmpty,
        manifests[n].tags.contains(where: { !removedTags.contains($0) })
      {
        kept[n] = .tagged
      } else if !policy.includeLocked && isLocked(manifests[n].changeableAttributes) {
        kept[n] = .locked
      } else if time == nil {
        kept[n] = .noReadableTime
      } else if time! >= policy.cutoff {
        kept[n] = .newerThanCutoff
      } else if let subject = manifests[n].subjectDigest {
        kept[n] = .hasSubject(subject)
      } else if manifests[n].mediaType.isEmpty {
        kept[n] = .noMediaType
      } else {
        isCandidate[n] = true
      }
    }
    if hasIndexes {
      var position: [String: Int] = [:]
      position.reserveCapacity(manifests.count)
      for n in manifests.indices { position[manifests[n].digest] = n }
      // A kept index keeps what it lists, through nested indexes; a locked one too.
      var queue = manifests.indices.filter { kept[$0] != nil && !manifests[$0].children.isEmpty }
      while let index = queue.popLast() {
        for child in manifests[index].children {
          guard let c = position[child], isCandidate[c] else { continue }
          isCandidate[c] = false
          kept[c] = .childOfKeptIndex(manifests[index].digest)
          queue.append(c)
        }
      }
      if policy.keep > 0 {
        keepNewest(
          manifests, times: times, position: position, isCandidate: &isCandidate, kept: &kept)
      }
    } else if policy.keep > 0 {
      keepNewest(manifests, times: times, position: [:], isCandidate: &isCandidate, kept: &kept)
    }

    var deletions: [Int] = []
    for n in manifests.indices {
      if isCandidate[n] {
        deletions.append(n)
      } else if let reason = kept[n] {
        if reason == .tagged {
          plan.taggedManifests += 1
        } else if listsKept {
          plan.keptManifests.append(
            Decision(
              reference: manifests[n].digest, digest: manifests[n].digest, time: times[n],
              keptBecause: reason))
        }
      }
    }
    // Newest first, then by digest.
    deletions.sort { a, b in
      times[a] != times[b]
        ? (times[a] ?? "") > (times[b] ?? "") : manifests[a].digest < manifests[b].digest
    }
    plan.manifestDeletions = deletions.map {
      Decision(reference: manifests[$0].digest, digest: manifests[$0].digest, time: times[$0])
    }
  }

  /// `--keep N` for untagged manifests: an untagged index and the untagged children it
  /// lists count as one, so N keeps whole images and never splits them.
  func keepNewest(
    _ manifests: [ManifestFact], times: [String?], position: [String: Int],
    isCandidate: inout [Bool], kept: inout [KeepReason?]
  ) {
    var listedByCandidate = Set<Int>()
    for n in manifests.indices where isCandidate[n] {
      for child in manifests[n].children {
        if let c = position[child], isCandidate[c] { listedByCandidate.insert(c) }
      }
    }
    let tops = manifests.indices.filter { isCandidate[$0] && !listedByCandidate.contains($0) }
      .sorted { (times[$0]!, manifests[$1].digest) > (times[$1]!, manifests[$0].digest) }
    for top in tops.prefix(policy.keep) {
      guard isCandidate[top] else { continue }
      isCandidate[top] = false
      kept[top] = .keptNewest(policy.keep)
      var queue = [top]
      while let index = queue.popLast() {
        for child in manifests[index].children {
          guard let c = position[child], isCandidate[c] else { continue }
          isCandidate[c] = false
          kept[c] = .keptWithIndex(manifests[top].digest)
          queue.append(c)
        }
      }
    }
  }
}
