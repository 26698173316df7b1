import Foundation
import Testing

/// A real PostgreSQL server for the team-store tests: Debian's PostgreSQL 15, started by
/// the tests themselves (`initdb` in a temporary directory owned by the unprivileged
/// `postgres` user, since the server refuses to run as root), on a free loopback port with
/// its socket in that directory. One server serves a test process; each test gets a
/// database of its own.
public final class TestPostgres: @unchecked Sendable {
  /// Debian's server binaries.
  public static let binaries = "/usr/lib/postgresql/15/bin"

  public static var installed: Bool {
    FileManager.default.isExecutableFile(atPath: "\(binaries)/initdb")
  }

  /// Under CI (or REGSH_REQUIRE_POSTGRES=1) a missing server is a failure, never a skip.
  public static let required: Bool = {
    let environment = ProcessInfo.processInfo.environment
    return environment["REGSH_REQUIRE_POSTGRES"] == "1" || !(environment["CI"] ?? "").isEmpty
  }()

  /// Whether the PostgreSQL tests run; says why not, loudly, once.
  public static let enabled: Bool = {
    if installed { return true }
    if required {
      FileHandle.standardError.write(
        Data(
          "PostgreSQL 15 is not installed but CI or REGSH_REQUIRE_POSTGRES=1 requires it: the team-store tests will fail\n"
            .utf8))
      return true
    }
    FileHandle.standardError.write(
      Data(
        "SKIPPING PostgreSQL backend tests: Debian's postgresql (15) is not installed (apt-get install postgresql) and CI is unset\n"
          .utf8))
    return false
  }()

  public static let skipReason: Comment =
    "PostgreSQL 15 is not installed (apt-get install postgresql); under CI this is a failure"

  /// The server this test process shares, started on first use and stopped at exit.
  public static func shared() throws -> TestPostgres {
    try sharedLock.withLock {
      if let server = sharedServer { return server }
      let server = try TestPostgres()
      sharedServer = server
      atexit { TestPostgres.sharedServer?.remove() }
      return server
    }
  }

  /// A new, empty database on the shared server, as the URL regsh takes.
  public static func freshDatabase() throws -> String {
    try shared().createDatabase()
  }

  nonisolated(unsafe) static var sharedServer: TestPostgres?
  static let sharedLock = NSLock()

  public let directory: URL
  public let port: Int
  private let counter = NSLock()
  private var databases = 0

  /// Initialises a cluster and starts its server.
  public init() throws {
    guard Self.installed else {
      throw TestFailure("PostgreSQL 15 is not installed (\(Self.binaries)/initdb is missing)")
    }
    directory = URL(fileURLWithPath: "/tmp/regsh-pg-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    port = try freeLoopbackPort()
    if geteuid() == 0 {
      try asServerUser("/bin/chown", ["-R", "postgres:postgres", directory.path], asRoot: true)
    }
    let initdb = try asServerUser(
      "\(Self.binaries)/initdb",
      [
        "-D", directory.appendingPathComponent("data").path, "-A", "trust", "-U", "postgres",
        "--locale=C", "-E", "UTF8", "--no-sync",
      ])
    guard initdb.status == 0 else {
      throw TestFailure("initdb failed (\(initdb.status)): \(initdb.error)")
    }
    try start()
    watchOwner()
  }

  /// A watcher that stops the server and removes its files once this test process is gone,
  /// however it ends (an exit handler does not run on a crash or a kill).
  private func watchOwner() {
    let data = directory.appendingPathComponent("data").path
    let stop =
      geteuid() == 0
      ? "/usr/sbin/runuser -u postgres -- \(Self.binaries)/pg_ctl -D \(data) -m immediate stop"
      : "\(Self.binaries)/pg_ctl -D \(data) -m immediate stop"
    _ = try? spawn(
      "/bin/sh",
      [
        "-c",
        "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; \(stop) >/dev/null 2>&1; rm -rf \(directory.path)",
      ], stdout: "/dev/null", stderr: "/dev/null")
  }

  /// Starts (or starts again) the server; waits until it accepts connections.
  public func start() throws {
    let started = try asServerUser(
      "\(Self.binaries)/pg_ctl",
      [
        "-D", directory.appendingPathComponent("data").path, "-l",
        directory.appendingPathComponent("log").path, "-w", "-t", "60", "-o",
        "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
        "start",
      ])
    guard started.status == 0 else {
      let log = (try? String(contentsOf: directory.appendingPathComponent("log"), encoding: .utf8))
      throw TestFailure("pg_ctl start failed (\(started.status)): \(started.error) \(log ?? "")")
    }
  }

  /// Stops the server at once (connections are cut, as when a store goes away).
  public func stop() {
    _ = try? asServerUser(
      "\(Self.binaries)/pg_ctl",
      ["-D", directory.appendingPathComponent("data").path, "-m", "immediate", "-w", "stop"])
  }

  /// Stops the server and removes its files.
  public func remove() {
    stop()
    try? FileManager.default.removeItem(at: directory)
  }

  /// A new, empty database, as the URL regsh takes.
  public func createDatabase() throws -> String {
    let name = counter.withLock {
      databases += 1
      return "regsh_\(getpid())_\(databases)"
    }
    try psql("CREATE DATABASE \(name)")
    return url(database: name)
  }

  /// Adds a role that must log in with `password` (SCRAM), for the tests of a refused or
  /// missing password; every other role keeps trusted loopback logins.
  public func addPasswordRole(_ user: String, password: String) throws {
    try psql("CREATE ROLE \(user) LOGIN SUPERUSER PASSWORD '\(password)'")
    let hba = directory.appendingPathComponent("data/pg_hba.conf")
    let rules = try String(contentsOf: hba, encoding: .utf8)
    // The first matching line wins: this one goes before the trusting ones.
    try ("host all \(user) 127.0.0.1/32 scram-sha-256\n" + rules).write(
      to: hba, atomically: false, encoding: .utf8)
    try psql("SELECT pg_reload_conf()")
  }

  public func url(database: String, user: String = "postgres") -> String {
    "postgresql://\(user)@127.0.0.1:\(port)/\(database)"
  }

  /// Runs SQL as the superuser in `database`.
  @discardableResult
  public func psql(_ sql: String, database: String = "postgres") throws -> String {
    let result = try runCapturing(
      "\(Self.binaries)/psql",
      [
        "-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d",
        database, "-v", "ON_ERROR_STOP=1", "-c", sql,
      ])
    guard result.status == 0 else { throw TestFailure("psql \(sql): \(result.error)") }
    return result.output
  }

  /// Runs a server program as `postgres` when this process is root (the server refuses
  /// to run as root), else as this user.
  @discardableResult
  private func asServerUser(_ program: String, _ arguments: [String], asRoot: Bool = false)
    throws -> (status: Int32, output: String, error: String)
  {
    if asRoot || geteuid() != 0 { return try runCapturing(program, arguments) }
    return try runCapturing("/usr/sbin/runuser", ["-u", "postgres", "--", program] + arguments)
  }
}
