/// What `purge --include-locked` changed on ACR before deleting: the cache takes the
/// attributes the registry answered the PATCH with, so the delete planner (which skips
/// what the cache says is locked) plans the unlocked tag or manifest like any other.
extension MetadataStore {
  /// Records a tag's attributes as the registry now reports them (JSON text).
  public func recordTagAttributes(
    registryId: Int64, repository: String, tag: String, attributes: String
  ) throws {
    try write { db in
      try db.execute(
        """
        UPDATE tag SET changeableAttributes = ?
        WHERE untilTime IS NULL AND name = ? AND repositoryId =
          (SELECT id FROM repository WHERE registryId = ? AND name = ?)
        """, [attributes, tag, registryId, repository])
    }
  }

  /// Records a manifest's attributes as the registry now reports them (JSON text).
  public func recordManifestAttributes(
    registryId: Int64, repository: String, digest: String, attributes: String
  ) throws {
    try write { db in
      try db.execute(
        """
        UPDATE manifest SET changeableAttributes = ?
        WHERE goneAt IS NULL AND digest = ? AND repositoryId =
          (SELECT id FROM repository WHERE registryId = ? AND name = ?)
        """, [attributes, digest, registryId, repository])
    }
  }
}
