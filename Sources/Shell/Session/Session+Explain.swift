import JMESPath
import MetadataCache

extension Session {
  /// `manifests … --explain` (and `tags`, `repositories`): which part of `--query` the
  /// store answers (and the SQL it runs), and which the interpreter runs, without running
  /// either.
  func explainListing(
    _ query: String?, source: ListingQuery.Source = .manifests, registryId: Int64,
    repository: String?, options: DocumentOptions
  ) throws -> JSON {
    guard let query else {
      return .object(["store": "the whole listing", "interpreter": "nothing (no --query)"])
    }
    var explanation: JSONObject = ["query": .string(query)]
    guard pushdownEnabled,
      let plan = try listingPlan(
        query, source: source, registryId: registryId, repository: repository, options: options)
    else {
      explanation["store"] = "the whole listing, as documents"
      explanation["interpreter"] = "the whole expression"
      return .object(explanation)
    }
    let store = try store()
    let sql = ListingSQL(plan.query, dialect: store.listingDialect)
    explanation["store"] = .string(plan.query.description)
    explanation["backend"] = .string(store.listingDialect.name)
    var statements: [JSON] = []
    let listing = plan.query
    let countsInStore =
      listing.countOnly && listing.slice == nil && !listing.projectionCanBeNull
    if listing.failsOn != .constant(false) { statements.append(.string(sql.failure().sql)) }
    if listing.slice != nil || countsInStore { statements.append(.string(sql.count().sql)) }
    if plan.residual != nil || !countsInStore { statements.append(.string(sql.rows().sql)) }
    explanation["sql"] = .array(statements)
    var interpreter: [String] = []
    if let residual = plan.residual {
      interpreter.append(
        (residual.condition == nil
          ? "the projection of each document" : "the rest of the filter on each document")
          + " as the store hands it over"
          + (residual.countOnly ? ", counted" : ", then its projection"))
    }
    if !plan.rest.isEmpty {
      interpreter.append("the \(plan.rest.count) pipe stage(s) after the pushed-down part")
    }
    explanation["interpreter"] = .string(
      interpreter.isEmpty ? "nothing" : interpreter.joined(separator: "; "))
    return .object(explanation)
  }

  /// An `--explain` answer as a command's result: printed as is, `--query` not applied to it.
  func explanation(_ value: JSON, output: OutputOptions) -> CommandResult {
    var result = CommandResult(value, output: output)
    result.queryApplied = true
    return result
  }
}
