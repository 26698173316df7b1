import Foundation
import MetadataCache

/// A retention policy's decisions over one repository's cache facts: pure, no registry,
/// the clock given. Protections first (never counted, never acted on), then each rule's
/// verdict over what it selects, newest first, per group; then the verdicts combine
/// (keep-wins or ECR's priority), and the graph guards keep what a kept index lists and
/// the referrers of what stays.
public struct PolicyEvaluation: Sendable {
  public let policy: RetentionPolicy
  public let now: Date
  public let timeBasis: TimeBasis

  public init(policy: RetentionPolicy, now: Date, timeBasis: TimeBasis? = nil) {
    self.policy = policy
    self.now = now
    self.timeBasis = timeBasis ?? policy.timeBasis ?? .updated
  }

  /// A tag (for untag rules) or an image — a manifest and its tags — for the others.
  struct Unit {
    var kind: PolicyDecision.Kind
    var reference: String
    var digest: String
    var tags: [String]
    var time: String?
  }

  enum Verdict {
    case remove
    case keep(String)
  }

  /// Rule id and verdict, per unit, in rule order.
  typealias Verdicts = [Int: [(rule: Rule, verdict: Verdict)]]

  public func evaluate(_ facts: RepositoryFacts) -> [PolicyDecision] {
    guard policy.covers(repository: facts.repository) else { return [] }
    // Positions by digest, not copies of the facts (a copy retains each string).
    var manifestAt: [String: Int] = [:]
    manifestAt.reserveCapacity(facts.manifests.count)
    for (n, manifest) in facts.manifests.enumerated() where manifestAt[manifest.digest] == nil {
      manifestAt[manifest.digest] = n
    }
    var tagsOf: [String: [String]] = [:]
    for tag in facts.tags { tagsOf[tag.digest, default: []].append(tag.name) }

    let tagUnits = facts.tags.map {
      Unit(
        kind: .tag, reference: $0.name, digest: $0.digest, tags: [],
        time: timeBasis == .created
          ? timeBasis.time(of: $0, manifest: manifestAt[$0.digest].map { facts.manifests[$0] })
          : timeBasis.time(of: $0, manifest: nil))
    }
    let imageUnits = facts.manifests.map {
      Unit(
        kind: .manifest, reference: $0.digest, digest: $0.digest,
        tags: (tagsOf[$0.digest] ?? []).sorted(), time: timeBasis.time(of: $0))
    }
    let protection = protections(facts)
    let isProtected: (Unit) -> Bool = { unit in
      unit.kind == .tag
        ? protection.tags[unit.reference] != nil : protection.digests[unit.digest] != nil
    }

    var tagVerdicts: Verdicts = [:]
    var imageVerdicts: Verdicts = [:]
    var claimedTags: [Int: String] = [:]
    var claimedImages: [Int: String] = [:]
    for rule in policy.rules.sorted(by: { $0.priority < $1.priority }) {
      let units = rule.actsOnTags ? tagUnits : imageUnits
      let selected = units.indices.filter { selects(rule, units[$0]) }
      let verdicts = judge(
        rule, selected.map { units[$0] },
        counts: {
          policy.combination == .priority || !isProtected($0)
        })
      for (position, verdict) in zip(selected, verdicts) {
        if policy.combination == .priority {
          // ECR: the first rule that selects an image decides for it; later rules have
          // counted it, but cannot expire it.
          if rule.actsOnTags {
            if claimedTags[position] != nil { continue }
            claimedTags[position] = rule.id
          } else {
            if claimedImages[position] != nil { continue }
            claimedImages[position] = rule.id
          }
        }
        if rule.actsOnTags {
          tagVerdicts[position, default: []].append((rule, verdict))
        } else {
          imageVerdicts[position, default: []].append((rule, verdict))
        }
      }
    }

    // Tags first: an image whose tag stays is kept below.
    var decisions: [PolicyDecision] = []
    var tagStays: Set<String> = []
    for (position, unit) in tagUnits.enumerated() {
      guard let verdicts = tagVerdicts[position] else {
        tagStays.insert(unit.reference)
        continue
      }
      var decision = decide(unit, verdicts, protection.tags[unit.reference], facts.repository)
      if decision.goes {
        decision.action = .untag
      } else {
        tagStays.insert(unit.reference)
      }
      decisions.append(decision)
    }
    // The tags a rule keeps (a set, since every image with tags asks about each of them).
    var keptTags = Set<String>()
    for (position, verdicts) in tagVerdicts
    where verdicts.contains(where: { if case .keep = $0.verdict { true } else { false } }) {
      keptTags.insert(tagUnits[position].reference)
    }
    var images: [PolicyDecision] = []
    for (position, unit) in imageUnits.enumerated() {
      guard let verdicts = imageVerdicts[position] else { continue }
      var decision = decide(unit, verdicts, protection.digests[unit.digest], facts.repository)
      if decision.goes {
        decision.action = .delete
        if policy.combination == .keepWins,
          let stays = unit.tags.first(where: { tag in
            protection.tags[tag] != nil || keptTags.contains(tag)
              || (tagStays.contains(tag)
                && !removingRules(verdicts).contains { matches($0, tag: tag) })
          })
        {
          // Keep wins: deleting the image would take a tag that a rule keeps, or that no
          // rule chose.
          decision.action = .keep
          decision.keptBy.append("its tag \(stays) stays")
        }
      }
      images.append(decision)
    }
    guardGraph(&images, manifests: facts.manifests, at: manifestAt)
    // A tag untagged here whose image is deleted goes with it: one request, not two.
    let deleted = Set(images.filter(\.goes).map(\.digest))
    decisions.removeAll { $0.goes && deleted.contains($0.digest) }
    return Self.ordered(decisions) + Self.ordered(images)
  }

