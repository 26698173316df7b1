import Foundation
import MetadataCache
import RegistryAPI

/// Copies of images in a directory of OCI image layouts, one per repository: where
/// `delete --backup` puts what it is about to delete, what `export --oci` writes, and
/// where `restore --from` finds what the registry no longer holds.
public struct LayoutBackup: Sendable {
  /// The directory, as the user named it (messages quote it so).
  public let directory: String
  /// A registry client that reads and writes the layouts.
  public let client: RegistryClient

  /// Opens (and creates, when `create` is set) the directory.
  public init(directory: String, create: Bool) throws {
    let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
    if create {
      do {
        try FileManager.default.createDirectory(
          atPath: absolute, withIntermediateDirectories: true)
      } catch {
        let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
        throw ActionError.badBackup(directory, why: "cannot create it: \(reason)")
      }
    } else {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory),
        isDirectory.boolValue
      else {
        throw ActionError.badBackup(directory, why: "no such directory (an OCI layout backup)")
      }
    }
    self.directory = directory
    self.client = try RegistryClient(server: OCILayoutRegistry.scheme + absolute)
  }

  /// Copies each manifest (with its tags, blobs and children) from `source`; returns what
  /// was copied completely, and what was not, with why.
  public func copy(
    _ manifests: [CachedManifest], from source: RegistryClient,
    progress: (@Sendable (Int, Int) -> Void)? = nil
  ) async throws -> (copied: [CachedManifest], failed: [SkippedTarget]) {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
      "regsh-copy-\(getpid())-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let copy = ImageCopy(source: source, destination: client, scratch: scratch)
    var copied: [CachedManifest] = []
    var failed: [SkippedTarget] = []
    for (index, manifest) in manifests.enumerated() {
      do {
        try await copy.copy(
          repository: manifest.repository, digest: manifest.digest,
          tags: manifest.tags)
        copied.append(manifest)
      } catch {
        failed.append(
          SkippedTarget(
            repository: manifest.repository, reference: manifest.digest.description,
            reason: .backupFailed(directory: directory, error: "\(error)")))
      }
      progress?(index + 1, manifests.count)
    }
    return (copied, failed)
  }
}
