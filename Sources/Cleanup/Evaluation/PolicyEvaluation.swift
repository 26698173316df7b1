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

  /// One rule's verdict on one tag or image: the rule's position in priority order, and
  /// the reason it keeps (an index into `Reasons`), or -1 when it removes. Units are
  /// positions and verdicts small integers: a million candidates make no objects here.
  struct Entry {
    var rule: Int32
    var reason: Int32
    /// The unit's next entry (in rule order), or -1.
    var next: Int32
  }

  /// Keep reasons, each as the one-element `keptBy` list most candidates have (shared, so
  /// a million decisions kept by the same rule share one array).
  struct Reasons {
    var lists: [[String]] = []
    var index: [String: Int32] = [:]

    mutating func add(_ text: String) -> Int32 {
      if let n = index[text] { return n }
      let n = Int32(lists.count)
      lists.append([text])
      index[text] = n
      return n
    }
  }

  /// The verdicts of every rule on one kind of unit (tags or images), as lists per unit.
  struct Verdicts {
    var first: [Int32]
    var last: [Int32]
    var entries: [Entry] = []

    init(count: Int) {
      first = Array(repeating: -1, count: count)
      last = Array(repeating: -1, count: count)
    }

    func has(_ unit: Int) -> Bool { first[unit] >= 0 }

    mutating func append(_ unit: Int, rule: Int32, reason: Int32) {
      let n = Int32(entries.count)
      entries.append(Entry(rule: rule, reason: reason, next: -1))
      if last[unit] >= 0 { entries[Int(last[unit])].next = n } else { first[unit] = n }
      last[unit] = n
    }

    /// The unit's verdicts in rule order.
    func of(_ unit: Int) -> [Entry] {
      var out: [Entry] = []
      var n = first[unit]
      while n >= 0 {
        out.append(entries[Int(n)])
        n = entries[Int(n)].next
      }
      return out
    }
  }

  public func evaluate(_ facts: RepositoryFacts) -> [PolicyDecision] {
    var decisions: [PolicyDecision] = []
    evaluate(facts, into: &decisions)
    return decisions
  }

  /// The decisions over `facts` appended to `decisions` (a plan's own list: a million
  /// decisions are not copied from one array into another).
  public func evaluate(_ facts: RepositoryFacts, into decisions: inout [PolicyDecision]) {
    guard policy.covers(repository: facts.repository) else { return }
    let tags = facts.tags
    let manifests = facts.manifests
    // Positions by digest, not copies of the facts (a copy retains each string).
    var manifestAt: [String: Int] = [:]
    manifestAt.reserveCapacity(manifests.count)
    // Index loops: `for fact in facts` copies each fact, retaining every string in it.
    // Backwards, so that the first manifest with a digest is the one left: one hash each.
    for n in manifests.indices.reversed() {
      manifestAt[manifests[n].digest] = n
    }
    // The tags of each image, as a list of tag positions from the first manifest with the
    // digest (what a digest's tags are; equal digests share them).
    var tagManifest = [Int](repeating: -1, count: tags.count)
    var tagHead = [Int32](repeating: -1, count: manifests.count)
    var tagNext = [Int32](repeating: -1, count: tags.count)
    for t in tags.indices.reversed() {
      guard let m = manifestAt[tags[t].digest] else { continue }
      tagManifest[t] = m
      tagNext[t] = tagHead[m]
      tagHead[m] = Int32(t)
    }
    let canonical: (Int) -> Int =
      manifestAt.count == manifests.count
      ? { $0 } : { [manifestAt] n in manifestAt[manifests[n].digest]! }
    func isTagged(_ n: Int) -> Bool { tagHead[canonical(n)] >= 0 }
    func tagNames(_ n: Int) -> [String] {
      var names: [String] = []
      var t = tagHead[canonical(n)]
      while t >= 0 {
        names.append(tags[Int(t)].name)
        t = tagNext[Int(t)]
      }
      return names.sorted()
    }
    let rules = policy.rules.sorted(by: { $0.priority < $1.priority })
    // An image's tag names are needed only where a rule selects images by their tags (or
    // all images); a rule for untagged images asks only whether it has any.
    let imageTags: [[String]]? =
      rules.contains { !$0.actsOnTags && !$0.selection.isUntagged }
      ? manifests.indices.map(tagNames) : nil

    let tagTimes = tags.indices.map { t in
      timeBasis == .created
        ? timeBasis.time(
          of: tags[t], manifest: tagManifest[t] >= 0 ? manifests[tagManifest[t]] : nil)
        : timeBasis.time(of: tags[t], manifest: nil)
    }
    let imageTimes = manifests.indices.map { timeBasis.time(of: manifests[$0]) }
    let tagOrder = TimeOrder(tagTimes)
    let imageOrder = TimeOrder(imageTimes)
    let tagNameOrder = NameOrder(count: tags.count) { tags[$0].name }
    let digestOrder = NameOrder(count: manifests.count) { manifests[$0].digest }

    let protection = protections(facts)
    let tagProtectedBy: [[String]?] =
      protection.tags.isEmpty
      ? Array(repeating: nil, count: tags.count)
      : tags.indices.map { protection.tags[tags[$0].name] }
    let imageProtectedBy: [[String]?] =
      protection.digests.isEmpty
      ? Array(repeating: nil, count: manifests.count)
      : manifests.indices.map { protection.digests[manifests[$0].digest] }

    var reasons = Reasons()
    var tagVerdicts = Verdicts(count: tags.count)
    var imageVerdicts = Verdicts(count: manifests.count)
    var claimedTags = [Bool](repeating: false, count: tags.count)
    var claimedImages = [Bool](repeating: false, count: manifests.count)
    for (r, rule) in rules.enumerated() {
      let onTags = rule.actsOnTags
      let selected: [Int]
      if onTags {
        selected = tags.indices.filter { t in
          switch rule.selection {
          case .tags(let matcher): matcher.matches(tag: tags[t].name)
          case .untagged, .any: true
          }
        }
      } else {
        selected = manifests.indices.filter { n in
          switch rule.selection {
          case .tags(let matcher): isTagged(n) && matcher.matches(tags: imageTags![n])
          case .untagged: !isTagged(n)
          case .any: true
          }
        }
      }
      let verdicts = judge(
        rule, selected, times: onTags ? tagTimes : imageTimes,
        order: onTags ? tagOrder : imageOrder, names: onTags ? tagNameOrder : digestOrder,
        reference: { onTags ? tags[$0].name : manifests[$0].digest },
        groupTags: { onTags ? [tags[$0].name] : imageTags?[$0] ?? [] },
        counts: {
          policy.combination == .priority
            || (onTags ? tagProtectedBy[$0] : imageProtectedBy[$0]) == nil
        }, reasons: &reasons)
      for (unit, reason) in zip(selected, verdicts) {
        if policy.combination == .priority {
          // ECR: the first rule that selects an image decides for it; later rules have
          // counted it, but cannot expire it.
          if onTags {
            if claimedTags[unit] { continue }
            claimedTags[unit] = true
          } else {
            if claimedImages[unit] { continue }
            claimedImages[unit] = true
          }
        }
        if onTags {
          tagVerdicts.append(unit, rule: Int32(r), reason: reason)
        } else {
          imageVerdicts.append(unit, rule: Int32(r), reason: reason)
        }
      }
    }
    let ruleIds = rules.map { [$0.id] }
    func decide(
      kind: PolicyDecision.Kind, reference: String, digest: String, tags: [String],
      time: String?, _ verdicts: Verdicts, _ unit: Int, _ protectedBy: [String]?
    ) -> PolicyDecision {
      var decision = PolicyDecision(
        repository: facts.repository, kind: kind, reference: reference, digest: digest,
        tags: tags, time: time, action: .keep, chosenBy: [], keptBy: protectedBy ?? [])
      let first = verdicts.entries[Int(verdicts.first[unit])]
      if first.next < 0 && protectedBy == nil {
        // One verdict, no protection (nearly every candidate): shared lists.
        if first.reason < 0 {
          decision.chosenBy = ruleIds[Int(first.rule)]
        } else {
          decision.keptBy = reasons.lists[Int(first.reason)]
        }
      } else {
        for entry in verdicts.of(unit) {
          if entry.reason < 0 {
            decision.chosenBy.append(rules[Int(entry.rule)].id)
          } else {
            decision.keptBy.append(reasons.lists[Int(entry.reason)][0])
          }
        }
      }
      if decision.keptBy.isEmpty && !decision.chosenBy.isEmpty { decision.action = .delete }
      return decision
    }

    // Which tags go (no protection, and every rule that chose one removes it): an image
    // whose tag stays is kept below.
    var tagGoes = [Bool](repeating: false, count: tags.count)
    for t in tags.indices where tagVerdicts.has(t) && tagProtectedBy[t] == nil {
      tagGoes[t] = tagVerdicts.of(t).allSatisfy { $0.reason < 0 }
    }
    // By name, as the images' tags are named: made only when an image that goes has tags.
    var byName: (stays: Set<String>, kept: Set<String>)?
    func tagSets() -> (stays: Set<String>, kept: Set<String>) {
      if let byName { return byName }
      var stays = Set<String>()
      var kept = Set<String>()
      for t in tags.indices {
        if !tagGoes[t] { stays.insert(tags[t].name) }
        if tagVerdicts.has(t), tagVerdicts.of(t).contains(where: { $0.reason >= 0 }) {
          kept.insert(tags[t].name)
        }
      }
      byName = (stays, kept)
      return (stays, kept)
    }
    var images: [PolicyDecision] = []
    var imagePositions: [Int] = []
    for n in manifests.indices where imageVerdicts.has(n) {
      let unitTags = imageTags?[n] ?? []
      var decision = decide(
        kind: .manifest, reference: manifests[n].digest, digest: manifests[n].digest,
        tags: unitTags, time: imageTimes[n], imageVerdicts, n, imageProtectedBy[n])
      if decision.goes {
        decision.action = .delete
        if policy.combination == .keepWins, !unitTags.isEmpty {
          let (tagStays, keptTags) = tagSets()
          let removing = imageVerdicts.of(n).filter { $0.reason < 0 }.map { rules[Int($0.rule)] }
          if let stays = unitTags.first(where: { tag in
            protection.tags[tag] != nil || keptTags.contains(tag)
              || (tagStays.contains(tag) && !removing.contains { matches($0, tag: tag) })
          }) {
            // Keep wins: deleting the image would take a tag that a rule keeps, or that no
            // rule chose.
            decision.action = .keep
            decision.keptBy.append("its tag \(stays) stays")
          }
        }
      }
      images.append(decision)
      imagePositions.append(n)
    }
    guardGraph(&images, manifests: manifests, at: manifestAt)
    // A tag untagged here whose image is deleted goes with it: one request, not two.
    // By index, not `filter(\.goes)`: that copies each decision, retaining its strings.
    let deleted =
      images.contains(where: { $0.goes })
      ? Set(images.indices.filter { images[$0].goes }.map { images[$0].digest }) : []

    // Tags, then images, each newest first (no time last, then by name): the decisions are
    // made in that order, and the images moved into it, so none is copied.
    let tagPositions = tagOrder.sorted(
      tags.indices.filter {
        tagVerdicts.has($0) && !(tagGoes[$0] && deleted.contains(tags[$0].digest))
      }, times: tagTimes, names: tagNameOrder, name: { tags[$0].name })
    for t in tagPositions {
      var decision = decide(
        kind: .tag, reference: tags[t].name, digest: tags[t].digest, tags: [], time: tagTimes[t],
        tagVerdicts, t, tagProtectedBy[t])
      if decision.goes { decision.action = .untag }
      decisions.append(decision)
    }
    let imageTimesInOrder = imagePositions.map { imageTimes[$0] }
    let order = TimeOrder(imageTimesInOrder).sorted(
      Array(images.indices), times: imageTimesInOrder,
      names: digestOrder.picking(imagePositions), name: { images[$0].reference })
    images.permute(to: order)
    decisions.append(moving: &images, leaving: .placeholder)
  }

  // MARK: selection and verdicts

  func matches(_ rule: Rule, tag: String) -> Bool {
    if case .tags(let matcher) = rule.selection { return matcher.matches(tag: tag) }
    return rule.selection.isAny
  }

  /// One rule's verdict over what it selects (`units`, positions): newest first (no time
  /// last, then by reference), the first `newest` of each group counted (`counts` says
  /// what is counted) and those within `within` kept; no readable time always keeps. A
  /// verdict is -1 (remove) or the index of the keep reason in `reasons`.
  func judge(
    _ rule: Rule, _ units: [Int], times: [String?], order timeOrder: TimeOrder,
    names: NameOrder, reference: (Int) -> String,
    groupTags: (Int) -> [String], counts: (Int) -> Bool, reasons: inout Reasons
  ) -> [Int32] {
    let order = units.indices.sorted { a, b in
      timeOrder.precedes(units[a], units[b], times: times)
        ?? names.precedes(units[a], units[b])
        ?? (reference(units[a]) < reference(units[b]))
    }
    let cutoff = rule.keepWithin.map { Timestamp.format(now.addingTimeInterval(-$0)) }
    // The reasons are the same text for every unit a rule keeps: made once, shared.
    let noTime = reasons.add("\(rule.id): no readable time")
    let within = rule.keepWithin.map { reasons.add("\(rule.id): within \(Self.days($0))") }
    let newestReason = rule.keepNewest.map { reasons.add("\(rule.id): one of the \($0) newest") }
    var seen: [String: Int] = [:]
    var seenUngrouped = 0
    var groupReasons: [String: Int32] = [:]
    var verdicts = [Int32](repeating: -1, count: units.count)
    for position in order {
      let unit = units[position]
      guard let time = times[unit] else {
        verdicts[position] = noTime
        continue
      }
      if let newest = rule.keepNewest, counts(unit) {
        if let grouping = rule.groupBy {
          let group = groupKey(grouping, groupTags(unit))
          let n = seen[group, default: 0]
          seen[group] = n + 1
          if n < newest {
            if let reason = groupReasons[group] {
              verdicts[position] = reason
            } else {
              let reason = reasons.add(
                "\(rule.id): one of the \(newest) newest of \(grouping.rawValue) \(group)")
              groupReasons[group] = reason
              verdicts[position] = reason
            }
            continue
          }
        } else {
          let n = seenUngrouped
          seenUngrouped = n + 1
          if n < newest {
            verdicts[position] = newestReason!
            continue
          }
        }
      }
      if let cutoff, time >= cutoff {
        verdicts[position] = within!
      }
    }
    return verdicts
  }

  func groupKey(_ grouping: Rule.Grouping, _ tags: [String]) -> String {
    guard let version = tags.compactMap(SemanticVersion.init).max() else { return "" }
    return grouping == .semverMajor ? "\(version.major)" : "\(version.major).\(version.minor)"
  }

  static func days(_ seconds: Double) -> String {
    seconds.truncatingRemainder(dividingBy: 86_400) == 0
      ? "\(Int(seconds / 86_400))d" : "\(Int(seconds))s"
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
        // Index loops: `for tag in facts.tags` copies each fact, retaining its strings.
        let tags = facts.tags
        for t in tags.indices where matcher.matches(tag: tags[t].name) {
          let tag = tags[t]
          out.tags[tag.name, default: []].append("\(label): tag \(tag.name) is protected")
          out.digests[tag.digest, default: []].append("\(label): its tag \(tag.name) is protected")
        }
      case .digests(let digests):
        let manifests = facts.manifests
        for n in manifests.indices where digests.contains(manifests[n].digest) {
          out.digests[manifests[n].digest, default: []].append("\(label): digest is protected")
        }
      case .locked:
        let tags = facts.tags
        for t in tags.indices where isLocked(tags[t].changeableAttributes) {
          let tag = tags[t]
          out.tags[tag.name, default: []].append("\(label): tag is locked")
          out.digests[tag.digest, default: []].append("\(label): its tag \(tag.name) is locked")
        }
        let manifests = facts.manifests
        for n in manifests.indices where isLocked(manifests[n].changeableAttributes) {
          out.digests[manifests[n].digest, default: []].append("\(label): manifest is locked")
        }
      case .inUse(let list):
        let inUse = list.tags[facts.repository] ?? []
        let tags = facts.tags
        for t in tags.indices where inUse.contains(tags[t].name) {
          let tag = tags[t]
          out.tags[tag.name, default: []].append("\(label): in use (\(list.source))")
          out.digests[tag.digest, default: []].append(
            "\(label): in use as \(facts.repository):\(tag.name)")
        }
        let manifests = facts.manifests
        for n in manifests.indices where list.digests.contains(manifests[n].digest) {
          out.digests[manifests[n].digest, default: []].append(
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
    guard images.contains(where: { $0.goes }) else { return }
    // Each decision's position by digest, made only when a kept index lists one that goes
    // (rarely), not a million digests hashed for nothing.
    var positions: [String: Int]?
    func position(_ digest: String) -> Int? {
      if positions == nil {
        var made: [String: Int] = [:]
        for n in images.indices { made[images[n].digest] = n }
        positions = made
      }
      return positions![digest]
    }
    var deleted = Set(images.indices.filter { images[$0].goes }.map { images[$0].digest })
    var queue = manifests.indices.filter {
      !manifests[$0].children.isEmpty && !deleted.contains(manifests[$0].digest)
    }
    while let index = queue.popLast() {
      for child in manifests[index].children where deleted.contains(child) {
        deleted.remove(child)
        if let n = position(child) {
          images[n].action = .keep
          images[n].keptBy.append("listed by the kept index \(manifests[index].digest)")
        }
        if let c = manifestAt[child] { queue.append(c) }
      }
    }
    for n in images.indices where images[n].goes {
      if let m = manifestAt[images[n].digest], let subject = manifests[m].subjectDigest,
        manifestAt[subject] != nil, !deleted.contains(subject)
      {
        images[n].action = .keep
        images[n].keptBy.append("a referrer of \(subject), which stays")
      }
    }
  }
}

extension Rule.Selection {
  var isAny: Bool {
    if case .any = self { return true }
    return false
  }

  var isUntagged: Bool {
    if case .untagged = self { return true }
    return false
  }
}
