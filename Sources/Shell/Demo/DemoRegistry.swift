import Foundation
import MetadataCache
import RegistryAPI

/// The demo registry: a local (`oci:`) registry under regsh's state directory
/// (`$REGSH_HOME/demo-registry`), registered as `myregistry` and synced.
struct DemoRegistry {
  static let name = "myregistry"

  let session: Session

  var directory: URL {
    session.location.stateDirectory.appendingPathComponent("demo-registry", isDirectory: true)
  }

  /// Written last: a directory without it is a build that did not finish, and is rebuilt.
  var completeMarker: URL { directory.appendingPathComponent(".regsh-demo-complete") }

  /// Builds the registry (or reuses a finished one unless `reset`), registers it as
  /// `myregistry` and syncs it; returns the registration.
  func prepare(reset: Bool) async throws -> RegistryInfo {
    let address = OCILayoutRegistry(root: directory).address
    let store = try session.store()
    if let existing = try store.registry(named: Self.name), existing.url != address {
      throw ShellError.usage(
        "a registry named \(Self.name) already exists (\(existing.url)); the demo will not replace it: run `registry remove \(Self.name)` first, or set REGSH_HOME to another directory"
      )
    }
    let build = reset || !FileManager.default.fileExists(atPath: completeMarker.path)
    if build {
      do {
        if FileManager.default.fileExists(atPath: directory.path) {
          try FileManager.default.removeItem(at: directory)
        }
      } catch {
        throw ShellError.failed(
          "demo: cannot remove \(directory.path): \(error.localizedDescription)")
      }
      // What the cache knew of an earlier demo registry goes with it.
      try store.removeRegistry(named: Self.name)
    }
    let info = try store.addRegistry(NewRegistry(name: Self.name, url: address))
    if build {
      session.printError("demo: building \(Self.name) in \(directory.path)")
      let builder = DemoImageBuilder(client: try session.client(for: info))
      for image in DemoContent.initial { try await builder.push(image) }
      // Synced before `latest` moves, as the article lists the manifests before it pushes
      // again: the distribution API lists no untagged manifests, so the cache must have seen
      // the first `latest` while it was tagged to keep it once it is not.
      try await sync(info)
      for image in DemoContent.repush { try await builder.push(image) }
      guard FileManager.default.createFile(atPath: completeMarker.path, contents: Data()) else {
        throw ShellError.failed("demo: cannot write \(completeMarker.path)")
      }
    }
    try await sync(info)
    return info
  }

  private func sync(_ info: RegistryInfo) async throws {
    let report = try await session.sync(info, repositories: nil)
    if let failure = report.failed.first {
      throw ShellError.failed("demo: sync of \(failure.repository) failed: \(failure.reason)")
    }
  }
}
