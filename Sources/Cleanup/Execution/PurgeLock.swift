import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One purge per registry at a time: an exclusive `flock` on a file beside the cache. The
/// kernel drops it when the process ends, however it ends, so a killed purge never leaves a
/// stale lock behind.
public final class PurgeLock: Sendable {
  public let path: String
  let descriptor: Int32

  public struct Busy: Error, CustomStringConvertible {
    public let registry: String
    public let path: String
    public var description: String {
      "another purge of registry '\(registry)' is running (it holds \(path)); nothing was done — run this one when it ends"
    }
  }

  public struct Unopenable: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot open the purge lock \(path): \(reason)" }
  }

  /// Takes the lock for `registry` in `directory`, or throws `Busy` at once.
  public init(registry: String, directory: URL) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    // The name is the registry's, made safe for a file name.
    let safe = String(
      registry.unicodeScalars.map {
        CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "." ? Character($0) : "_"
      })
    path = directory.appendingPathComponent("purge-\(safe).lock").path
    descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw Unopenable(path: path, reason: String(cString: strerror(errno)))
    }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      close(descriptor)
      throw Busy(registry: registry, path: path)
    }
  }

  deinit {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}
