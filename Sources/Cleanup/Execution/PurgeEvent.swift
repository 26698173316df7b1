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
  /// `--include-locked` on ACR: the lock was lifted (PATCH) before the delete, as acr does.
  case unlocked(String)
  /// The PATCH failed; the delete is attempted anyway (acr's warning).
  case unlockFailed(reference: String, reason: String)
  /// ACR answered 405 (locked): acr's "Skipped …, operation not allowed, HTTP status: 405";
  /// neither counted nor a failure.
  case locked(String)
  /// Left alone by a workflow guard (protection, lock, live check).
  case skipped(SkippedTarget)
  case failed(reference: String, reason: String)
}
