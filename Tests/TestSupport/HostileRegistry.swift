import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// hostile_registry.py on a free loopback port: a registry that drips, goes silent, pages
/// for ever, or puts control bytes in names, tags, error bodies and headers (issue 17).
public final class HostileRegistry: @unchecked Sendable {
  private let fake: FakeRegistry

  /// `mode`: drip, steady, slowflood, silence, pages, names or manifests (see the script's docstring).
  public init(mode: String) async throws {
    fake = try await FakeRegistry(mode: mode, script: "hostile_registry")
  }

  public var server: String { fake.server }

  /// Turns the `pages` mode's listings endless, after a first good sync.
  public func breakListings() async throws {
    _ = try await URLSession.shared.data(from: URL(string: "http://\(server)/_break")!)
  }

  public func stop() { fake.stop() }
}

/// The two ways regsh talks to a loopback registry; hostile tests run over both.
public enum RegistryTransport: String, CaseIterable, Sendable, CustomStringConvertible {
  case loopback, urlsession

  /// What selects it: `REGSH_HTTP=urlsession`, else the loopback client.
  public var environment: [String: String] {
    self == .urlsession ? ["REGSH_HTTP": "urlsession"] : ["REGSH_HTTP": "loopback"]
  }

  public var description: String { rawValue }
}

/// One `regsh` run against a hostile registry, with a temporary REGSH_HOME of its own.
public struct HostileRun: Sendable {
  public let status: Int32
  public let stdout: Data
  public let stderr: Data
  public let seconds: Double

  public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
  public var stderrText: String { String(decoding: stderr, as: UTF8.self) }

  /// Every control character in either stream other than newline and tab: what a hostile
  /// registry must never get to the terminal. Bytes that are not UTF-8 count as well.
  public var rawControls: [String] {
    Self.controls(in: stdout).map { "stdout: \($0)" }
      + Self.controls(in: stderr).map { "stderr: \($0)" }
  }

  public static func controls(in data: Data) -> [String] {
    var found: [String] = []
    if String(validating: data, as: UTF8.self) == nil { found.append("bytes that are not UTF-8") }
    for scalar in String(decoding: data, as: UTF8.self).unicodeScalars {
      let value = scalar.value
      let isControl = value < 0x20 || (value >= 0x7F && value <= 0x9F)
      if isControl && scalar != "\n" && scalar != "\t" {
        found.append(String(format: "U+%04X", value))
      }
    }
    return found
  }
}

/// A REGSH_HOME for one test, and `regsh` runs in it.
public final class HostileSession: @unchecked Sendable {
  public let home: TemporaryDirectory
  public let environment: [String: String]

  public init(transport: RegistryTransport, environment extra: [String: String] = [:]) throws {
    home = try TemporaryDirectory()
    var environment = transport.environment
    environment["REGSH_HOME"] = home.url.path
    environment["REGSH_TIMEOUT"] = ""
    environment["REGSH_REGISTRY"] = ""
    environment.merge(extra) { _, new in new }
    self.environment = environment
  }

  /// The first column of `sql`'s rows over this session's cache, read with python3's sqlite3
  /// (CI has python3 for the test registries, not the sqlite3 shell).
  public func cacheRows(_ sql: String) throws -> [String] {
    let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
    guard let python else {
      throw TestFailure("python3 is not installed (apt-get install python3)")
    }
    let cache = home.url.appendingPathComponent("cache.sqlite").path
    let script =
      "import sqlite3, sys; [print(repr(row[0])) for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])]"
    let (status, output) = try TestSupport.run(python, ["-c", script, cache, sql])
    guard status == 0 else { throw TestFailure("cannot read the cache \(cache)") }
    return output.split(separator: "\n").map(String.init)
  }

  /// Runs regsh under python3, which reports the peak resident memory of its one child
  /// (`ru_maxrss` of RUSAGE_CHILDREN): regsh's own, not that of other tests' processes.
  public func runMeasuringMemory(_ arguments: [String], environment extra: [String: String] = [:])
    async throws -> (run: HostileRun, peakMiB: Int)
  {
    let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
    guard let python else {
      throw TestFailure("python3 is not installed (apt-get install python3)")
    }
    let report = home.url.appendingPathComponent("peak-\(UUID().uuidString)")
    let script = """
      import resource, subprocess, sys
      status = subprocess.run(sys.argv[2:]).returncode
      open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
      sys.exit(status)
      """
    let environment = self.environment.merging(extra) { _, new in new }
    let started = Date()
    let result: RegshProcess.Result = try await withCheckedThrowingContinuation { continuation in
      Thread.detachNewThread {
        continuation.resume(
          with: Result {
            try RegshProcess.run(
              ["-c", script, report.path, RegshProcess.executable.path] + arguments,
              environment: environment, executable: URL(fileURLWithPath: python))
          })
      }
    }
    let kib = Int((try? String(contentsOf: report, encoding: .utf8)) ?? "") ?? -1
    let run = HostileRun(
      status: result.status, stdout: result.stdoutData, stderr: result.stderrData,
      seconds: Date().timeIntervalSince(started))
    return (run, kib / 1024)
  }

  /// Runs regsh on a thread of its own, so a run of a minute does not hold one of the few
  /// threads Swift concurrency has on a 2-core machine.
  public func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws
    -> HostileRun
  {
    let environment = self.environment.merging(extra) { _, new in new }
    return try await withCheckedThrowingContinuation { continuation in
      Thread.detachNewThread {
        let started = Date()
        do {
          let result = try RegshProcess.run(arguments, environment: environment)
          continuation.resume(
            returning: HostileRun(
              status: result.status, stdout: result.stdoutData, stderr: result.stderrData,
              seconds: Date().timeIntervalSince(started)))
        } catch {
          continuation.resume(throwing: error)
        }
      }
    }
  }
}
