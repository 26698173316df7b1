import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One registry call before auth and retries are applied.
struct RegistryRequest: Sendable {
  var method: String
  /// A path under the base URL, or an absolute URL from a `Link` or `Location` header.
  var path: String
  var query: [URLQueryItem] = []
  var headers: [String: String] = [:]
  var body: Data?
  /// The token scopes this call needs, e.g. `repository:x:pull`.
  var scopes: [String] = []
}

/// Bounds how many requests are in flight at once.
actor ConcurrencyLimiter {
  let limit: Int
  private var active = 0
  private var waiters: [CheckedContinuation<Void, Never>] = []

  init(limit: Int) { self.limit = limit }

  func acquire() async {
    if active < limit {
      active += 1
      return
    }
    await withCheckedContinuation { waiters.append($0) }
  }

  func release() {
    if waiters.isEmpty {
      active -= 1
    } else {
      waiters.removeFirst().resume()  // the permit passes straight to the next waiter
    }
  }
}

extension RegistryClient {
  /// Sends `spec` with auth and retries; throws a `RegistryError` unless the status is in `expecting`.
  func request(_ spec: RegistryRequest, expecting: Set<Int>) async throws -> (Data, HTTPURLResponse)
  {
    try await perform(spec, expecting: expecting) { request in
      try await self.http.data(for: request)
    } errorBody: {
      $0
    }
  }

  /// Like `request`, but streams a successful body into `destination`.
  func download(_ spec: RegistryRequest, to destination: URL, expecting: Set<Int>) async throws
    -> HTTPURLResponse
  {
    try await perform(spec, expecting: expecting) { request in
      (destination, try await self.http.download(for: request, to: destination))
    } errorBody: { file in
      defer { try? FileManager.default.removeItem(at: file) }
      return (try? Data(contentsOf: file)) ?? Data()
    }.1
  }

  private func perform<Body: Sendable>(
    _ spec: RegistryRequest, expecting: Set<Int>,
    send: @Sendable (URLRequest) async throws -> (Body, HTTPURLResponse),
    errorBody: (Body) -> Data
  ) async throws -> (Body, HTTPURLResponse) {
    let url = try url(for: spec)
    var authorization = try await auth.authorization(for: spec.scopes)
    var challenged = false
    while true {
      var request = URLRequest(url: url, timeoutInterval: options.timeout)
      request.httpMethod = spec.method
      request.httpBody = spec.body
      for (name, value) in spec.headers { request.setValue(value, forHTTPHeaderField: name) }
      if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
      let (body, response) = try await sendWithRetries(request, method: spec.method, send: send)
      if expecting.contains(response.statusCode) { return (body, response) }
      let data = errorBody(body)
      if response.statusCode == 401 && !challenged {
        challenged = true
        let challenge = response.value(forHTTPHeaderField: "WWW-Authenticate")
        if let fresh = try await auth.respond(
          to: challenge, scopes: spec.scopes, previous: authorization)
        {
          authorization = fresh
          continue
        }
      }
      throw await error(for: response, method: spec.method, path: url.path, body: data)
    }
  }

  private func sendWithRetries<Body: Sendable>(
    _ request: URLRequest, method: String,
    send: @Sendable (URLRequest) async throws -> (Body, HTTPURLResponse)
  ) async throws -> (Body, HTTPURLResponse) {
    let policy = options.retry
    var attempt = 0
    while true {
      attempt += 1
      await limiter.acquire()
      let outcome: Result<(Body, HTTPURLResponse), any Error>
      do {
        outcome = .success(try await send(request))
      } catch {
        outcome = .failure(error)
      }
      await limiter.release()
      switch outcome {
      case .success(let (body, response)):
        let status = response.statusCode
        let retryable =
          status == 429 || status == 500 || status == 502 || status == 503 || status == 504
        guard retryable, attempt < policy.maxAttempts else { return (body, response) }
        let asked = Self.retryAfter(response.value(forHTTPHeaderField: "Retry-After"))
        try await Task.sleep(
          for: .seconds(min(policy.maxDelay, asked ?? policy.delay(afterAttempt: attempt))))
      case .failure(let error):
        if error is CancellationError { throw error }
        if let registryError = error as? RegistryError { throw registryError }
        let path = request.url?.path ?? ""
        guard Self.isRetryable(error), attempt < policy.maxAttempts else {
          throw RegistryError.transport(
            method: method, path: path, reason: Self.describe(error), attempts: attempt)
        }
        try await Task.sleep(for: .seconds(policy.delay(afterAttempt: attempt)))
      }
    }
  }