  // MARK: selection and verdicts

  func selects(_ rule: Rule, _ unit: Unit) -> Bool {
    switch rule.selection {
    case .tags(let matcher):
      return unit.kind == .tag
        ? matcher.matches(tag: unit.reference)
        : !unit.tags.isEmpty && matcher.matches(tags: unit.tags)
    case .untagged: return unit.tags.isEmpty
    case .any: return true
    }
  }

  func matches(_ rule: Rule, tag: String) -> Bool {
    if case .tags(let matcher) = rule.selection { return matcher.matches(tag: tag) }
    return rule.selection.isAny
  }

  func removingRules(_ verdicts: [(rule: Rule, verdict: Verdict)]) -> [Rule] {
    verdicts.compactMap { if case .remove = $0.verdict { $0.rule } else { nil } }
  }

  /// One rule's verdict over what it selects: newest first (no time last, then by name),
  /// the first `newest` of each group counted (`counts` says what is counted) and those
  /// within `within` kept; no readable time always keeps.
  func judge(_ rule: Rule, _ units: [Unit], counts: (Unit) -> Bool) -> [Verdict] {
    let order = units.indices.sorted { a, b in
      switch (units[a].time, units[b].time) {
      case (let x?, let y?) where x != y: x > y
      case (.some, nil): true
      case (nil, .some): false
      default: units[a].reference < units[b].reference
      }
    }
    let cutoff = rule.keepWithin.map { Timestamp.format(now.addingTimeInterval(-$0)) }
    // The reasons are the same text for every unit a rule keeps: made once, shared.
    let noTime = Verdict.keep("\(rule.id): no readable time")
    let within = rule.keepWithin.map { Verdict.keep("\(rule.id): within \(Self.days($0))") }
    let newestReason = rule.keepNewest.map { Verdict.keep("\(rule.id): one of the \($0) newest") }
    var seen: [String: Int] = [:]
    var verdicts = [Verdict](repeating: .remove, count: units.count)
    for position in order {
      let unit = units[position]
      guard let time = unit.time else {
        verdicts[position] = noTime
        continue
      }
      let group = groupKey(rule, unit)
      if let newest = rule.keepNewest, counts(unit) {
        let n = seen[group, default: 0]
        seen[group] = n + 1
        if n < newest {
          verdicts[position] =
            rule.groupBy == nil
            ? newestReason!
            : .keep("\(rule.id): one of the \(newest) newest of \(rule.groupBy!.rawValue) \(group)")
          continue
        }
      }
      if let cutoff, time >= cutoff {
        verdicts[position] = within!
      }
    }
    return verdicts
  }

  func groupKey(_ rule: Rule, _ unit: Unit) -> String {
    guard let grouping = rule.groupBy,
      let version = (unit.kind == .tag ? [unit.reference] : unit.tags).compactMap(
        SemanticVersion.init
      ).max()
    else { return "" }
    return grouping == .semverMajor ? "\(version.major)" : "\(version.major).\(version.minor)"
  }

  static func days(_ seconds: Double) -> String {
    seconds.truncatingRemainder(dividingBy: 86_400) == 0
      ? "\(Int(seconds / 86_400))d" : "\(Int(seconds))s"
  }

