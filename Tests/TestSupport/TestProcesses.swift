import Foundation
import Testing

import RegistryAPI

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Whether the live-registry tests can run, and why not.
public enum LiveRegistry {
  /// Debian's distribution 2.8 binary.
  public static let binary: String? = [
    "/usr/bin/docker-registry", "/usr/local/bin/docker-registry",
  ]
  .first { FileManager.default.isExecutableFile(atPath: $0) }

  /// `.ci/run` sets REGSH_REQUIRE_REGISTRY=1: then a missing registry fails the tests instead of skipping them.
  public static let required = isRequired(ProcessInfo.processInfo.environment)

  public static let enabled: Bool = {
    let decision = decide(
      binaryInstalled: binary != nil, environment: ProcessInfo.processInfo.environment)
    if let message = decision.message {
      FileHandle.standardError.write(Data("\(message)\n".utf8))
    }
    return decision.enabled
  }()

  public static let skipReason: Comment =
    "docker-registry is not installed (apt-get install docker-registry); set REGSH_REQUIRE_REGISTRY=1 to make this a failure"
}

extension LiveRegistry {
  /// Whether the live suites run, and what to tell the person running them.
  public struct Decision: Equatable, Sendable {
    /// Whether `.enabled(if: LiveRegistry.enabled, …)` lets the suites run; without the binary they then fail in `TestRegistry`.
    public var enabled: Bool
    /// The line written to standard error when docker-registry is missing.
    public var message: String?

    public init(enabled: Bool, message: String?) {
      self.enabled = enabled
      self.message = message
    }
  }

  /// Whether `environment` asks for a missing registry to be a failure.
  public static func isRequired(_ environment: [String: String]) -> Bool {
    environment["REGSH_REQUIRE_REGISTRY"] == "1"
  }

  /// The decision `enabled` makes, as a pure function of whether the binary is installed and the environment.
  public static func decide(binaryInstalled: Bool, environment: [String: String]) -> Decision {
    if binaryInstalled { return Decision(enabled: true, message: nil) }
    if isRequired(environment) {
      return Decision(
        enabled: true,
        message:
          "REGSH_REQUIRE_REGISTRY=1 but docker-registry is not installed: the live-registry tests will fail"
      )
    }
    return Decision(
      enabled: false,
      message:
        "SKIPPING live-registry tests: docker-registry (Debian package docker-registry) is not installed and REGSH_REQUIRE_REGISTRY is unset"
    )
  }

  /// The registry binary, or the failure a live test reports when it is missing.
  public static func requireBinary(_ binary: String?) throws -> String {
    guard let binary else {
      throw TestFailure("docker-registry is not installed (REGSH_REQUIRE_REGISTRY=1 requires it)")
    }
    return binary
  }
}

public struct TestFailure: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// A directory removed when the value goes away.
public final class TemporaryDirectory: @unchecked Sendable {
  public let url: URL

  public init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "regsh-registryapi-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }
}

/// A loopback port nobody is listening on right now.
public func freeLoopbackPort() throws -> Int {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  guard fd >= 0 else { throw TestFailure("socket() failed") }
  defer { close(fd) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_port = 0
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  let bound = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
    }
  }
  guard bound else { throw TestFailure("bind() failed") }
  return Int(UInt16(bigEndian: address.sin_port))
}

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

/// Debian's docker-registry (distribution 2.8) on a free loopback port with its own storage directory.
public final class TestRegistry: @unchecked Sendable {
  public let directory: TemporaryDirectory
  public let port: Int
  public let storage: URL
  private let child: ChildProcess

  public var server: String { "127.0.0.1:\(port)" }
  /// Whether registries speak TLS unless a test says otherwise: `REGSH_TEST_TLS=1` runs the
  /// live suites over https (URLSession), as users meet registries; `scripts/test` runs
  /// them both ways.
  public static let defaultTLS: TestCertificateAuthority? =
    ProcessInfo.processInfo.environment["REGSH_TEST_TLS"] == "1"
    ? TestCertificateAuthority.shared : nil

  /// The certificate authority of a TLS registry (nil: plain http).
  public let tls: TestCertificateAuthority?
  /// The registry's URL, with its scheme.
  public var url: String { "\(tls == nil ? "http" : "https")://\(server)" }

  /// Token auth as distribution configures it: the token server's URL, the names it signs with, and its certificate.
  public struct TokenAuth {
    public var realm: String
    public var service: String
    public var issuer: String
    public var certificate: URL

    public init(realm: String, service: String, issuer: String, certificate: URL) {
      self.realm = realm
      self.service = service
      self.issuer = issuer
      self.certificate = certificate
    }
  }

