import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A lean HTTP/1.1 client over POSIX sockets with keep-alive connections, for plain-http
/// registries on loopback; every other request goes to `fallback` (URLSession).
///
/// Why not URLSession here, as DESIGN.md chooses for HTTP: on Linux, FoundationNetworking runs
/// each request through libcurl's multi handle, Dispatch sources and timers, and several
/// thread hops, about 0.6 ms of CPU per request. A sync of an unchanged repository is one HEAD
/// per tag, so that cost is the whole client-side cost, and on a loopback registry it competes
/// with the registry for the same cores (docs/performance.md, issue 4). For plain http on
/// loopback none of URLSession's generality (TLS, proxies, HTTP/2, cookies, caches) is used, so
/// this client does just HTTP/1.1 and keeps the same contract: statuses and 401 challenges are
/// returned, not thrown; same-host redirects are followed and a redirect to another host drops
/// `Authorization`; `timeoutInterval` is the idle timeout; a dropped connection is a
/// `URLError(.networkConnectionLost)` (timeouts `.timedOut`, refusals `.cannotConnectToHost`)
/// that `RegistryClient` retries; a malformed response is a `RegistryError.invalidResponse`;
/// a cancelled task gets `URLError(.cancelled)`, as from URLSession. `REGSH_HTTP=urlsession`
/// turns it off.
public final class LoopbackHTTPClient: HTTPClient {
  private let pool: WorkerPool
  private let fallback: LazyFallback

  /// Redirects followed before giving up, as URLSession's limit.
  static let maxRedirects = 16

  /// - Parameters:
  ///   - maxConcurrency: the requests expected in flight at once; threads and idle connections follow it.
  ///   - fallback: makes the client for https and non-loopback URLs, on first use.
  public init(maxConcurrency: Int, fallback: @escaping @Sendable () -> any HTTPClient) {
    // Two threads more than the registry client's own bound leave room for token requests.
    pool = WorkerPool(maxThreads: maxConcurrency + 2, maxIdlePerServer: maxConcurrency + 2)
    self.fallback = LazyFallback(make: fallback)
  }

  deinit { pool.shutdown() }

  /// Whether this client serves `url` itself: plain http to a loopback host.
  public static func handles(_ url: URL) -> Bool {
    url.scheme == "http" && RegistryClient.isLoopback(url.host ?? "")
  }

  /// The transport a `RegistryClient` uses by default for `baseURL`.
  public static func registryTransport(for baseURL: URL, timeout: TimeInterval, maxConcurrency: Int)
    -> any HTTPClient
  {
    let session: @Sendable () -> any HTTPClient = {
      URLSession.registrySession(timeout: timeout, maxConcurrency: maxConcurrency)
    }
    guard handles(baseURL), ProcessInfo.processInfo.environment["REGSH_HTTP"] != "urlsession"
    else { return session() }
    return LoopbackHTTPClient(maxConcurrency: maxConcurrency, fallback: session)
  }

  public func data(for request: URLRequest) async throws -> (Data, HTTPURLResponse) {
    guard let url = request.url, Self.handles(url) else {
      return try await fallback.client.data(for: request)
    }
    var current = request
    for _ in 0...Self.maxRedirects {
      let outcome = try await exchange(current, destination: nil)
      guard let next = try redirect(from: current, outcome: outcome, original: request) else {
        return (outcome.body, try response(outcome.head, url: current.url ?? url))
      }
      guard let nextURL = next.url, Self.handles(nextURL) else {
        return try await fallback.client.data(for: next)
      }
      current = next
    }
    throw RegistryError.invalidResponse("more than \(Self.maxRedirects) redirects from \(url.path)")
  }

  public func download(for request: URLRequest, to destination: URL) async throws -> HTTPURLResponse
  {
    guard let url = request.url, Self.handles(url) else {
      return try await fallback.client.download(for: request, to: destination)
    }
    var current = request
    for _ in 0...Self.maxRedirects {
      let outcome = try await exchange(current, destination: destination)
      guard let next = try redirect(from: current, outcome: outcome, original: request) else {
        return try response(outcome.head, url: current.url ?? url)
      }
      guard let nextURL = next.url, Self.handles(nextURL) else {
        return try await fallback.client.download(for: next, to: destination)
      }
      current = next
    }
    throw RegistryError.invalidResponse("more than \(Self.maxRedirects) redirects from \(url.path)")
  }

  /// Runs one exchange on a worker thread; cancelling the task shuts its socket down.
  private func exchange(_ request: URLRequest, destination: URL?) async throws
    -> LoopbackExchange.Outcome
  {
    guard let url = request.url else {
      throw RegistryError.invalidResponse("a request without a URL")
    }
    let exchange = LoopbackExchange(
      method: request.httpMethod ?? "GET", url: url, headers: request.allHTTPHeaderFields ?? [:],
      body: request.httpBody, timeout: request.timeoutInterval, destination: destination,
      limits: TransferLimits.current)
    let cancel = CancelSwitch()
    let pool = self.pool
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        pool.submit {
          continuation.resume(with: Result { try exchange.run(pool: pool, cancel: cancel) })
        }
      }
    } onCancel: {
      cancel.cancel()
    }
  }

  /// The request a redirect asks for, or nil when `outcome` is the final answer.
  ///
  /// As URLSession: 303 (and 301/302 after a POST) become a GET without body; a redirect to
  /// another host or port loses `Authorization`, which belongs to the registry alone.
  private func redirect(
    from request: URLRequest, outcome: LoopbackExchange.Outcome, original: URLRequest
  ) throws -> URLRequest? {
    guard LoopbackExchange.redirects.contains(outcome.head.status),
      let location = outcome.head.value("location"), let base = request.url
    else { return nil }
    guard let target = URL(string: location, relativeTo: base)?.absoluteURL,
      target.scheme == "http" || target.scheme == "https"
    else {
      throw RegistryError.invalidResponse(
        "a redirect to \"\(HTTPWire.printable(location))\", not an http(s) URL")
    }
    var next = request
    next.url = target
    let method = request.httpMethod ?? "GET"
    if (outcome.head.status == 303 && method != "HEAD")
      || ([301, 302].contains(outcome.head.status) && method == "POST")
    {
      next.httpMethod = "GET"
      next.httpBody = nil
      next.setValue(nil, forHTTPHeaderField: "Content-Type")
    }
    if target.host != original.url?.host || target.port != original.url?.port {
      next.setValue(nil, forHTTPHeaderField: "Authorization")
    }
    return next
  }

  private func response(_ head: ResponseHead, url: URL) throws -> HTTPURLResponse {
    guard
      let response = HTTPURLResponse(
        url: url, statusCode: head.status, httpVersion: head.version,
        headerFields: head.joinedFields)
    else {
      throw RegistryError.invalidResponse("cannot represent the response from \(url.path)")
    }
    return response
  }
}

/// The fallback client, made on first use: a loopback sync never needs a URLSession at all.
private final class LazyFallback: @unchecked Sendable {
  private let lock = NSLock()
  private let make: @Sendable () -> any HTTPClient
  private var made: (any HTTPClient)?

  init(make: @escaping @Sendable () -> any HTTPClient) { self.make = make }

  var client: any HTTPClient {
    lock.withLock {
      if let made { return made }
      let client = make()
      made = client
      return client
    }
  }
}
