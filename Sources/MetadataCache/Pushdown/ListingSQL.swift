/// A `ListingQuery` as SQL (for every listing), written once for every backend; what differs between backends
/// comes from its `ListingDialect`.
public struct ListingSQL: Sendable {
  /// A value bound to a placeholder.
  public enum Argument: Sendable, Equatable {
    case integer(Int64)
    case text(String)
  }

  /// One statement and its arguments, in placeholder order.
  public struct Statement: Sendable {
    public var sql: String
    public var arguments: [Argument]
  }

  public let query: ListingQuery
  public let dialect: any ListingDialect
  /// Only these repositories (by id): one chunk of a listing of every repository that a
  /// store reads on several connections at once. The chunks together are the listing.
  public var repositoryIds: [Int64]?

  public init(_ query: ListingQuery, dialect: any ListingDialect) {
    self.query = query
    self.dialect = dialect
  }

  /// The kept items' `columns`, in order, limited to `positions` when given (the slice,
  /// resolved against `count`).
  public func rows(positions: Range<Int>? = nil) -> Statement {
    var builder = Builder(
      dialect: dialect, repositoryIds: repositoryIds, listingOrder: listingOrder)
    let source = builder.source(query, where: query.filter)
    var order = listingOrder
    if let key = query.sortKey { order = [column(key)] + order.filter { $0 != column(key) } }
    var sql =
      "SELECT \(columns.joined(separator: ", ")) \(source) ORDER BY "
      + order.joined(separator: ", ")
    if let positions { sql += " " + dialect.limit(positions.count, offset: positions.lowerBound) }
    return Statement(sql: sql, arguments: builder.arguments)
  }

  /// How many manifests the filter keeps.
  public func count() -> Statement {
    var builder = Builder(
      dialect: dialect, repositoryIds: repositoryIds, listingOrder: listingOrder)
    let source = builder.source(query, where: query.filter)
    return Statement(sql: "SELECT count(*) \(source)", arguments: builder.arguments)
  }

  /// Whether any manifest would make the interpreter raise an error.
  public func failure() -> Statement {
    var builder = Builder(
      dialect: dialect, repositoryIds: repositoryIds, listingOrder: listingOrder)
    let source = builder.source(query, where: query.failsOn)
    return Statement(sql: "SELECT EXISTS (SELECT 1 \(source))", arguments: builder.arguments)
  }

  /// What `rows` selects, in order: a manifest's `(repository, digest, tagList,
  /// timestamp)`; a tag's `(name, digest, createdTime, lastUpdateTime, signed,
  /// changeableAttributes)` (only its name without `--detail`); a repository's name.
  /// `ListingSQLColumn.position` says where each field is.
  public var columns: [String] {
    switch query.source {
    case .manifests:
      [.repository, .digest, .tags, .timestamp].map(column)
    case .tags(detail: true):
      [.name, .digest, .createdTime, .lastUpdateTime].map(column)
        + ["t.signed", "t.changeableAttributes"]
    case .tags(detail: false), .repositories:
      [column(.element)]
    }
  }

  /// The documents' own order: repository then digest, or `--orderby` within one
  /// repository; a tag listing by name or `--orderby` its last update; repositories by name.
  var listingOrder: [String] {
    switch (query.source, query.listingOrder) {
    case (.manifests, nil): ["r.name", "m.digest"]
    // Ties as `DocumentOptions.orderClause` breaks them: digest, then repository.
    case (.manifests, .timeAscending): ["m.timestamp ASC", "m.digest", "r.name"]
    case (.manifests, .timeDescending): ["m.timestamp DESC", "m.digest", "r.name"]
    case (.tags, nil): ["t.name"]
    case (.tags, .timeAscending): ["\(column(.lastUpdateTime)) ASC", "t.name"]
    case (.tags, .timeDescending): ["\(column(.lastUpdateTime)) DESC", "t.name"]
    case (.repositories, _): ["r.name"]
    }
  }

  func column(_ field: ListingQuery.Field) -> String {
    ListingSQLColumn.name(field, in: query.source)
  }

  /// Collects arguments in the order their placeholders appear.
  struct Builder {
    let dialect: any ListingDialect
    var repositoryIds: [Int64]?
    /// The listing's own order, which `--top` cuts.
    let listingOrder: [String]
    var arguments: [Argument] = []
    /// The listing whose columns the predicates name (set by `source`).
    var source: ListingQuery.Source = .manifests

    mutating func bind(_ argument: Argument) -> String {
      arguments.append(argument)
      return dialect.placeholder(arguments.count)
    }

    mutating func source(_ query: ListingQuery, where predicate: ListingQuery.Predicate)
      -> String
    {
      source = query.source
      var text = listing(query, table: predicate)
      if let top = query.top {
        // `--top`: only the first items of the listing in its own order, before the query.
        let key = ListingSQLColumn.key(of: query.source)
        text +=
          " AND \(key) IN (SELECT \(key) \(listing(query, table: .constant(true))) ORDER BY "
          + listingOrder.joined(separator: ", ") + " "
          + dialect.limit(max(0, top), offset: 0) + ")"
      }
      return text + " AND " + condition(predicate)
    }

