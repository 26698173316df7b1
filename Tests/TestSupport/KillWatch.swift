import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Kills `pid` (SIGKILL) as soon as one of `paths` is gone, or after `timeout` seconds, for
/// tests that interrupt a change half-way. The paths are watched from a thread of its own:
/// an async poll shares the test pool's two threads with every other suite and could wake
/// only after the process had finished (seen in CI for a delete and a policy apply).
public func killWhenOneIsGone(_ pid: pid_t, paths: [String], timeout: TimeInterval = 60) async {
  await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
    Thread.detachNewThread {
      let deadline = Date().addingTimeInterval(timeout)
      while Date() < deadline, paths.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) {
        usleep(500)
      }
      kill(pid, SIGKILL)
      done.resume()
    }
  }
}

extension TestRegistry {
  /// Where the registry's storage keeps each current tag of `repository`: the directory
  /// goes when the tag is deleted, or when the manifest it points at is.
  public func tagPaths(repository: String) throws -> [String] {
    let tags = storage.appendingPathComponent(
      "docker/registry/v2/repositories/\(repository)/_manifests/tags")
    return try FileManager.default.contentsOfDirectory(atPath: tags.path).map {
      tags.appendingPathComponent($0).path
    }
  }

  /// Where the registry's storage records that `repository` holds `digest`.
  public func manifestLinkPath(repository: String, digest: String) -> String {
    storage.appendingPathComponent(
      "docker/registry/v2/repositories/\(repository)/_manifests/revisions/"
        + digest.replacingOccurrences(of: ":", with: "/") + "/link"
    ).path
  }
}
