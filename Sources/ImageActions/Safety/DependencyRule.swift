import MetadataCache

/// What safety rule 2 needs to know about a set of deletions: which tagged indexes list
/// each one, and which subject each referrer refers to while that subject exists. The
/// planner reads these from the cache, the live check from the registry; both kinds are
/// merged before the rule runs, so a guard either of them knows of holds.
public struct DependencyFacts: Sendable {
  /// Deletion → the tagged indexes (in the same repository) that list it as a child.
  public var taggedParents: [ManifestKey: [ParentIndex]] = [:]
  /// Deletion → the subject it refers to, where that subject still exists.
  public var liveSubject: [ManifestKey: ManifestKey] = [:]

  public init() {}

  /// Both sets of facts: every parent either names, and every subject.
  public func merging(_ other: DependencyFacts) -> DependencyFacts {
    var merged = self
    for (key, parents) in other.taggedParents {
      let known = Set((merged.taggedParents[key] ?? []).map(\.digest))
      merged.taggedParents[key, default: []] += parents.filter { !known.contains($0.digest) }
    }
    merged.liveSubject.merge(other.liveSubject) { own, _ in own }
    return merged
  }
}

/// Safety rule 2, the one place it is decided: a manifest chosen by digest that a tagged
/// index lists as a child, or a referrer whose subject exists, stays — unless that index
/// (or subject) is deleted in the same run, which then has to go first (`dependsOn`).
///
/// The planner runs it over cache facts, the live check over cache and live facts, and the
/// executor after every round of DELETEs (with no new facts), so that whatever depends on a
/// deletion that failed stays too. The executor deletes in the order `dependsOn` gives.
public struct DependencyRule: Sendable {
  /// Allow deleting a manifest that a tagged index lists as a child.
  public var includeChildren: Bool
  /// Allow deleting a referrer (signature, SBOM) whose subject still exists.
  public var includeReferrers: Bool

  public init(includeChildren: Bool = false, includeReferrers: Bool = false) {
    self.includeChildren = includeChildren
    self.includeReferrers = includeReferrers
  }

  /// The deletions that may go, each with what must go before it, and those that stay.
  ///
  /// - Parameter gone: deletions already done; they count as going.
  ///
  /// Repeated until nothing changes, because keeping one manifest can keep the ones that
  /// depended on it.
  public func settle(
    _ items: [PlannedDeletion], facts: DependencyFacts, gone: Set<ManifestKey> = []
  ) -> (kept: [PlannedDeletion], skipped: [SkippedTarget]) {
    var going = items
    var skipped: [SkippedTarget] = []
    while true {
      let present = Set(going.map(\.key)).union(gone)
      var next: [PlannedDeletion] = []
      for var item in going {
        let staying = item.dependsOn.filter { !present.contains($0) }
        if !staying.isEmpty {
          skipped.append(item.skipped(.belongsTo(staying.map(\.digest).sorted())))
          continue
        }
        switch verdict(on: item, present: present, facts: facts) {
        case .stays(let reason): skipped.append(item.skipped(reason))
        case .goes(let after):
          item.dependsOn.formUnion(after)
          next.append(item)
        }
      }
      if next.count == going.count { return (next, skipped) }
      going = next
    }
  }

  enum Verdict {
    /// A guard holds it.
    case stays(SkipReason)
    /// It may go, after these deletions (which lift its guards).
    case goes(after: Set<ManifestKey>)
  }

  /// Whether the item may go with only `present` going. Only a manifest chosen by digest is
  /// guarded: one chosen by tag was named by the user.
  func verdict(on item: PlannedDeletion, present: Set<ManifestKey>, facts: DependencyFacts)
    -> Verdict
  {
    guard item.isByDigest else { return .goes(after: []) }
    var after: Set<ManifestKey> = []
    if let subject = facts.liveSubject[item.key] {
      if present.contains(subject) {
        after.insert(subject)
      } else if !includeReferrers {
        return .stays(.referrerOfSubject(subject.digest))
      }
    }
    for parent in facts.taggedParents[item.key] ?? [] {
      let key = ManifestKey(repository: item.manifest.repository, digest: parent.digest)
      if present.contains(key) {
        after.insert(key)
      } else if !includeChildren {
        return .stays(.childOfTaggedIndex(index: parent.digest, tags: parent.tags.sorted()))
      }
    }
    return .goes(after: after)
  }
}