  /// Starts a registry; `basicAuth` adds htpasswd auth for that user, `tokenAuth` Docker's Bearer token auth.
  public init(
    deletes: Bool = true, basicAuth: (user: String, password: String)? = nil,
    tokenAuth: TokenAuth? = nil, tls: TestCertificateAuthority? = TestRegistry.defaultTLS
  ) async throws {
    let binary = try LiveRegistry.requireBinary(LiveRegistry.binary)
    self.tls = tls
    directory = try TemporaryDirectory()
    storage = directory.url.appendingPathComponent("storage")
    port = try freeLoopbackPort()
    var config = """
      version: 0.1
      log:
        level: error
        accesslog:
          disabled: true
      storage:
        filesystem:
          rootdirectory: \(storage.path)
        delete:
          enabled: \(deletes)
        maintenance:
          uploadpurging:
            enabled: false
      http:
        addr: 127.0.0.1:\(port)
        secret: regsh-test-secret

      """
    if let tls {
      config += """
          tls:
            certificate: \(tls.serverCertificate.path)
            key: \(tls.serverKey.path)

        """
    }
    if let basicAuth {
      let htpasswd = directory.url.appendingPathComponent("htpasswd")
      try Data(try Self.htpasswdLine(user: basicAuth.user, password: basicAuth.password).utf8)
        .write(to: htpasswd)
      config += """
        auth:
          htpasswd:
            realm: regsh-test
            path: \(htpasswd.path)

        """
    }
    if let tokenAuth {
      config += """
        auth:
          token:
            realm: \(tokenAuth.realm)
            service: \(tokenAuth.service)
            issuer: \(tokenAuth.issuer)
            rootcertbundle: \(tokenAuth.certificate.path)

        """
    }
    let configFile = directory.url.appendingPathComponent("config.yml")
    try Data(config.utf8).write(to: configFile)
    child = try ChildProcess(
      binary, ["serve", configFile.path], stdout: nil,
      stderr: directory.url.appendingPathComponent("registry.log"))
    try await waitUntilListening()
  }

  private func waitUntilListening() async throws {
    // Not URLSession.shared: without a delegate it never completes on a Basic 401 on Linux.
    let session = URLSession.registrySession(timeout: 2, maxConcurrency: 1)
    let request = URLRequest(url: URL(string: "\(url)/v2/")!)
    for _ in 0..<100 {
      // A TLS registry whose CA this process does not trust (a test of that refusal) is up
      // once its port takes connections.
      if tls != nil, tls !== TestCertificateAuthority.shared, Self.acceptsConnections(port) {
        return
      }
      if let (_, response) = try? await session.data(for: request),
        response.statusCode == 200 || response.statusCode == 401
      {
        return
      }
      try await Task.sleep(for: .milliseconds(100))
    }
    let log =
      (try? String(
        contentsOf: directory.url.appendingPathComponent("registry.log"), encoding: .utf8)) ?? ""
    throw TestFailure("docker-registry did not start on \(server): \(log)")
  }

  /// Whether something listens on the loopback `port`.
  static func acceptsConnections(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
  }

  /// Kills the registry process outright, as a crash would.
  public func kill() {
    if let pid = child.serverPID { Glibc.kill(pid, SIGKILL) }
  }

  /// Where the registry keeps a blob's bytes on disk.
  public func blobFile(_ digest: Digest) -> URL {
    storage.appendingPathComponent(
      "docker/registry/v2/blobs/\(digest.algorithm)/\(digest.hex.prefix(2))/\(digest.hex)/data")
  }

  public func client(
    credentials: any CredentialProvider = AnonymousCredentials(),
    options: RegistryOptions = RegistryOptions(timeout: 10), http: (any HTTPClient)? = nil
  ) throws -> RegistryClient {
    try RegistryClient(server: url, options: options, credentials: credentials, http: http)
  }

  public static func htpasswdLine(user: String, password: String) throws -> String {
    let result = try run("/usr/bin/htpasswd", ["-Bbn", user, password])
    guard result.status == 0 else {
      throw TestFailure("htpasswd failed (apt-get install apache2-utils)")
    }
    return result.output.trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
  }

  deinit { child.stop() }
}

/// fake_registry.py: ACR's API behind a token server ("acr"), or failures on demand ("flaky").
public final class FakeRegistry: @unchecked Sendable {
  public let port: Int
  private let directory: TemporaryDirectory
  private let child: ChildProcess
  public static let username = "acruser"
  public static let password = "acr-secret-pw"

