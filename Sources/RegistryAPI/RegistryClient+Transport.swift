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
  /// A blob download: bounded by the rate floor, not by the total timeout.
  var isBlobDownload = false
  /// The largest body accepted (a manifest's size limit); nil for none.
  var maxBody: Int?
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
    let limits = limits(for: spec)
    var authorization = try await auth.authorization(for: spec.scopes)
    var challenged = false
    while true {
      var request = URLRequest(url: url, timeoutInterval: options.timeout)
      request.httpMethod = spec.method
      request.httpBody = spec.body
      for (name, value) in spec.headers { request.setValue(value, forHTTPHeaderField: name) }
      if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
      let (body, response) = try await sendWithRetries(
        request, method: spec.method, limits: limits, send: send)
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

  /// The limits of `spec`; its deadline is set when its first attempt starts.
  ///
  /// Every answer held in memory is bounded: a manifest by `options.maxManifestBytes`,
  /// anything else (a listing page, an error body) by `maxAnswerBytes`, so a registry that
  /// streams without end fills neither memory nor the total timeout with it.
  func limits(for spec: RegistryRequest) -> TransferLimits {
    TransferLimits(
      idle: options.timeout, total: spec.isBlobDownload ? nil : options.totalTimeout,
      minimumRate: options.minimumRate,
      maxBody: spec.maxBody ?? (spec.isBlobDownload ? nil : Self.maxAnswerBytes))
  }

  /// The most bytes of any answer that is not a manifest or a blob: a catalog page of
  /// 100,000 names is about 3 MB.
  static let maxAnswerBytes = 64 << 20

  private func sendWithRetries<Body: Sendable>(
    _ request: URLRequest, method: String, limits: TransferLimits,
    send: @Sendable (URLRequest) async throws -> (Body, HTTPURLResponse)
  ) async throws -> (Body, HTTPURLResponse) {
    let policy = options.retry
    var limits = limits
    var attempt = 0
    var timeouts = 0
    while true {
      attempt += 1
      await limiter.acquire()
      // The total counts from the first attempt's start: time spent queued behind other
      // requests for a permit is not the registry's slowness.
      if attempt == 1, let total = limits.total {
        limits.deadline = .now + .seconds(total)
      }
      let outcome: Result<(Body, HTTPURLResponse), any Error>
      do {
        if let deadline = limits.deadline, ContinuousClock.now >= deadline {
          throw TransferLimitExceeded(.total(limits.total ?? 0))
        }
        outcome = .success(
          try await TransferLimits.$current.withValue(limits) { try await send(request) })
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
        let delay = min(policy.maxDelay, asked ?? policy.delay(afterAttempt: attempt))
        // A wait that would pass the deadline ends the request with this answer now.
        guard Self.fits(delay, before: limits.deadline) else { return (body, response) }
        try await Task.sleep(for: .seconds(delay))
      case .failure(let error):
        if error is CancellationError { throw error }
        if let registryError = error as? RegistryError { throw registryError }
        let path = request.url?.path ?? ""
        if let exceeded = Self.limitExceeded(error, limits: limits) {
          // A registry that stalled once is tried once more, not three times: with the
          // defaults a silent registry fails in about a minute (docs/registries.md).
          if exceeded.isTimeout { timeouts += 1 }
          let delay = policy.delay(afterAttempt: attempt)
          guard exceeded.isTimeout, timeouts < 2, attempt < policy.maxAttempts,
            Self.fits(delay, before: limits.deadline)
          else {
            throw RegistryError.limitExceeded(
              method: method, path: path, server: server, exceeded, attempts: attempt)
          }
          try await Task.sleep(for: .seconds(delay))
          continue
        }
        guard Self.isRetryable(error), attempt < policy.maxAttempts else {
          throw RegistryError.transport(
            method: method, path: path, reason: Self.describe(error), attempts: attempt)
        }
        try await Task.sleep(for: .seconds(policy.delay(afterAttempt: attempt)))
      }
    }
  }

  /// Whether a wait of `delay` seconds ends before `deadline`.
  static func fits(_ delay: TimeInterval, before deadline: ContinuousClock.Instant?) -> Bool {
    guard let deadline else { return true }
    return ContinuousClock.now + .seconds(delay) < deadline
  }

  /// The limit an error broke: the transports' own, or URLSession's idle timeout.
  static func limitExceeded(_ error: any Error, limits: TransferLimits) -> TransferLimitExceeded? {
    if let exceeded = error as? TransferLimitExceeded { return exceeded }
    if let urlError = error as? URLError, urlError.code == .timedOut {
      return TransferLimitExceeded(.idle(limits.idle))
    }
    return nil
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
    var errors = RegistryErrorEntry.parse(body)
    let status = response.statusCode
    let text = String(decoding: body.prefix(512), as: UTF8.self)
    // Go's TLS server answers plain HTTP with this 400: the registry speaks https.
    if status == 400, baseURL.scheme == "http", text.contains("HTTP request to an HTTPS server") {
      return .invalidResponse(
        "\(server) speaks https, not plain http: add it as https://\(server) (or as \(server), without a scheme, which tries https first)"
      )
    }
    // A body that is not the spec's error shape still says something: keep its first line.
    if errors.isEmpty, let line = text.split(whereSeparator: \.isNewline).first,
      !line.trimmingCharacters(in: .whitespaces).isEmpty
    {
      errors = [RegistryErrorEntry(code: "", message: String(line.prefix(200)))]
    }
    if status == 401 || status == 403 {
      return .unauthorized(
        status, server: server, hadCredentials: await auth.hasCredentials, errors: errors)
    }
    // ACR has no registry-wide switch for deletes: its 405 is a lock, with its own remedy.
    if method == "DELETE" && status == 405 && isACR {
      return .locked(status, method: method, path: path, errors: errors)
    }
    if method == "DELETE" && status == 405 {
      return .deletesDisabled(status, path: path, errors: errors)
    }
    return .status(status, method: method, path: path, server: server, errors: errors)
  }

  /// Follows `Link: <…>; rel="next"` through every page, collecting what `items` extracts from each.
  ///
  /// A registry regsh does not control can link page after page forever. The listing is
  /// abandoned with `RegistryError.listingUnbounded` — and nothing of it is used — when a
  /// page links back to one already read, when a page after the first adds no entry not
  /// seen before, when the `last` cursor of a lexically ordered listing (`orderedCursor`:
  /// the distribution catalog and tag list) does not move forward, or after
  /// `options.maxPages` pages.
  func paginate<Item>(
    _ first: RegistryRequest, listing: String, orderedCursor: Bool = false,
    key: (Item) -> String, items: (Data) throws -> [Item]
  ) async throws -> [Item] {
    var all: [Item] = []
    var spec: RegistryRequest? = first
    var seenPages = Set<String>()
    var seenKeys = Set<String>()
    var cursor: String?
    var page = 0
    while var current = spec {
      page += 1
      let (data, response) = try await request(current, expecting: [200])
      let entries = try items(data)
      var added = 0
      for entry in entries where seenKeys.insert(key(entry)).inserted { added += 1 }
      all += entries
      guard let next = Self.nextLink(response.value(forHTTPHeaderField: "Link")) else { break }
      func abandon(_ reason: String) -> RegistryError {
        .listingUnbounded(listing: listing, server: server, page: page, reason: reason)
      }
      guard seenPages.insert(next).inserted else {
        throw abandon("its Link header points back to a page already read (\(next))")
      }
      if page > 1 && added == 0 {
        throw abandon("the page added no entry that earlier pages had not listed")
      }
      if orderedCursor, let last = Self.lastParameter(next) {
        if let cursor, last <= cursor {
          throw abandon(
            "the next page starts at \"\(last)\", not after the previous \"\(cursor)\": the entries come back out of order"
          )
        }
        cursor = last
      }
      guard page < options.maxPages else {
        throw abandon(
          "more than \(options.maxPages) pages; set REGSH_MAX_PAGES for a registry that really has more"
        )
      }
      current.path = next
      current.query = []
      spec = current
    }
    return all
  }

  /// `paginate` for a listing of names.
  func paginate(
    _ first: RegistryRequest, listing: String, orderedCursor: Bool = false,
    items: (Data) throws -> [String]
  ) async throws -> [String] {
    try await paginate(
      first, listing: listing, orderedCursor: orderedCursor, key: { $0 }, items: items)
  }

  /// The `last` query parameter of a `Link` target: where a distribution listing resumes.
  static func lastParameter(_ link: String) -> String? {
    URLComponents(string: link)?.queryItems?.first { $0.name == "last" }?.value
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
