import MetadataCache
import RegistryAPI

extension ProtectionRule {
  /// Whether the rule covers a manifest named by a retention fact. Facts carry digests as
  /// the cache's text: a scan of a million manifests does not parse each one. Text that is
  /// no digest (never written by regsh) is treated as covered, so nothing is unlocked or
  /// deleted on its account.
  func covers(repository: String, digestText: String, tags: [String]) -> Bool {
    guard let digest = try? Digest(digestText) else { return true }
    return covers(repository: repository, digest: digest, tags: tags)
  }
}
