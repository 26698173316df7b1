import JMESPath

extension MetadataStore {
  /// `show-tags` / `tags`: the tag names, sorted; with `--detail`, az's tag objects.
  public func tagDocuments(
    registryId: Int64, repository: String, options: DocumentOptions = DocumentOptions()
  )
    throws -> JSON
  {
    try read { db in
      let order =
        switch options.order {
        case .timeAscending: "ORDER BY updated ASC, t.name"
        case .timeDescending: "ORDER BY updated DESC, t.name"
        case nil: "ORDER BY t.name"
        }
      let rows = try db.rows(
        """
        SELECT t.name, t.digest, COALESCE(t.registryCreated, t.sinceTime) AS created,
          COALESCE(t.registryUpdated, t.sinceTime) AS updated, t.signed, t.changeableAttributes
        FROM tag t JOIN repository r ON r.id = t.repositoryId
        WHERE r.registryId = ? AND r.name = ? AND t.untilTime IS NULL
        \(order) \(options.limitClause)
        """, [registryId, repository])
      guard options.detail else { return .array(try rows.map { .string(try $0[0]) }) }
      return .array(
        try rows.map { row in
          var tag: JSONObject = [
            "name": .string(try row[0]), "digest": .string(try row[1]),
            "createdTime": .string(try row[2]),
            "lastUpdateTime": .string(try row[3]),
          ]
          if let signed: Bool = row[4] { tag["signed"] = .bool(signed) }
          if let attributes: String = row[5], let value = try? JSONReader.parse(attributes) {
            tag["changeableAttributes"] = value
          }
          return .object(tag)
        })
    }
  }

  /// `repositories` / `az acr repository list`: the names, sorted.
  public func repositoryDocuments(registryId: Int64, top: Int? = nil) throws -> JSON {
    let names = try repositoryNames(registryId: registryId)
    return .array(names.prefix(top ?? names.count).map { .string($0) })
  }

  /// `az acr repository show --repository` on a registry that is not ACR: ACR's repository
  /// record `{registry, imageName, createdTime, lastUpdateTime, manifestCount, tagCount}` as
  /// far as the cache knows it. `registry` is the login server (`host[:port]`); `createdTime`
  /// is the oldest manifest's creation time (the repository has no record of its own), not
  /// when regsh first saw it; `changeableAttributes` exist only on ACR.
  public func repositoryAttributes(registryId: Int64, repository: String, server: String) throws
    -> JSON
  {
    try read { db in
      guard
        let row = try db.row(
          """
          SELECT COALESCE(
              (SELECT min(COALESCE(m.registryCreated, m.configCreated, m.firstSeen)) FROM manifest m
                WHERE m.repositoryId = r.id AND m.goneAt IS NULL), r.firstSeen),
            (SELECT max(m.timestamp) FROM manifest m WHERE m.repositoryId = r.id AND m.goneAt IS NULL),
            (SELECT count(*) FROM manifest m WHERE m.repositoryId = r.id AND m.goneAt IS NULL),
            (SELECT count(*) FROM tag t WHERE t.repositoryId = r.id AND t.untilTime IS NULL)
          FROM repository r WHERE r.registryId = ? AND r.name = ? AND r.goneAt IS NULL
          """, [registryId, repository])
      else { throw CacheError.unknownRepository(registry: server, repository: repository) }
      let created: String = try row[0]
      let updated: String? = row[1]
      return .object([
        "registry": .string(server), "imageName": .string(repository),
        "createdTime": .string(created), "lastUpdateTime": .string(updated ?? created),
        "manifestCount": .int(try row[2]), "tagCount": .int(try row[3]),
      ])
    }
  }

  /// Which digest `tag` points at now, per the cache.
  public func digest(registryId: Int64, repository: String, tag: String) throws -> String? {
    try read { db in
      try db.scalar(
        String.self,
        """
        SELECT t.digest FROM tag t JOIN repository r ON r.id = t.repositoryId
        WHERE r.registryId = ? AND r.name = ? AND t.name = ? AND t.untilTime IS NULL
        """, [registryId, repository, tag])
    }
  }

  /// Every position a tag has held, oldest first: `[{digest, since, until}]`.
  public func tagHistory(registryId: Int64, repository: String, tag: String) throws -> JSON {
    try read { db in
      let rows = try db.rows(
        """
        SELECT t.digest, t.sinceTime, t.untilTime FROM tag t JOIN repository r ON r.id = t.repositoryId
        WHERE r.registryId = ? AND r.name = ? AND t.name = ? ORDER BY t.id
        """, [registryId, repository, tag])
      return .array(
        try rows.map { row in
          .object([
            "digest": .string(try row[0]), "since": .string(try row[1]),
            "until": (row[2] as String?).map(JSON.string) ?? .null,
          ])
        })
    }
  }
}
