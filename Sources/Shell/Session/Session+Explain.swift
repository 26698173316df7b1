import JMESPath
import MetadataCache

extension Session {
  /// `manifests … --explain`: which part of `--query` the store answers (and the SQL it
  /// runs), and which the interpreter runs, without running either.
  func explainListing(
    _ query: String?, registryId: Int64, repository: String?, options: DocumentOptions
  ) throws -> JSON {
    guard let query else {
      return .object(["store": "the whole listing", "interpreter": "nothing (no --query)"])
    }
    var explanation: JSONObject = ["query": .string(query)]
    guard pushdownEnabled,
      let plan = try listingPlan(
        query, registryId: registryId, repository: repository, options: options)
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
    if plan.query.failsOn != .constant(false) { statements.append(.string(sql.failure().sql)) }
    if plan.query.slice != nil || (plan.query.countOnly && plan.query.projection != .field(.tags)) {
      statements.append(.string(sql.count().sql))
    }
    if !(plan.query.countOnly && plan.query.slice == nil && plan.query.projection != .field(.tags))
    {
      statements.append(.string(sql.rows().sql))
    }
    explanation["sql"] = .array(statements)
    explanation["interpreter"] =
      plan.rest.isEmpty
      ? "nothing" : .string("the \(plan.rest.count) pipe stage(s) after the pushed-down part")
    return .object(explanation)
  }
}