    /// `FROM … WHERE …` of the listing's items (the manifest table as a listing filtered by
    /// `predicate` reads it), without the query's filter.
    mutating func listing(_ query: ListingQuery, table predicate: ListingQuery.Predicate)
      -> String
    {
      let registry = bind(.integer(query.registryId))
      var text: String
      switch query.source {
      case .manifests:
        text = """
          FROM repository r JOIN \(dialect.manifestTable(for: predicate)) ON m.repositoryId = r.id AND m.goneAt IS NULL \
          WHERE r.registryId = \(registry) AND r.goneAt IS NULL
          """
      case .tags:
        // As `tagDocuments` reads them: the current tags, of a repository gone or not.
        text = """
          FROM tag t JOIN repository r ON r.id = t.repositoryId \
          WHERE r.registryId = \(registry) AND t.untilTime IS NULL
          """
      case .repositories:
        text = "FROM repository r WHERE r.registryId = \(registry) AND r.goneAt IS NULL"
      }
      if let repository = query.repository { text += " AND r.name = \(bind(.text(repository)))" }
      if let repositoryIds {
        let ids = repositoryIds.map { bind(.integer($0)) }
        text += " AND r.id IN (" + (ids.isEmpty ? "NULL" : ids.joined(separator: ", ")) + ")"
      }
      return text
    }

    /// The predicate as an SQL condition that is true or false, never null, so `NOT`
    /// means JMESPath's `!`.
    mutating func condition(_ predicate: ListingQuery.Predicate) -> String {
      switch predicate {
      case .constant(let value): return value ? "(1 = 1)" : "(1 = 0)"
      case .and(let a, let b): return "(\(condition(a)) AND \(condition(b)))"
      case .or(let a, let b): return "(\(condition(a)) OR \(condition(b)))"
      case .not(let a): return "(NOT \(condition(a)))"
      case .untagged: return "(m.tagList IS NULL)"
      case .noFirstTag: return "(m.tagList IS NULL OR m.tagList = '')"
      case .truthy(.tags): return "(m.tagList IS NOT NULL AND m.tagList <> '')"
      case .truthy(let field): return "(\(column(field)) <> '')"
      case .compare(let comparison, let left, let right):
        let l = text(left)
        let r = text(right)
        let compared = dialect.compareText(l, comparison, r)
        // The first tag is null on an untagged manifest: null compares as nothing.
        if left == .firstTag || right == .firstTag {
          return "(m.tagList IS NOT NULL AND \(compared))"
        }
        return "(\(compared))"
      case .hasTag(let tag):
        let list = dialect.concat([dialect.tab, "m.tagList", dialect.tab])
        let needle = dialect.concat([dialect.tab, bind(.text(tag)), dialect.tab])
        return "(m.tagList IS NOT NULL AND \(dialect.containsText(list, needle)))"
      case .containsText(let field, let needle):
        if needle.isEmpty { return "(1 = 1)" }
        return "(\(dialect.containsText(column(field), bind(.text(needle)))))"
      case .startsWith(let field, let prefix):
        if prefix.isEmpty { return "(1 = 1)" }
        return "(\(dialect.startsWith(column(field), bind(.text(prefix)))))"
      }
    }

    func column(_ field: ListingQuery.Field) -> String {
      ListingSQLColumn.name(field, in: source)
    }

    mutating func text(_ text: ListingQuery.Text) -> String {
      switch text {
      case .field(let field): column(field)
      case .firstTag: dialect.firstPart("m.tagList")
      case .literal(let value): bind(.text(value))
      }
    }
  }
}

/// Where each document field lives in the listing's join, and where `rows` selects it.
enum ListingSQLColumn {
  static func name(_ field: ListingQuery.Field, in source: ListingQuery.Source) -> String {
    switch (source, field) {
    case (.manifests, .digest): "m.digest"
    case (.manifests, .tags): "m.tagList"
    case (.manifests, .timestamp): "m.timestamp"
    case (.tags, .name), (.tags, .element): "t.name"
    case (.tags, .digest): "t.digest"
    case (.tags, .createdTime): "COALESCE(t.registryCreated, t.sinceTime)"
    case (.tags, .lastUpdateTime): "COALESCE(t.registryUpdated, t.sinceTime)"
    // The planner names only the listing's own fields; a repository name is the rest.
    default: "r.name"
    }
  }

  /// What tells the listing's items apart.
  static func key(of source: ListingQuery.Source) -> String {
    switch source {
    case .manifests: "m.id"
    case .tags: "t.id"
    case .repositories: "r.id"
    }
  }

  /// The position of `field` among `ListingSQL.columns`.
  static func position(_ field: ListingQuery.Field, in source: ListingQuery.Source) -> Int32 {
    switch (source, field) {
    case (.manifests, .repository): 0
    case (.manifests, .digest): 1
    case (.manifests, .tags): 2
    case (.manifests, .timestamp): 3
    case (.tags, .digest): 1
    case (.tags, .createdTime): 2
    case (.tags, .lastUpdateTime): 3
    // A tag's name, a string listing's element.
    default: 0
    }
  }
}