  func decide(
    _ unit: Unit, _ verdicts: [(rule: Rule, verdict: Verdict)], _ protectedBy: [String]?,
    _ repository: String
  ) -> PolicyDecision {
    var decision = PolicyDecision(
      repository: repository, kind: unit.kind, reference: unit.reference, digest: unit.digest,
      tags: unit.kind == .manifest ? unit.tags : [], time: unit.time, action: .keep, chosenBy: [],
      keptBy: protectedBy ?? [])
    for (rule, verdict) in verdicts {
      switch verdict {
      case .remove: decision.chosenBy.append(rule.id)
      case .keep(let why): decision.keptBy.append(why)
      }
    }
    if decision.keptBy.isEmpty && !decision.chosenBy.isEmpty { decision.action = .delete }
    return decision
  }

  // MARK: protection

  /// Why the policy's protections cover this tag or manifest of `facts` (empty: they do
  /// not); for `policy explain` on something no rule selects.
  public func protectionReasons(_ facts: RepositoryFacts, reference: String) -> [String] {
    let protection = protections(facts)
    return (protection.tags[reference] ?? []) + (protection.digests[reference] ?? [])
  }

  struct Protected {
    /// tag name → why
    var tags: [String: [String]] = [:]
    /// digest → why
    var digests: [String: [String]] = [:]
  }

  func protections(_ facts: RepositoryFacts) -> Protected {
    var out = Protected()
    for (n, protection) in policy.protect.enumerated() {
      let label = "protect[\(n)]"
      switch protection {
      case .tags(let matcher):
        for tag in facts.tags where matcher.matches(tag: tag.name) {
          out.tags[tag.name, default: []].append("\(label): tag \(tag.name) is protected")
          out.digests[tag.digest, default: []].append("\(label): its tag \(tag.name) is protected")
        }
      case .digests(let digests):
        for manifest in facts.manifests where digests.contains(manifest.digest) {
          out.digests[manifest.digest, default: []].append("\(label): digest is protected")
        }
      case .locked:
        for tag in facts.tags where isLocked(tag.changeableAttributes) {
          out.tags[tag.name, default: []].append("\(label): tag is locked")
          out.digests[tag.digest, default: []].append("\(label): its tag \(tag.name) is locked")
        }
        for manifest in facts.manifests where isLocked(manifest.changeableAttributes) {
          out.digests[manifest.digest, default: []].append("\(label): manifest is locked")
        }
      case .inUse(let list):
        let inUse = list.tags[facts.repository] ?? []
        for tag in facts.tags where inUse.contains(tag.name) {
          out.tags[tag.name, default: []].append("\(label): in use (\(list.source))")
          out.digests[tag.digest, default: []].append(
            "\(label): in use as \(facts.repository):\(tag.name)")
        }
        for manifest in facts.manifests where list.digests.contains(manifest.digest) {
          out.digests[manifest.digest, default: []].append(
            "\(label): in use by digest (\(list.source))")
        }
      }
    }
    return out
  }

  // MARK: graph guards

  /// What a kept index lists stays (through nested indexes), and a referrer stays while its
  /// subject does: deleting either would break an image that is kept.
  func guardGraph(
    _ images: inout [PolicyDecision], manifests: [ManifestFact], at manifestAt: [String: Int]
  ) {
    var position: [String: Int] = [:]
    for (n, decision) in images.enumerated() { position[decision.digest] = n }
    var deleted = Set(images.filter(\.goes).map(\.digest))
    guard !deleted.isEmpty else { return }
    var queue = manifests.indices.filter {
      !manifests[$0].children.isEmpty && !deleted.contains(manifests[$0].digest)
    }
    while let index = queue.popLast() {
      for child in manifests[index].children where deleted.contains(child) {
        deleted.remove(child)
        if let n = position[child] {
          images[n].action = .keep
          images[n].keptBy.append("listed by the kept index \(manifests[index].digest)")
        }
        if let c = manifestAt[child] { queue.append(c) }
      }
    }
    for (n, decision) in images.enumerated() where decision.goes {
      if let m = manifestAt[decision.digest], let subject = manifests[m].subjectDigest,
        manifestAt[subject] != nil, !deleted.contains(subject)
      {
        images[n].action = .keep
        images[n].keptBy.append("a referrer of \(subject), which stays")
      }
    }
  }

  /// Newest first, no time last, then by reference: the order people read a plan in.
  static func ordered(_ decisions: [PolicyDecision]) -> [PolicyDecision] {
    // Positions are sorted, then the decisions moved once: moving large values is what a
    // sort of a million would spend its time on.
    decisions.indices.sorted { i, j in
      switch (decisions[i].time, decisions[j].time) {
      case (let x?, let y?) where x != y: return x > y
      case (.some, nil): return true
      case (nil, .some): return false
      default: return decisions[i].reference < decisions[j].reference
      }
    }.map { decisions[$0] }
  }
}

extension Rule.Selection {
  var isAny: Bool {
    if case .any = self { return true }
    return false
  }
}
