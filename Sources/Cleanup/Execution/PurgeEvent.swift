import ImageActions

/// What a purge reports as it goes, for the caller to print (acr's lines) or collect.
public enum PurgeEvent: Sendable {
  case repositoryNotFound(String)
  case tagsStarting(String)
  case manifestsStarting(String)
  /// Removed (or, in a dry run, would be).
  case tagDeleted(repository: String, tag: String)
  case manifestDeleted(repository: String, digest: String)
  /// Gone before the request: acr's "Skipped …, HTTP status: 404", counted as deleted.
  case tagAlreadyGone(repository: String, tag: String)
  case manifestAlreadyGone(repository: String, digest: String)
  /// Left alone by a workflow guard (protection, lock, live check).
  case skipped(SkippedTarget)
  case failed(reference: String, reason: String)
}
