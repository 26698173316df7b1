import JMESPath
import MetadataCache
import RegistryFunctions

/// How the shell compiles JMESPath: in the session's dialect, with regsh's registry
/// functions (`ago`, `semver`, …) beside the language's own.
extension Session {
  /// The host functions every query the shell runs may call.
  public static let queryFunctions: [FunctionDefinition] = RegistryFunctions.all()

  /// Every function an expression in `dialect` may call, for completion and `help functions`.
  public static func functionTable(_ dialect: Dialect) -> FunctionTable {
    FunctionTable.forDialect(dialect, adding: queryFunctions)
  }

  /// The registry functions with this session's clock: REGSH_NOW of its environment.
  var sessionFunctions: [FunctionDefinition] {
    RegistryFunctions.all(clock: .environment(environment))
  }

  func compile(_ source: String) throws(JMESPathError) -> Expression {
    try Expression(source, dialect: dialect, functions: sessionFunctions)
  }
}

/// Issue 15's pushdown: a `--query` over a listing (manifests, tags, repositories) is split
/// into what the store answers (in SQL) and what the interpreter applies to that answer, so
/// a million manifests are never built as documents to count a few of them. The answer is
/// the one the interpreter gives over the whole listing (docs/query.md, "Pushdown").
extension Session {
  /// Whether the store may answer queries; `REGSH_PUSHDOWN=off` runs every query in the
  /// interpreter (the differential test compares the two).
  var pushdownEnabled: Bool { environment["REGSH_PUSHDOWN"] != "off" }

  /// The manifest listing with `query` applied: by the store where the expression's shape
  /// allows, else by the interpreter over the documents, exactly as before.
  func manifestListing(
    registryId: Int64, repository: String?, options: DocumentOptions, output: OutputOptions
  ) throws -> CommandResult {
    try listing(
      .manifests, registryId: registryId, repository: repository, options: options,
      output: output
    ) {
      try $0.manifestDocuments(registryId: registryId, repository: repository, options: options)
    }
  }

  /// A repository's tags (`tags REPO`, `show-tags` on a registry that is not ACR), as
  /// `manifestListing`.
  func tagListing(
    registryId: Int64, repository: String, options: DocumentOptions, output: OutputOptions
  ) throws -> CommandResult {
    try listing(
      .tags(detail: options.detail), registryId: registryId, repository: repository,
      options: options, output: output
    ) {
      try $0.tagDocuments(registryId: registryId, repository: repository, options: options)
    }
  }

  /// The registry's repositories (`repositories`), as `manifestListing`.
  func repositoryListing(registryId: Int64, top: Int?, output: OutputOptions) throws
    -> CommandResult
  {
    try listing(
      .repositories, registryId: registryId, repository: nil,
      options: DocumentOptions(top: top), output: output
    ) { try $0.repositoryDocuments(registryId: registryId, top: top) }
  }

  /// `source`'s listing with `output.query` applied: by the store where it can, else the
  /// interpreter over `documents`.
  func listing(
    _ source: ListingQuery.Source, registryId: Int64, repository: String?,
    options: DocumentOptions, output: OutputOptions,
    documents: (MetadataStore) throws -> JSON
  ) throws -> CommandResult {
    if let query = output.query, pushdownEnabled,
      let plan = try listingPlan(
        query, source: source, registryId: registryId, repository: repository, options: options)
    {
      let store = try store()
      if let residual = plan.residual {
        if let answer = try filtered(by: residual, plan: plan, in: store, query: query) {
          return try pushedResult(answer, plan: plan, query: query, output: output)
        }
        return CommandResult(try documents(store), output: output)
      }
      switch try store.answer(plan.query) {
      case .count(let count):
        return try pushedResult(.int(count), plan: plan, query: query, output: output)
      case .documents(let items):
        return try pushedResult(.array(items), plan: plan, query: query, output: output)
      case .declined:
        break
      }
    }
    return CommandResult(try documents(try store()), output: output)
  }

  /// A residual filter evaluated on each document as the store hands it over; nil when
  /// the store declines.
  func filtered(
    by residual: ListingPlan.Residual, plan: ListingPlan, in store: some ListingStore,
    query: String
  ) throws -> JSON? {
    let keepsDocument: Bool
    if case .current = residual.projection.kind {
      keepsDocument = true
    } else {
      keepsDocument = false
    }
    let kept: [JSON]?
    do {
      kept = try store.filterDocuments(plan.query) { document in
        if let condition = residual.condition,
          !(try condition.evaluate(document, root: .null).isTruthy)
        {
          return nil
        }
        let projected =
          keepsDocument ? document : try residual.projection.evaluate(document, root: .null)
        if case .null = projected { return nil }
        // A count keeps a placeholder, not the document.
        return residual.countOnly ? .bool(true) : projected
      }
    } catch let error as JMESPathError {
      throw ExpressionFailure(error: error, expression: query)
    }
    guard let kept else { return nil }
    return residual.countOnly ? .int(kept.count) : .array(kept)
  }

  /// The plan for `query` over this listing, or nil when the interpreter must run it all.
  func listingPlan(
    _ query: String, source: ListingQuery.Source = .manifests, registryId: Int64,
    repository: String?, options: DocumentOptions
  ) throws -> ListingPlan? {
    // Manifests' `--detail` documents are the interpreter's. An `--orderby` over every
    // repository breaks its ties by digest, then repository name, in the listing and in
    // the store's SQL alike. A tag listing is ordered within its repository, and its
    // `--detail` records are ones the store builds. `--top` cuts the listing in its own
    // order, before the query, in SQL too.
    if source == .manifests, options.detail { return nil }
    let expression: Expression
    do {
      expression = try compile(query)
    } catch {
      throw ExpressionFailure(error: error, expression: query)
    }
    let base = ListingQuery(
      source, registryId: registryId, repository: repository,
      listingOrder: source == .repositories ? nil : options.order, top: options.top)
    return ListingPlanner.plan(expression.part, over: base)
  }

  func pushedResult(_ answer: JSON, plan: ListingPlan, query: String, output: OutputOptions) throws
    -> CommandResult
  {
    var value = answer
    for part in plan.rest {
      do {
        value = try part.evaluate(value, root: value)
      } catch {
        throw ExpressionFailure(error: error, expression: query)
      }
    }
    var result = CommandResult(value, output: output)
    result.queryApplied = true
    return result
  }
}
