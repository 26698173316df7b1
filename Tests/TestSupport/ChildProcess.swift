import Foundation
import RegistryAPI
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Starts `executable` with posix_spawn, stdin from /dev/null and stdout/stderr into files.
///
/// Test servers bypass Foundation's `Process`: its child reaping raced with ours and left
/// `waitUntilExit` and `isRunning` hanging on this 2-core machine.
public func spawn(_ executable: String, _ arguments: [String], stdout: String, stderr: String)
  throws
  -> pid_t
{
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o644)
  let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
  defer { argv.forEach { free($0) } }
  var pid: pid_t = 0
  let status = posix_spawn(&pid, executable, &actions, nil, argv, environ)
  guard status == 0 else {
    throw TestFailure("cannot start \(executable): \(String(cString: strerror(status)))")
  }
  return pid
}

/// A server process for one test, killed when the test is done.
///
/// It runs under coreutils `timeout`, so even if the test process crashes before stopping it,
/// it is killed after 15 minutes: no test run leaves servers behind for long.
public final class ChildProcess: @unchecked Sendable {
  public let wrapper: pid_t
  private var stopped = false

  public init(_ executable: String, _ arguments: [String], stdout: URL?, stderr: URL?) throws {
    wrapper = try spawn(
      "/usr/bin/timeout", ["--signal=KILL", "900", executable] + arguments,
      stdout: stdout?.path ?? "/dev/null", stderr: stderr?.path ?? "/dev/null")
    Self.running.withLock { $0.append(wrapper) }
    Self.installExitHandler
  }

  /// Wrappers still running, killed at exit in case a test never released its server.
  private static let running = LockedPIDs()
  private static let installExitHandler: Void = {
    atexit {
      for pid in ChildProcess.running.withLock({ $0 }) {
        ChildProcess.killTree(pid)
      }
    }
  }()

  private static func killTree(_ wrapper: pid_t) {
    if let server = serverPID(ofWrapper: wrapper) { Glibc.kill(server, SIGKILL) }
    Glibc.kill(wrapper, SIGKILL)
  }

  private static func serverPID(ofWrapper wrapper: pid_t) -> pid_t? {
    let children = "/proc/\(wrapper)/task/\(wrapper)/children"
    return (try? String(contentsOfFile: children, encoding: .utf8))?
      .split(separator: " ").first.flatMap { pid_t($0) }
  }

  /// The server's own process id (timeout's child), for tests that kill it outright.
  public var serverPID: pid_t? { Self.serverPID(ofWrapper: wrapper) }

  /// Kills the server and its wrapper and reaps the wrapper.
  public func stop() {
    guard !stopped else { return }
    stopped = true
    Self.killTree(wrapper)
    var status: Int32 = 0
    _ = waitpid(wrapper, &status, 0)
    Self.running.withLock { $0.removeAll { $0 == wrapper } }
  }

  deinit { stop() }
}

/// A pid list shared by every test thread.
public final class LockedPIDs: @unchecked Sendable {
  private let lock = NSLock()
  private var pids: [pid_t] = []

  public func withLock<T>(_ body: (inout [pid_t]) -> T) -> T {
    lock.withLock { body(&pids) }
  }
}
