import Foundation
import JMESPath

/// What a policy decides for one tag or one manifest it looked at: its action, which rules
/// chose it and which (rules or protections) kept it.
public struct PolicyDecision: Sendable, Hashable {
  public enum Kind: String, Sendable { case tag, manifest }
  public enum Action: String, Sendable { case untag, delete, keep }

  public var repository: String
  public var kind: Kind
  /// The tag name, or the manifest digest.
  public var reference: String
  public var digest: String
  /// For a manifest: the tags that go with it.
  public var tags: [String]
  public var time: String?
  public var action: Action
  /// The rules whose verdict was to remove it.
  public var chosenBy: [String]
  /// The rules, protections and graph guards that keep it, each with why.
  public var keptBy: [String]
  /// Filled in by the plan command for deletions (what the registry frees, shared blobs
  /// counted once); nil when not counted.
  public var bytesFreed: Int?

  public var goes: Bool { action != .keep }

  /// A decision that holds no object (empty strings and lists), left where one was moved
  /// out of a list.
  static let placeholder = PolicyDecision(
    repository: "", kind: .tag, reference: "", digest: "", tags: [], time: nil, action: .keep,
    chosenBy: [], keptBy: [])

  /// `repository:tag` or `repository@digest`.
  public var name: String {
    kind == .tag ? "\(repository):\(reference)" : "\(repository)@\(reference)"
  }

  /// The keys every candidate has, in the order printed: filled in place per candidate
  /// (a plan holds a million of them; hashing the keys again for each is what it cost).
  static let template: JSONObject = [
    "repository": .null, "kind": .null, "reference": .null, "digest": .null, "action": .null,
    "chosenBy": .null, "keptBy": .null, "time": .null,
  ]

  public var document: JSON {
    var object = Self.template
    object.values[0] = .string(repository)
    object.values[1] = .string(kind.rawValue)
    object.values[2] = .string(reference)
    object.values[3] = .string(digest)
    object.values[4] = .string(action.rawValue)
    object.values[5] = .array(chosenBy.map(JSON.string))
    object.values[6] = .array(keptBy.map(JSON.string))
    object.values[7] = time.map(JSON.string) ?? .null
    if kind == .manifest { object["tags"] = .array(tags.map(JSON.string)) }
    if let bytesFreed { object["bytesFreed"] = .int(bytesFreed) }
    return .object(object)
  }
}

/// A policy's decisions over a registry, with the totals and the limits' verdict.
public struct PolicyPlan: Sendable {
  public var registry: String
  public var source: String
  public var now: String
  public var timeBasis: TimeBasis
  public var limits: Limits
  /// For an ECR lifecycle policy: the `--repository` patterns it was applied to (a saved
  /// plan re-reads its policy the same way).
  public var ecrRepositories: [String]?
  public var decisions: [PolicyDecision] = []

  public init(registry: String, source: String, now: String, timeBasis: TimeBasis, limits: Limits) {
    self.registry = registry
    self.source = source
    self.now = now
    self.timeBasis = timeBasis
    self.limits = limits
  }

  public var changes: [PolicyDecision] { decisions.filter(\.goes) }
  // Counted by index: iterating a million decisions copies each one.
  public var untagCount: Int {
    decisions.indices.reduce(0) { $0 + (decisions[$1].action == .untag ? 1 : 0) }
  }
  public var deleteCount: Int {
    decisions.indices.reduce(0) { $0 + (decisions[$1].action == .delete ? 1 : 0) }
  }

  /// Why the limits refuse this plan, or nil when they allow it.
  public var limitExceeded: String? {
    let total = untagCount + deleteCount
    if let limit = limits.maxDeletes, total > limit {
      return "the plan removes \(total) tags and manifests, more than limits.maxDeletes \(limit)"
    }
    if let limit = limits.maxPerRepository {
      var perRepository: [String: Int] = [:]
      for decision in decisions where decision.goes {
        perRepository[decision.repository, default: 0] += 1
      }
      if let (repository, count) = perRepository.filter({ $0.value > limit }).min(by: {
        $0.key < $1.key
      }) {
        return
          "the plan removes \(count) tags and manifests from \(repository), more than limits.maxPerRepository \(limit)"
      }
    }
    return nil
  }

  public var document: JSON {
    let bytes = decisions.indices.reduce(0) { $0 &+ (decisions[$1].bytesFreed ?? 0) }
    var object: JSONObject = [
      "registry": .string(registry), "policy": .string(source), "now": .string(now),
      "timeBasis": .string(timeBasis.rawValue),
      "candidates": .array(Self.documents(decisions)),
      "totals": .object([
        "untag": .int(untagCount), "delete": .int(deleteCount),
        "keep": .int(decisions.count - untagCount - deleteCount), "bytesFreed": .int(bytes),
      ]),
    ]
    object["limitExceeded"] = limitExceeded.map(JSON.string) ?? .null
    if let ecrRepositories { object["ecrRepositories"] = .array(ecrRepositories.map(JSON.string)) }
    return .object(object)
  }

  /// Each decision's document, in order; a plan of a million candidates is built on every
  /// core (each is a few small objects, and making them is most of what printing costs).
  static func documents(_ decisions: [PolicyDecision]) -> [JSON] {
    let chunks = decisions.count < 50_000 ? 1 : ParallelFacts.defaultChunks
    // By index: iterating the decisions would copy each one, retaining its every string.
    guard chunks > 1 else { return decisions.indices.map { decisions[$0].document } }
    let bounds = (0...chunks).map { $0 * decisions.count / chunks }
    let results = ParallelFacts.Results<[JSON]>(count: chunks)
    DispatchQueue.concurrentPerform(iterations: chunks) { run in
      results.set(run, .success((bounds[run]..<bounds[run + 1]).map { decisions[$0].document }))
    }
    var parts = results.take().map { try! $0.get() }
    var out = parts.removeFirst()
    out.reserveCapacity(decisions.count)
    for part in parts { out += part }
    BackgroundRelease.release(parts)
    return out
  }
}
