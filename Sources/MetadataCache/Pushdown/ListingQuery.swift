import JMESPath

/// The part of a query over a listing (`manifests`/`show-manifests`, `tags`/`show-tags`,
/// `repositories`) that a store answers itself: which items, in what order, which slice of
/// them, and what of each — or only how many. Backend-neutral: each store translates it
/// through its own `ListingDialect`, and the answer must equal what the interpreter
/// computes over the listing's documents (`manifestDocuments`, `tagDocuments`,
/// `repositoryDocuments`; docs/query.md, "Pushdown").
public struct ListingQuery: Sendable, Equatable {
  /// Which listing: its documents, their fields and their own order.
  public enum Source: Sendable, Equatable {
    /// `{digest, [repository], tags, timestamp}` per manifest.
    case manifests
    /// One repository's tags: their names (strings), or with `detail` az's tag objects
    /// `{name, digest, createdTime, lastUpdateTime, [signed], [changeableAttributes]}`.
    case tags(detail: Bool)
    /// The registry's repository names (strings).
    case repositories

    /// Whether each document is a string (the listing's `element`), not an object.
    public var documentsAreText: Bool {
      switch self {
      case .manifests, .tags(detail: true): false
      case .tags(detail: false), .repositories: true
      }
    }

    /// Keys a document may have whose values the store does not state (a boolean that may
    /// be missing, an object): the interpreter must judge any use of them.
    public var opaqueKeys: Set<String> {
      self == .tags(detail: true) ? ["signed", "changeableAttributes"] : []
    }

    /// What `--explain` calls the items.
    var noun: String {
      switch self {
      case .manifests: "manifests"
      case .tags(let detail): detail ? "tag records" : "tag names"
      case .repositories: "repository names"
      }
    }
  }

  /// The fields of the documents, across listings: which a listing has is `fields`.
  /// `repository` exists only in a manifest listing of every repository; `element` is the
  /// document itself in a listing of strings (never a key: a field named "@" is null there).
  public enum Field: String, Sendable, Equatable {
    case digest, repository, tags, timestamp
    case name, createdTime, lastUpdateTime
    case element = "@"
  }

  /// A text value a predicate compares: a field that always holds a string, the first
  /// tag (null when untagged), or a literal.
  public enum Text: Sendable, Equatable {
    case field(Field)
    case firstTag
    case literal(String)
  }

  public enum Comparison: String, Sendable, Equatable {
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
  }

  /// Whether a manifest is kept: JMESPath's truthiness of the filter, never unknown.
  public indirect enum Predicate: Sendable, Equatable {
    case constant(Bool)
    case and(Predicate, Predicate)
    case or(Predicate, Predicate)
    case not(Predicate)
    /// `tags == null`
    case untagged
    /// `tags[0] == null`: untagged, or an empty tag list.
    case noFirstTag
    /// A non-empty string field, or a non-empty tag list.
    case truthy(Field)
    /// Both sides non-null strings compared by code point; false when either is null.
    case compare(Comparison, Text, Text)
    /// `contains(tags, 'x')` on a tagged manifest.
    case hasTag(String)
    /// `contains(field, 'x')` on a string field: a substring.
    case containsText(Field, String)
    /// `starts_with(field, 'x')` on a string field: a prefix (by bytes, as jmespath.py).
    case startsWith(Field, String)
  }

  /// What each kept manifest becomes; a projection drops what is null, as JMESPath does.
  public enum Projection: Sendable, Equatable {
    /// The whole summary document.
    case document
    case field(Field)
    /// `[a, b]`
    case list([Field])
    /// `{k: a, …}`
    case hash([KeyedField])
  }

  public struct KeyedField: Sendable, Equatable {
    public var key: String
    public var field: Field
    public init(key: String, field: Field) {
      self.key = key
      self.field = field
    }
  }

  /// `[start:stop]` over the ordered manifests, Python's rules (negative counts from the end).
  public struct Slice: Sendable, Equatable {
    public var start: Int?
    public var stop: Int?
    public init(start: Int?, stop: Int?) {
      self.start = start
      self.stop = stop
    }

    /// The half-open range of positions it keeps among `count`.
    public func positions(count: Int) -> Range<Int> {
      func clamp(_ index: Int?, _ fallback: Int) -> Int {
        guard var i = index else { return fallback }
        if i < 0 { i = max(0, i + count) } else if i > count { i = count }
        return i
      }
      let from = clamp(start, 0)
      return from..<max(from, clamp(stop, count))
    }
  }

  public var source: Source
  public var registryId: Int64
  /// nil: every repository's manifests, with a `repository` field. A tag listing is always
  /// of one repository; a repository listing of none.
  public var repository: String?
  /// The listing's own order (`--orderby`); nil is repository, then digest.
  public var listingOrder: DocumentOptions.Order?
  /// `--top`: only the first this many items of the listing (in its own order) are queried.
  public var top: Int?
  public var filter: Predicate = .constant(true)
  /// The manifests on which the interpreter would raise an error (`contains(tags, …)` on
  /// an untagged one). When any exists the store declines, and the interpreter runs the
  /// whole expression to raise that error exactly as it would.
  public var failsOn: Predicate = .constant(false)
  /// `sort_by(…, &field)`: a stable sort, ties kept in listing order.
  public var sortKey: Field?
  public var slice: Slice?
  public var projection: Projection = .document
  /// `length(…)`: only how many.
  public var countOnly = false

  public init(
    _ source: Source = .manifests, registryId: Int64, repository: String?,
    listingOrder: DocumentOptions.Order? = nil, top: Int? = nil
  ) {
    self.top = top
    self.source = source
    self.registryId = registryId
    self.repository = repository
    self.listingOrder = listingOrder
  }

  /// The keys of the listing's documents whose values the store states: each always a
  /// string, except `tags` (null or an array of strings). Empty for a listing of strings.
  public var fields: [Field] {
    switch source {
    case .manifests:
      repository == nil ? [.digest, .repository, .tags, .timestamp] : [.digest, .tags, .timestamp]
    case .tags(detail: true): [.name, .digest, .createdTime, .lastUpdateTime]
    case .tags(detail: false), .repositories: []
    }
  }
}

/// A store's answer to a `ListingQuery`.
public enum ListingAnswer: Sendable {
  case count(Int)
  /// The projected manifests, in order, as the interpreter would build the array.
  case documents([JSON])
  /// The interpreter must run the whole expression (it raises an error there).
  case declined(String)
}
