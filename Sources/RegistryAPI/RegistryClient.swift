import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// How a `RegistryClient` talks to its registry.
public struct RegistryOptions: Sendable {
  /// Allow plain HTTP to a non-loopback host (`--insecure`).
  public var insecure: Bool
  /// The idle timeout: seconds a request may wait for the next byte from the registry.
  public var timeout: TimeInterval
  /// Seconds one request may take, retries and backoff included; blob downloads have
  /// `minimumRate` instead (docs/registries.md, "Timeouts and limits").
  public var totalTimeout: TimeInterval
  /// Bytes per second an unfinished answer must average over each `timeout`-long window.
  public var minimumRate: Int
  /// The largest manifest accepted, in bytes (distribution's own default limit: 4 MiB).
  public var maxManifestBytes: Int
  /// The most `Link` pages one catalog or tag listing may take.
  public var maxPages: Int
  /// Requests in flight at once, across every call on this client.
  public var maxConcurrency: Int
  /// When and how often to try again.
  public var retry: RetryPolicy
  /// `n` for catalog and tag listing; nil lets the registry choose.
  public var pageSize: Int?
  /// Whether to use the ACR endpoints; `.automatic` decides by the host name (see `RegistryClient.isACR`).
  public var flavor: Flavor

  /// Which API family the registry offers beyond the distribution spec.
  public enum Flavor: Sendable {
    case automatic, distribution, acr
  }

  /// Defaults: HTTPS, 30 s idle and 120 s total timeout, a 1 KiB/s rate floor, 8 concurrent
  /// requests, 4 attempts, 4 MiB manifests, 100,000 pages.
  public init(
    insecure: Bool = false, timeout: TimeInterval = 30, maxConcurrency: Int = 8,
    retry: RetryPolicy = RetryPolicy(), pageSize: Int? = nil, flavor: Flavor = .automatic,
    totalTimeout: TimeInterval = 120, minimumRate: Int = 1024,
    maxManifestBytes: Int = Self.defaultMaxManifestBytes, maxPages: Int = Self.defaultMaxPages
  ) {
    self.insecure = insecure
    self.timeout = timeout
    self.totalTimeout = max(timeout, totalTimeout)
    self.minimumRate = max(0, minimumRate)
    self.maxManifestBytes = max(1, maxManifestBytes)
    self.maxPages = max(1, maxPages)
    self.maxConcurrency = max(1, maxConcurrency)
    self.retry = retry
    self.pageSize = pageSize
    self.flavor = flavor
  }
}

extension RegistryOptions {
  /// distribution's default limit on a manifest it accepts.
  public static let defaultMaxManifestBytes = 4 << 20
  public static let defaultMaxPages = 100_000
}

/// Retries with exponential backoff on 429, 5xx and dropped connections; `Retry-After` wins when sent.
public struct RetryPolicy: Sendable {
  /// Total attempts including the first; 1 disables retries.
  public var maxAttempts: Int
  /// The first backoff delay in seconds; it doubles per attempt.
  public var initialDelay: TimeInterval
  /// The cap for any single delay, including one asked for by `Retry-After`.
  public var maxDelay: TimeInterval

  /// Defaults: 4 attempts, 0.5 s doubling, at most 30 s.
  public init(maxAttempts: Int = 4, initialDelay: TimeInterval = 0.5, maxDelay: TimeInterval = 30) {
    self.maxAttempts = max(1, maxAttempts)
    self.initialDelay = initialDelay
    self.maxDelay = maxDelay
  }

  func delay(afterAttempt attempt: Int) -> TimeInterval {
    min(maxDelay, initialDelay * pow(2, Double(attempt - 1)))
  }
}

/// A client for one registry: OCI distribution endpoints, plus ACR's where the registry is an Azure Container Registry.
///
/// Safe to share between tasks; requests from all callers share one concurrency bound and one token cache.
public final class RegistryClient: Sendable {
  /// The registry's base URL, e.g. `https://myregistry.azurecr.io`.
  public let baseURL: URL
  /// The login server, `host[:port]`: the key for credentials.
  public let server: String
  /// The options this client was created with.
  public let options: RegistryOptions

  let http: any HTTPClient
  /// The local registry behind `oci:DIR`.
  let layouts: OCILayoutRegistry?
  let limiter: ConcurrencyLimiter
  let auth: AuthHandler

