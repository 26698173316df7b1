import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Runs a program to completion with posix_spawn: `stdin` written to it, both outputs
/// captured through pipes, and the child reaped by its own pid.
///
/// Not Foundation's `Process`: on Linux it learns of a child's exit from SIGCHLD, and when
/// many tests start children at once a run could be reported only when some other child
/// ended. In CI a regsh that had finished in 3 s was seen to "take" 61 s, the length of
/// the one-minute runs beside it. `waitpid` on the pid returns when this child ends.
struct PipedRun {
  var status: Int32
  var killed: Bool
  var stdout: Data
  var stderr: Data

  static func run(
    _ executable: String, _ arguments: [String], environment: [String: String], stdin: Data,
    timeout: TimeInterval?
  ) throws -> PipedRun {
    ignoreBrokenPipes
    let input = try pipe()
    let output = try pipe()
    let error = try pipe()
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    // dup2 clears close-on-exec on the child's 0, 1 and 2; every pipe end itself has it.
    posix_spawn_file_actions_adddup2(&actions, input.read, 0)
    posix_spawn_file_actions_adddup2(&actions, output.write, 1)
    posix_spawn_file_actions_adddup2(&actions, error.write, 2)
    let argv: [UnsafeMutablePointer<CChar>?] =
      ([executable] + arguments).map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] =
      environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }
    var child: pid_t = 0
    let spawned = posix_spawn(&child, executable, &actions, nil, argv, envp)
    let pid = child
    close(input.read)
    close(output.write)
    close(error.write)
    guard spawned == 0 else {
      [input.write, output.read, error.read].forEach { close($0) }
      throw TestFailure("cannot start \(executable): \(String(cString: strerror(spawned)))")
    }

    // Each stream on a thread of its own, so that neither a large output nor a child that
    // never reads its input can block the others.
    let group = DispatchGroup()
    nonisolated(unsafe) var out = Data()
    nonisolated(unsafe) var err = Data()
    group.enter()
    Thread.detachNewThread {
      out = readToEnd(output.read)
      group.leave()
    }
    group.enter()
    Thread.detachNewThread {
      err = readToEnd(error.read)
      group.leave()
    }
    group.enter()
    Thread.detachNewThread {
      writeAll(stdin, to: input.write)
      group.leave()
    }

    let finished = LockedFlag()
    let killed = LockedFlag()
    if let timeout {
      DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
        // The flag is set before the pid is reaped, so a reused pid is never killed.
        finished.unlessSet {
          killed.set()
          kill(pid, SIGKILL)
        }
      }
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    finished.set()
    group.wait()
    let signal = status & 0x7f
    // As Foundation reports them: the exit code, or the number of the signal that ended it.
    let code = signal == 0 ? (status >> 8) & 0xff : signal
    return PipedRun(status: code, killed: killed.isSet, stdout: out, stderr: err)
  }

  private static let ignoreBrokenPipes: Void = {
    // A child that exits before reading its input must not end the test process.
    signal(SIGPIPE, SIG_IGN)
  }()

  private static func pipe() throws -> (read: Int32, write: Int32) {
    var fds: [Int32] = [0, 0]
    guard systemPipe2(&fds, O_CLOEXEC) == 0 else {
      throw TestFailure("cannot make a pipe: \(String(cString: strerror(errno)))")
    }
    return (fds[0], fds[1])
  }

  private static func readToEnd(_ fd: Int32) -> Data {
    defer { close(fd) }
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if count > 0 {
        data.append(contentsOf: buffer[0..<count])
      } else if count == 0 || errno != EINTR {
        return data
      }
    }
  }

  private static func writeAll(_ data: Data, to fd: Int32) {
    defer { close(fd) }
    data.withUnsafeBytes { bytes in
      var offset = 0
      while offset < bytes.count {
        let count = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if count > 0 {
          offset += count
        } else if count < 0 && errno == EINTR {
          continue
        } else {
          return
        }
      }
    }
  }
}

/// glibc's pipe2, which Swift's Glibc module leaves out (it needs _GNU_SOURCE): a pipe made
/// close-on-exec at once, not by a later fcntl that a spawn on another thread could beat.
@_silgen_name("pipe2")
private func systemPipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32

/// A flag several threads set and read.
final class LockedFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var value = false

  var isSet: Bool { lock.withLock { value } }

  func set() { lock.withLock { value = true } }

  /// Runs `body` under the lock when the flag is not set.
  func unlessSet(_ body: () -> Void) {
    lock.withLock { if !value { body() } }
  }
}
