/// A retention policy, from a policy file or an ECR lifecycle document: which repositories,
/// what is never touched, and rules that select tags or manifests, keep some and untag or
/// delete the rest. Evaluated by `PolicyEvaluation` over cache facts, pure.
public struct RetentionPolicy: Sendable {
  /// How the verdicts of several rules over one tag or manifest combine.
  public enum Combination: String, Sendable {
    /// Any keep (or protection) wins; something goes only when every rule that selects
    /// it lets it go (GitLab's and Harbor's reading).
    case keepWins = "keep-wins"
    /// ECR's: rules apply by priority, the first rule that selects something decides for
    /// it alone, and lower rules still count what higher ones claimed.
    case priority
  }

  /// Where the policy came from, for messages and saved plans.
  public var source: String
  public var scope: Scope
  public var protect: [Protection]
  public var rules: [Rule]
  public var combination: Combination
  public var limits: Limits
  /// nil: the command's `--time-basis` (default updated).
  public var timeBasis: TimeBasis?

  public init(
    source: String, scope: Scope = Scope(), protect: [Protection] = [], rules: [Rule],
    combination: Combination = .keepWins, limits: Limits = Limits(), timeBasis: TimeBasis? = nil
  ) {
    self.source = source
    self.scope = scope
    self.protect = protect
    self.rules = rules
    self.combination = combination
    self.limits = limits
    self.timeBasis = timeBasis
  }

  public func covers(repository: String) -> Bool {
    (scope.repositories.isEmpty || scope.repositories.contains { $0.matches(repository) })
      && !scope.exclude.contains { $0.matches(repository) }
  }
}

public struct Scope: Sendable {
  /// Empty: every repository.
  public var repositories: [NamePattern]
  public var exclude: [NamePattern]

  public init(repositories: [NamePattern] = [], exclude: [NamePattern] = []) {
    self.repositories = repositories
    self.exclude = exclude
  }
}

/// Which tags a selector or protection names: any pattern, or a semver range. With
/// `everyPattern` (ECR's lists), an image is selected only when each pattern matches one
/// of its tags.
public struct TagMatcher: Sendable {
  public var patterns: [NamePattern]
  public var semver: SemanticVersionRange?
  public var everyPattern: Bool

  public init(
    patterns: [NamePattern] = [], semver: SemanticVersionRange? = nil, everyPattern: Bool = false
  ) {
    self.patterns = patterns
    self.semver = semver
    self.everyPattern = everyPattern
  }

  public func matches(tag: String) -> Bool {
    if patterns.contains(where: { $0.matches(tag) }) { return true }
    if let semver, let version = SemanticVersion(tag) { return semver.admits(version) }
    return false
  }

  /// Whether an image with these tags is selected.
  public func matches(tags: [String]) -> Bool {
    guard everyPattern else { return tags.contains(where: matches(tag:)) }
    return patterns.allSatisfy { pattern in tags.contains(where: pattern.matches) }
      && (semver == nil || tags.contains { SemanticVersion($0).map(semver!.admits) ?? false })
  }
}

/// What a policy never untags or deletes, whatever its rules say.
public enum Protection: Sendable {
  case tags(TagMatcher)
  case digests(Set<String>)
  /// ACR's lock attributes (deleteEnabled or writeEnabled false).
  case locked
  /// Images in use: tag references protect the tag and its current digest, digest
  /// references that digest.
  case inUse(InUseList)
}

public struct Rule: Sendable {
  public enum Selection: Sendable {
    case tags(TagMatcher)
    /// Manifests no tag points at.
    case untagged
    /// Every image (ECR's `tagStatus: any`).
    case any
  }

  public enum Action: String, Sendable {
    /// Remove the tag; the manifest stays.
    case untag
    /// Delete the manifest (the image, with its tags).
    case delete
  }

  /// What a per-group count groups by.
  public enum Grouping: String, Sendable {
    case semverMajor = "semver.major"
    case semverMinor = "semver.minor"
  }

  public var id: String
  /// ECR's rulePriority; with `combine: priority`, lower applies first.
  public var priority: Int
  public var selection: Selection
  /// Keep the newest N of the selection (per group).
  public var keepNewest: Int?
  /// Keep those at most this many seconds old.
  public var keepWithin: Double?
  public var groupBy: Grouping?
  public var action: Action

  public init(
    id: String, priority: Int = 0, selection: Selection, keepNewest: Int? = nil,
    keepWithin: Double? = nil, groupBy: Grouping? = nil, action: Action
  ) {
    self.id = id
    self.priority = priority
    self.selection = selection
    self.keepNewest = keepNewest
    self.keepWithin = keepWithin
    self.groupBy = groupBy
    self.action = action
  }

  /// Whether the rule's units are tags (untag by tag selection) or images (manifests).
  var actsOnTags: Bool {
    if case .tags = selection, action == .untag { return true }
    return false
  }
}

public struct Limits: Sendable {
  /// Untags and deletes of one run, together.
  public var maxDeletes: Int?
  public var maxPerRepository: Int?

  public init(maxDeletes: Int? = nil, maxPerRepository: Int? = nil) {
    self.maxDeletes = maxDeletes
    self.maxPerRepository = maxPerRepository
  }
}
