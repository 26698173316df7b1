import Foundation
import TestSupport
import Testing

/// regsh's REPL in a real terminal: a detached tmux server of its own, driven with
/// `send-keys` and read with `capture-pane`.
final class REPLTerminal {
  static let tmux: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  /// Whether the tests can run: tmux is there, or REGSH_REQUIRE_REGISTRY=1 makes its absence
  /// a failure.
  static let enabled: Bool = {
    if tmux == nil {
      let message =
        LiveRegistry.required
        ? "REGSH_REQUIRE_REGISTRY=1 but tmux is not installed: the REPL terminal tests will fail"
        : "SKIPPING REPL terminal tests: tmux is not installed and REGSH_REQUIRE_REGISTRY is unset"
      FileHandle.standardError.write(Data("\(message)\n".utf8))
    }
    return tmux != nil || LiveRegistry.required
  }()

  static let skipReason: Comment =
    "tmux is not installed (apt-get install tmux); set REGSH_REQUIRE_REGISTRY=1 to make this a failure"

  let socket = "regsh-repl-test-\(UUID().uuidString.prefix(8))"
  let home: URL

  /// Starts `regsh` (with `arguments`) on a 200x50 terminal with REGSH_HOME at `home` and
  /// `environment` besides (a team store's REGSH_STORE, say).
  init(home: URL, arguments: [String] = [], environment: [String: String] = [:]) throws {
    guard Self.tmux != nil else { throw TestFailure("tmux is not installed") }
    self.home = home
    let extra = environment.sorted { $0.key < $1.key }.map { Self.quoted("\($0.key)=\($0.value)") }
    let command =
      "exec env REGSH_HOME=\(Self.quoted(home.path)) LC_ALL=C.UTF-8 NO_COLOR=1 "
      + (extra + ([RegshProcess.executable.path] + arguments).map(Self.quoted))
      .joined(separator: " ")
    try tmux(["new-session", "-d", "-x", "200", "-y", "50", command])
  }

  deinit { stop() }

  func stop() {
    _ = try? tmux(["kill-server"], check: false)
  }

  static func quoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  @discardableResult
  func tmux(_ arguments: [String], check: Bool = true) throws -> String {
    let result = try Self.runUnblocked(Self.tmux!, ["-L", socket] + arguments)
    if check, result.status != 0 {
      throw TestFailure("tmux \(arguments.joined(separator: " ")) exited \(result.status)")
    }
    return result.output
  }

  /// Runs a program with no signal blocked and default dispositions. A test thread blocks
  /// most signals, and a tmux server started with that mask never sees the SIGTERM that
  /// `kill-server` sends itself, nor would regsh see Ctrl-C.
  static func runUnblocked(_ executable: String, _ arguments: [String]) throws -> (
    status: Int32, output: String
  ) {
    let directory = try TemporaryDirectory()
    let output = directory.url.appendingPathComponent("stdout").path
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGWINCH] {
      sigaddset(&defaults, signal)
    }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let argv: [UnsafeMutablePointer<CChar>?] =
      ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
    guard spawned == 0 else {
      throw TestFailure("cannot start \(executable): \(String(cString: strerror(spawned)))")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    return (exitCode, text)
  }

  /// Types text as it is (no key names).
  func type(_ text: String) throws { try tmux(["send-keys", "-l", text]) }

  /// Presses keys by tmux's names: Enter, Tab, Up, C-c, C-d.
  func press(_ keys: String...) throws { try tmux(["send-keys"] + keys) }

  /// The pane's text, scrollback included.
  func screen() throws -> String { try tmux(["capture-pane", "-p", "-J", "-S", "-500"]) }

  /// Whether regsh (the pane's only process) still runs.
  var isRunning: Bool { hasSession() }

  private func hasSession() -> Bool {
    (try? Self.runUnblocked(Self.tmux!, ["-L", socket, "has-session"]))?.status == 0
  }

  /// Waits up to `timeout` seconds for the screen to satisfy `condition`; on timeout the
  /// failure shows the screen.
  @discardableResult
  func waitFor(
    _ what: String, timeout: TimeInterval = 15, _ condition: (String) -> Bool
  ) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    var last = ""
    while Date() < deadline {
      last = (try? screen()) ?? ""
      if condition(last) { return last }
      Thread.sleep(forTimeInterval: 0.05)
    }
    throw TestFailure("timed out waiting for \(what); the screen was:\n\(last)")
  }

  /// Waits for `text` to appear on the screen.
  @discardableResult
  func waitFor(_ text: String, timeout: TimeInterval = 15) throws -> String {
    try waitFor("'\(text)'", timeout: timeout) { $0.contains(text) }
  }

  /// Waits for regsh to end.
  func waitForExit(timeout: TimeInterval = 15) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if !hasSession() { return }
      Thread.sleep(forTimeInterval: 0.05)
    }
    throw TestFailure("regsh did not exit; the screen was:\n\((try? screen()) ?? "")")
  }

  /// The screen's lines with trailing blanks removed.
  static func lines(_ screen: String) -> [String] {
    screen.split(separator: "\n", omittingEmptySubsequences: false).map {
      String($0.reversed().drop { $0 == " " }.reversed())
    }
  }
}