  public var server: String { "127.0.0.1:\(port)" }

  /// Starts `script` (a Python file in Resources): `fake_registry`, or `wire_server` (modes
  /// `wire`, and `ipv6` to serve on ::1, where `server` does not apply).
  public init(mode: String, arguments: [String] = [], script name: String = "fake_registry")
    async throws
  {
    guard let script = Bundle.module.url(forResource: name, withExtension: "py") else {
      throw TestFailure("\(name).py is missing from the test bundle")
    }
    let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
    guard let python else {
      throw TestFailure("python3 is not installed (apt-get install python3)")
    }
    directory = try TemporaryDirectory()
    let portFile = directory.url.appendingPathComponent("port")
    child = try ChildProcess(
      python, [script.path, mode] + arguments, stdout: portFile, stderr: nil)
    for _ in 0..<200 {
      if let text = try? String(contentsOf: portFile, encoding: .utf8), text.hasSuffix("\n"),
        let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
      {
        self.port = port
        return
      }
      try await Task.sleep(for: .milliseconds(50))
    }
    throw TestFailure("fake registry did not print its port")
  }

  /// The server's counters: requests per path, token requests with their scopes.
  public func stats() async throws -> [String: Any] {
    let (data, _) = try await URLSession.shared.data(from: URL(string: "http://\(server)/_stats")!)
    return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
  }

  /// Ends the server now (its port then refuses connections).
  public func stop() { child.stop() }

  deinit { child.stop() }
}

/// Runs a program to completion and returns its status and standard output as text.
@discardableResult
public func run(_ executable: String, _ arguments: [String]) throws -> (
  status: Int32, output: String
) {
  let (status, data) = try runRaw(executable, arguments)
  return (status, String(decoding: data, as: UTF8.self))
}

/// Runs a short-lived program to completion and returns its status and raw standard output.
public func runRaw(_ executable: String, _ arguments: [String]) throws -> (
  status: Int32, output: Data
) {
  let directory = try TemporaryDirectory()
  let output = directory.url.appendingPathComponent("stdout")
  let pid = try spawn(executable, arguments, stdout: output.path, stderr: "/dev/null")
  var status: Int32 = 0
  _ = waitpid(pid, &status, 0)
  let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  return (exitCode, (try? Data(contentsOf: output)) ?? Data())
}

/// skopeo and umoci, the OCI-layout tools the local-registry tests cross-check against.
public enum OCITools {
  public static let skopeo = findOnPath("skopeo")
  public static let umoci = findOnPath("umoci")

  /// Whether the cross-check tests run: both tools found, or REGSH_REQUIRE_REGISTRY=1 (then they fail without them).
  public static let enabled: Bool = {
    if skopeo != nil && umoci != nil { return true }
    if LiveRegistry.required {
      FileHandle.standardError.write(
        Data(
          "REGSH_REQUIRE_REGISTRY=1 but skopeo or umoci is not on PATH: the OCI-layout cross-checks will fail\n"
            .utf8))
      return true
    }
    FileHandle.standardError.write(
      Data(
        "SKIPPING OCI-layout cross-checks: skopeo or umoci is not on PATH (apt-get install skopeo umoci) and REGSH_REQUIRE_REGISTRY is unset\n"
          .utf8))
    return false
  }()

  public static let skipReason: Comment =
    "skopeo or umoci is not on PATH (apt-get install skopeo umoci); set REGSH_REQUIRE_REGISTRY=1 to make this a failure"

  /// The tool's path, or the failure a test reports when it is missing.
  public static func require(_ name: String, _ path: String?) throws -> String {
    guard let path else {
      throw TestFailure("\(name) is not on PATH (REGSH_REQUIRE_REGISTRY=1 requires it)")
    }
    return path
  }

  /// The first executable `name` in a PATH directory.
  public static func findOnPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }
}

/// Runs a short-lived program and returns its status, standard output and standard error.
public func runCapturing(_ executable: String, _ arguments: [String]) throws -> (
  status: Int32, output: String, error: String
) {
  let directory = try TemporaryDirectory()
  let output = directory.url.appendingPathComponent("stdout")
  let error = directory.url.appendingPathComponent("stderr")
  let pid = try spawn(executable, arguments, stdout: output.path, stderr: error.path)
  var status: Int32 = 0
  _ = waitpid(pid, &status, 0)
  let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  let read = { (file: URL) in
    String(decoding: (try? Data(contentsOf: file)) ?? Data(), as: UTF8.self)
  }
  return (exitCode, read(output), read(error))
}
