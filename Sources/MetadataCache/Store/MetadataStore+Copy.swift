import Foundation

extension MetadataStore {
  /// Copies the whole cache and audit log into `destination`, which must hold no registry
  /// and no audit entry yet, in one write transaction there (a failed copy leaves it
  /// empty). Ids are kept, so every reference between rows stays as it was. Returns the
  /// rows copied per table, after checking that the destination now counts as many.
  @discardableResult
  public func copyEverything(to destination: MetadataStore) throws -> [String: Int] {
    let before = try destination.rowCounts()
    if before.values.contains(where: { $0 > 0 }) {
      throw CacheError.invalidArgument(
        "the store \(destination.path) is not empty (\(before.filter { $0.value > 0 }.map { "\($0.value) \($0.key)" }.sorted().joined(separator: ", "))); copy into a new one"
      )
    }
    let counts = try read { source in
      try destination.write { target in
        var counts: [String: Int] = [:]
        for table in Self.tables {
          let columns = table.columns.joined(separator: ", ")
          let insert =
            "INSERT INTO \(table.name) (\(columns)) VALUES (\(Array(repeating: "?", count: table.columns.count).joined(separator: ", ")))"
          var batch: [StoreArguments] = []
          var copied = 0
          try source.visit("SELECT \(columns) FROM \(table.name) ORDER BY 1, 2", []) { row in
            batch.append(
              StoreArguments(values: (0..<table.columns.count).map { row.value($0) }))
            if batch.count == 5_000 {
              try target.executeEach(insert, batch)
              copied += batch.count
              batch.removeAll(keepingCapacity: true)
            }
          }
          try target.executeEach(insert, batch)
          copied += batch.count
          if table.hasId, let resync = target.dialect.afterExplicitIds(table.name) {
            try target.execute(resync)
          }
          counts[table.name] = copied
        }
        return counts
      }
    }
    let after = try destination.rowCounts()
    for (table, count) in counts where after[table] != count {
      throw CacheError.damaged(
        "a copy that does not add up: \(count) rows of \(table) read, \(after[table] ?? 0) in \(destination.path)"
      )
    }
    return counts
  }
}
