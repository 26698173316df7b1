import Foundation
import ImageActions
import MetadataCache
import RegistryAPI

/// OCI-layout copies of images: `export --oci DIR` and `delete --backup DIR`.
extension Session {
  /// A client for the local registry in `directory` (one OCI layout per repository).
  func layoutClient(_ directory: String) throws -> RegistryClient {
    let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
    do {
      try FileManager.default.createDirectory(atPath: absolute, withIntermediateDirectories: true)
    } catch {
      let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
      throw ShellError.failed("cannot create the OCI layout directory \(directory): \(reason)")
    }
    return try RegistryClient(server: "oci:" + absolute)
  }

  /// Copies each manifest (with its tags, blobs and children) into `directory`; returns what
  /// was copied completely, and what was not, with why.
  func copyToLayout(
    _ manifests: [CachedManifest], registry: RegistryInfo, directory: String, verb: String
  ) async throws -> (copied: [CachedManifest], failed: [SkippedTarget]) {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
      "regsh-copy-\(getpid())-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let copy = ImageCopy(
      source: try client(for: registry), destination: try layoutClient(directory),
      scratch: scratch)
    let progress = actionProgress(verb)
    var copied: [CachedManifest] = []
    var failed: [SkippedTarget] = []
    for (index, manifest) in manifests.enumerated() {
      do {
        try await copy.copy(
          repository: manifest.repository, digest: try Digest(manifest.digest),
          tags: manifest.tags)
        copied.append(manifest)
      } catch {
        failed.append(
          SkippedTarget(
            repository: manifest.repository, reference: manifest.digest,
            reason: "the copy to \(directory) failed: \(error)"))
      }
      progress?(index + 1, manifests.count)
    }
    return (copied, failed)
  }

  /// `delete --backup DIR`: only what was exported completely is deleted.
  func backUp(_ deletions: [PlannedDeletion], registry: RegistryInfo, to directory: String)
    async throws -> ([PlannedDeletion], [SkippedTarget])
  {
    let (copied, failed) = try await copyToLayout(
      deletions.map(\.manifest), registry: registry, directory: directory, verb: "backing up")
    let done = Set(copied.map { ManifestKey(repository: $0.repository, digest: $0.digest) })
    return (deletions.filter { done.contains($0.key) }, failed)
  }
}