  func url(for spec: RegistryRequest) throws -> URL {
    // The common case, once per HEAD of a sync: a path of this registry and no query to add.
    // Appending it to the base cannot change the host, so the checks below have nothing to do.
    if spec.query.isEmpty, spec.path.hasPrefix("/"), !spec.path.hasPrefix("//"),
      let url = URL(string: baseURL.absoluteString + spec.path)
    {
      return url
    }
    let base: URL?
    if spec.path.hasPrefix("http://") || spec.path.hasPrefix("https://") {
      base = URL(string: spec.path)
    } else {
      base = URL(string: spec.path, relativeTo: baseURL)?.absoluteURL
    }
    guard let base, var components = URLComponents(url: base, resolvingAgainstBaseURL: true) else {
      throw RegistryError.invalidResponse("cannot build a URL from \(spec.path)")
    }
    // A Link or Location header must not send our credentials to another host.
    guard components.host == baseURL.host, components.port == baseURL.port else {
      throw RegistryError.invalidResponse(
        "the registry pointed to another host (\(components.host ?? "?"))")
    }
    if !spec.query.isEmpty {
      // URLComponents leaves "+" as is in a query, and registries read it as a space (Go's
      // url.ParseQuery): `artifactType=application/spdx+json` has to go out with "%2B".
      var added = URLComponents()
      added.queryItems = spec.query
      let encoded = (added.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
      components.percentEncodedQuery = [components.percentEncodedQuery, encoded].compactMap { $0 }
        .joined(separator: "&")
    }
    guard let url = components.url else {
      throw RegistryError.invalidResponse("cannot build a URL from \(spec.path)")
    }
    return url
  }

  func error(for response: HTTPURLResponse, method: String, path: String, body: Data) async
    -> RegistryError
  {
    let errors = RegistryErrorEntry.parse(body)
    let status = response.statusCode
    if status == 401 || status == 403 {
      return .unauthorized(
        status, server: server, hadCredentials: await auth.hasCredentials, errors: errors)
    }
    if method == "DELETE" && status == 405 {
      return .deletesDisabled(status, path: path, errors: errors)
    }
    return .status(status, method: method, path: path, errors: errors)
  }

  /// Follows `Link: <…>; rel="next"` through every page, collecting what `items` extracts from each.
  func paginate<Item>(
    _ first: RegistryRequest, items: (Data) throws -> [Item]
  ) async throws -> [Item] {
    var all: [Item] = []
    var spec: RegistryRequest? = first
    var seen = Set<String>()
    while var current = spec {
      let (data, response) = try await request(current, expecting: [200])
      all += try items(data)
      guard let next = Self.nextLink(response.value(forHTTPHeaderField: "Link")) else { break }
      // A registry that links a page to itself would otherwise loop forever.
      guard seen.insert(next).inserted else { break }
      current.path = next
      current.query = []
      spec = current
    }
    return all
  }

  static func nextLink(_ header: String?) -> String? {
    guard let header else { return nil }
    for part in header.split(separator: ",") {
      let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
      guard let target = pieces.first, target.hasPrefix("<"), target.hasSuffix(">") else {
        continue
      }
      if pieces.dropFirst().contains(where: {
        $0.replacingOccurrences(of: "\"", with: "") == "rel=next"
      }) {
        return String(target.dropFirst().dropLast())
      }
    }
    return nil
  }

  static func retryAfter(_ header: String?) -> TimeInterval? {
    guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else {
      return nil
    }
    if let seconds = TimeInterval(header) { return max(0, seconds) }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    return formatter.date(from: header).map { max(0, $0.timeIntervalSinceNow) }
  }

  static func isRetryable(_ error: any Error) -> Bool {
    if let urlError = error as? URLError {
      switch urlError.code {
      case .networkConnectionLost, .cannotConnectToHost, .timedOut, .notConnectedToInternet,
        .dnsLookupFailed, .cannotFindHost, .badServerResponse, .resourceUnavailable:
        return true
      default:
        return false
      }
    }
    let nsError = error as NSError
    return nsError.domain == NSPOSIXErrorDomain
      && [Int(ECONNRESET), Int(ECONNREFUSED), Int(EPIPE), Int(ETIMEDOUT)].contains(nsError.code)
  }

  static func describe(_ error: any Error) -> String {
    if let urlError = error as? URLError {
      switch urlError.code {
      case .cannotConnectToHost: return "could not connect (connection refused)"
      case .networkConnectionLost: return "the connection was dropped"
      case .timedOut: return "timed out"
      case .cannotFindHost, .dnsLookupFailed: return "unknown host"
      case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
        .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
        return "TLS failed (\(urlError.localizedDescription))"
      default: return urlError.localizedDescription
      }
    }
    return (error as NSError).localizedDescription
  }
}
