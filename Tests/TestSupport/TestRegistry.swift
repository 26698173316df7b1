import Foundation
import RegistryAPI
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Debian's docker-registry (distribution 2.8) on a free loopback port with its own storage directory.
public final class TestRegistry: @unchecked Sendable {
  public let directory: TemporaryDirectory
  public private(set) var port: Int
  public let storage: URL
  private var child: ChildProcess

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
    let log = directory.url.appendingPathComponent("registry.log")
    child = try ChildProcess(binary, ["serve", configFile.path], stdout: nil, stderr: log)
    // A free port can be taken by another process before the registry binds it: then the
    // registry starts again on another one.
    for _ in 0..<3 {
      guard try await !waitUntilListening() else { return }
      child.stop()
      let taken = "addr: 127.0.0.1:\(port)"
      port = try freeLoopbackPort()
      let text = try String(contentsOf: configFile, encoding: .utf8)
      try Data(text.replacingOccurrences(of: taken, with: "addr: 127.0.0.1:\(port)").utf8)
        .write(to: configFile)
      try Data().write(to: log)
      child = try ChildProcess(binary, ["serve", configFile.path], stdout: nil, stderr: log)
    }
    guard try await !waitUntilListening() else { return }
    throw TestFailure("docker-registry found no free port on \(server)")
  }

  /// Waits until the registry answers; false when its port was taken by another process.
  private func waitUntilListening() async throws -> Bool {
    // Not URLSession.shared: without a delegate it never completes on a Basic 401 on Linux.
    let session = URLSession.registrySession(timeout: 2, maxConcurrency: 1)
    let request = URLRequest(url: URL(string: "\(url)/v2/")!)
    let logFile = directory.url.appendingPathComponent("registry.log")
    for _ in 0..<100 {
      let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
      // Checked first: whatever answers on a taken port is not this registry.
      if log.contains("address already in use") { return false }
      // A TLS registry whose CA this process does not trust (a test of that refusal) is up
      // once its port takes connections.
      if tls != nil, tls !== TestCertificateAuthority.shared, Self.acceptsConnections(port) {
        return true
      }
      if let (_, response) = try? await session.data(for: request),
        response.statusCode == 200 || response.statusCode == 401
      {
        return true
      }
      try await Task.sleep(for: .milliseconds(100))
    }
    let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
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
