import Foundation
import Testing

@testable import RegistryAPI

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Whether the live-registry tests can run, and why not.
public enum LiveRegistry {
  /// Debian's distribution 2.8 binary.
  public static let binary: String? = ["/usr/bin/docker-registry", "/usr/local/bin/docker-registry"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

  /// `.ci/run` sets REGSH_REQUIRE_REGISTRY=1: then a missing registry fails the tests instead of skipping them.
  public static let required = ProcessInfo.processInfo.environment["REGSH_REQUIRE_REGISTRY"] == "1"

  public static let enabled: Bool = {
    if binary == nil {
      let message =
        required
        ? "REGSH_REQUIRE_REGISTRY=1 but docker-registry is not installed: the live-registry tests will fail"
        : "SKIPPING live-registry tests: docker-registry (Debian package docker-registry) is not installed and REGSH_REQUIRE_REGISTRY is unset"
      FileHandle.standardError.write(Data("\(message)\n".utf8))
    }
    return binary != nil || required
  }()

  public static let skipReason: Comment =
    "docker-registry is not installed (apt-get install docker-registry); set REGSH_REQUIRE_REGISTRY=1 to make this a failure"

  public static let htpasswdAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/htpasswd")
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

/// A child process whose lifetime is tied to a stdin pipe: when the test process ends, even by a crash, the pipe closes and the child exits.
public final class ChildProcess: @unchecked Sendable {
  public let process = Process()
  private let stdin = Pipe()
  public let stdout = Pipe()

  public init(_ executable: String, _ arguments: [String], log: URL?) throws {
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardInput = stdin
    process.standardOutput = stdout
    if let log {
      FileManager.default.createFile(atPath: log.path, contents: nil)
      process.standardError = try FileHandle(forWritingTo: log)
    } else {
      process.standardError = FileHandle.nullDevice
    }
    try process.run()
  }

  public func stop() {
    try? stdin.fileHandleForWriting.close()
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
  }

  deinit { stop() }
}

/// Debian's docker-registry (distribution 2.8) on a free loopback port with its own storage directory.
public final class TestRegistry: @unchecked Sendable {
  public let directory: TemporaryDirectory
  public let port: Int
  public let storage: URL
  private let child: ChildProcess
  private let pidFile: URL

  public var server: String { "127.0.0.1:\(port)" }

  /// Starts a registry; `basicAuth` adds htpasswd auth for that user.
  public init(deletes: Bool = true, basicAuth: (user: String, password: String)? = nil) async throws {
    guard let binary = LiveRegistry.binary else {
      throw TestFailure("docker-registry is not installed (REGSH_REQUIRE_REGISTRY=1 requires it)")
    }
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
    let configFile = directory.url.appendingPathComponent("config.yml")
    try Data(config.utf8).write(to: configFile)
    pidFile = directory.url.appendingPathComponent("registry.pid")
    // sh keeps the registry only as long as our stdin pipe stays open.
    child = try ChildProcess(
      "/bin/sh",
      [
        "-c",
        "\"$0\" serve \"$1\" & echo $! > \"$2\"; cat > /dev/null; kill $(cat \"$2\") 2>/dev/null; wait",
        binary, configFile.path, pidFile.path,
      ],
      log: directory.url.appendingPathComponent("registry.log"))
    try await waitUntilListening()
  }

  private func waitUntilListening() async throws {
    let url = URL(string: "http://\(server)/v2/")!
    for _ in 0..<100 {
      if let (_, response) = try? await URLSession.shared.data(from: url),
        let http = response as? HTTPURLResponse, http.statusCode == 200 || http.statusCode == 401
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

  /// Kills the registry process outright, as a crash would.
  public func kill() {
    if let text = try? String(contentsOf: pidFile, encoding: .utf8),
      let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    {
      Glibc.kill(pid, SIGKILL)
    }
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
    try RegistryClient(server: server, options: options, credentials: credentials, http: http)
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
  private let child: ChildProcess
  public static let username = "acruser"
  public static let password = "acr-secret-pw"

  public var server: String { "127.0.0.1:\(port)" }

  public init(mode: String) throws {
    guard let script = Bundle.module.url(forResource: "fake_registry", withExtension: "py") else {
      throw TestFailure("fake_registry.py is missing from the test bundle")
    }
    let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
    guard let python else {
      throw TestFailure("python3 is not installed (apt-get install python3)")
    }
    child = try ChildProcess(python, [script.path, mode], log: nil)
    let line = child.stdout.fileHandleForReading.readLine()
    guard let port = Int(line) else { throw TestFailure("fake registry did not print its port") }
    self.port = port
  }

  /// The server's counters: requests per path, token requests with their scopes.
  public func stats() async throws -> [String: Any] {
    let (data, _) = try await URLSession.shared.data(from: URL(string: "http://\(server)/_stats")!)
    return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
  }

  deinit { child.stop() }
}

extension FileHandle {
  fileprivate func readLine() -> String {
    var bytes = Data()
    while let byte = try? read(upToCount: 1), let first = byte.first, first != 0x0a {
      bytes.append(first)
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}

/// Runs a program to completion and returns its status and standard output as text.
@discardableResult
public func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
  let (status, data) = try runRaw(executable, arguments)
  return (status, String(decoding: data, as: UTF8.self))
}

/// Runs a program and returns its raw standard output.
public func runRaw(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: Data) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = FileHandle.nullDevice
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, data)
}
