/// What `acr purge`'s flags ask for, as the one retention model the evaluation reads.
/// Purge is its first front end; policy files and ECR lifecycle documents are to become
/// others, each turned into rules of this shape.
public struct PurgePolicy: Sendable {
  /// Which manifests the manifest phase looks at.
  public enum UntaggedMode: String, Sendable {
    /// No manifest phase (`acr purge` without `--untagged`).
    case none
    /// After the tag phase (`--untagged`).
    case also
    /// The manifest phase alone (`--untagged-only`).
    case only
  }

  /// Repositories and tags in scope; empty with `--untagged-only` means every repository.
  public var filters: [PurgeFilter]
  /// Tags and manifests strictly older than this stored time go (`Timestamp`'s shape).
  public var cutoff: String
  /// The N newest eligible tags (and untagged manifests) per repository stay.
  public var keep: Int
  public var untagged: UntaggedMode
  /// Locked tags and manifests are eligible too (the workflows' own guards still apply).
  public var includeLocked: Bool
  public var timeBasis: TimeBasis

  public init(
    filters: [PurgeFilter], cutoff: String, keep: Int = 0, untagged: UntaggedMode = .none,
    includeLocked: Bool = false, timeBasis: TimeBasis = .updated
  ) {
    self.filters = filters
    self.cutoff = cutoff
    self.keep = keep
    self.untagged = untagged
    self.includeLocked = includeLocked
    self.timeBasis = timeBasis
  }

  /// Whether the repository is in scope.
  public func covers(repository: String) -> Bool {
    if filters.isEmpty { return untagged == .only }
    return filters.contains { $0.matches(repository: repository) }
  }

  /// The filters whose repository part matches: their tag parts are OR-ed, as acr does.
  func tagFilters(for repository: String) -> [PurgeFilter] {
    filters.filter { $0.matches(repository: repository) }
  }
}