  /// Creates a client for a login server (`host[:port]`), a URL (`https://host`,
  /// `http://127.0.0.1:5000`), or a local registry of OCI image layouts (`oci:DIR`).
  ///
  /// A bare loopback host uses https when it answers TLS and http otherwise (`TLSProbe`), any
  /// other bare host https; plain HTTP to a non-loopback host needs `options.insecure`.
  /// `oci:DIR` (a relative DIR is taken from the current directory) is served by
  /// `OCILayoutTransport`: `credentials` are not used, nothing is ever asked for; an `http`
  /// given with it receives every request first (tests wrap the layout's transport in one
  /// that fails chosen requests).
  public init(
    server: String, options: RegistryOptions = RegistryOptions(),
    credentials: any CredentialProvider = ChainedCredentials.standard(),
    http: (any HTTPClient)? = nil
  ) throws {
    if let layouts = try OCILayoutRegistry(address: server) {
      let transport = OCILayoutTransport(registry: layouts)
      // Requests still travel as URLs; this base only has to be one that never leaves the process.
      self.baseURL = Self.layoutBaseURL
      self.server = layouts.address
      self.options = options
      self.http = http ?? transport
      self.layouts = layouts
      self.limiter = ConcurrencyLimiter(limit: options.maxConcurrency)
      self.auth = AuthHandler(
        server: self.server, credentials: AnonymousCredentials(), http: self.http, insecure: true,
        timeout: options.timeout)
      return
    }
    let url: URL
    if server.contains("://") {
      guard let parsed = URL(string: server), parsed.host != nil,
        parsed.scheme == "http" || parsed.scheme == "https"
      else {
        throw RegistryError.invalidReference(server, part: .registry, reason: "not an http(s) URL")
      }
      url = parsed
    } else {
      try Reference.validateRegistry(server, in: server)
      let host = Self.hostOnly(server)
      // A loopback registry may speak either: https when it answers TLS, as docker decides.
      let scheme =
        Self.isLoopback(host)
        ? (TLSProbe.speaksTLS(host: host, port: Self.port(of: server) ?? 443) ? "https" : "http")
        : options.insecure ? "http" : "https"
      guard let parsed = URL(string: "\(scheme)://\(server)") else {
        throw RegistryError.invalidReference(server, part: .registry, reason: "not a host name")
      }
      url = parsed
    }
    let host = url.host ?? ""
    if url.scheme == "http" && !options.insecure && !Self.isLoopback(host) {
      throw RegistryError.insecureNotAllowed(host: host)
    }
    var root = URLComponents(url: url, resolvingAgainstBaseURL: false)!
    root.path = ""
    root.query = nil
    root.user = nil
    root.password = nil
    self.baseURL = root.url!
    self.server = root.port.map { "\(host):\($0)" } ?? host
    self.options = options
    let client =
      http
      ?? LoopbackHTTPClient.registryTransport(
        for: self.baseURL, timeout: options.timeout, maxConcurrency: options.maxConcurrency)
    self.http = client
    self.layouts = nil
    self.limiter = ConcurrencyLimiter(limit: options.maxConcurrency)
    self.auth = AuthHandler(
      server: self.server, credentials: credentials, http: client, insecure: options.insecure,
      timeout: options.timeout)
  }

  /// Whether the ACR endpoints apply: set explicitly by `options.flavor`, else true for `*.azurecr.io` (and the sovereign clouds' `azurecr.*`).
  ///
  /// ACR answers the distribution API exactly like other registries and sends no header that
  /// marks it, so the host name is the only reliable sign without an extra request.
  public var isACR: Bool {
    if localLayouts != nil { return false }
    return switch options.flavor {
    case .acr: true
    case .distribution: false
    case .automatic:
      Self.hostOnly(server).lowercased().split(separator: ".").contains("azurecr")
    }
  }

  /// The local registry this client reads and writes, when it was created for `oci:DIR`.
  public var localLayouts: OCILayoutRegistry? { layouts }

  static let layoutBaseURL = URL(string: "oci-layout://local")!

  /// Checks that the registry speaks the v2 API and that regsh may use it (`GET /v2/`).
  public func ping() async throws {
    _ = try await request(.init(method: "GET", path: "/v2/"), expecting: [200])
  }

  static func isLoopback(_ host: String) -> Bool {
    // Swift-only trimming: the loopback transport asks this once per request.
    let bare = host.trimming("[]")
    return bare == "localhost" || bare.hasPrefix("127.") || bare == "::1"
  }

  /// The port of `host:port` or `[v6]:port`, if one is given.
  static func port(of server: String) -> Int? {
    guard let colon = server.lastIndex(of: ":"), !server.hasSuffix("]") else { return nil }
    return Int(server[server.index(after: colon)...])
  }

  static func hostOnly(_ server: String) -> String {
    if server.hasPrefix("["), let close = server.firstIndex(of: "]") {
      return String(server[...close])
    }
    return server.split(separator: ":").first.map(String.init) ?? server
  }

  static func scope(_ repository: String, _ actions: String) -> String {
    "repository:\(repository):\(actions)"
  }
}
