import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One challenge of a `WWW-Authenticate` header: `Bearer realm="…",service="…",scope="…"`.
public struct AuthChallenge: Hashable, Sendable {
  /// `basic` or `bearer`, lowercased.
  public var scheme: String
  /// Parameters with lowercased names.
  public var parameters: [String: String]

  /// Parses every challenge in a `WWW-Authenticate` value (RFC 7235: quoted strings, escapes, several challenges).
  public static func parse(_ header: String) -> [AuthChallenge] {
    var challenges: [AuthChallenge] = []
    var scanner = Substring(header)
    func skipSpaces() {
      while scanner.first == " " || scanner.first == "\t" { scanner.removeFirst() }
    }
    func token() -> String {
      let end = scanner.firstIndex(where: { " \t,=\"".contains($0) }) ?? scanner.endIndex
      defer { scanner = scanner[end...] }
      return String(scanner[..<end])
    }
    while true {
      skipSpaces()
      while scanner.first == "," {
        scanner.removeFirst()
        skipSpaces()
      }
      if scanner.isEmpty { break }
      let scheme = token().lowercased()
      if scheme.isEmpty { break }
      var parameters: [String: String] = [:]
      while true {
        skipSpaces()
        let save = scanner
        let name = token().lowercased()
        skipSpaces()
        guard !name.isEmpty, scanner.first == "=" else {
          scanner = save  // the start of the next challenge
          break
        }
        scanner.removeFirst()
        skipSpaces()
        var value = ""
        if scanner.first == "\"" {
          scanner.removeFirst()
          while let character = scanner.first, character != "\"" {
            scanner.removeFirst()
            if character == "\\", let escaped = scanner.first {
              value.append(escaped)
              scanner.removeFirst()
            } else {
              value.append(character)
            }
          }
          if !scanner.isEmpty { scanner.removeFirst() }
        } else {
          value = token()
        }
        parameters[name] = value
        skipSpaces()
        if scanner.first == "," { scanner.removeFirst() }
      }
      challenges.append(AuthChallenge(scheme: scheme, parameters: parameters))
    }
    return challenges
  }
}

/// Answers a registry's auth challenges: Basic, or the Bearer token flow with tokens cached per scope set until they expire.
actor AuthHandler {
  let server: String
  let credentials: any CredentialProvider
  let http: any HTTPClient
  let insecure: Bool
  let timeout: TimeInterval

  private enum Scheme {
    case basic
    case bearer(realm: URL, service: String?)
  }

  private struct Token {
    var value: String
    var expires: Date
  }

  private var scheme: Scheme?
  private var credential: Credential??
  private var tokens: [String: Token] = [:]
  private var pending: [String: Task<Token, any Error>] = [:]

  init(
    server: String, credentials: any CredentialProvider, http: any HTTPClient, insecure: Bool,
    timeout: TimeInterval
  ) {
    self.server = server
    self.credentials = credentials
    self.http = http
    self.insecure = insecure
    self.timeout = timeout
  }

  /// Whether a credential was found for the server (for error messages; the credential itself stays here).
  var hasCredentials: Bool {
    get async { ((try? await lookupCredential()) ?? nil) != nil }
  }

  /// The `Authorization` value to send up front, once the registry's scheme is known.
  func authorization(for scopes: [String]) async throws -> String? {
    switch scheme {
    case nil: return nil
    case .basic: return try await lookupCredential()?.basicAuthorization
    case .bearer(let realm, let service):
      return "Bearer " + (try await token(realm: realm, service: service, scopes: scopes)).value
    }
  }

  /// The `Authorization` value to retry with after a 401, or nil when there is nothing new to try.
  func respond(to header: String?, scopes: [String], previous: String?) async throws -> String? {
    let challenges = header.map(AuthChallenge.parse) ?? []
    if let bearer = challenges.first(where: { $0.scheme == "bearer" }),
      let realmText = bearer.parameters["realm"], let realm = URL(string: realmText)
    {
      try checkRealm(realm)
      let service = bearer.parameters["service"]
      scheme = .bearer(realm: realm, service: service)
      var wanted = scopes
      for scope in (bearer.parameters["scope"] ?? "").split(separator: " ").map(String.init)
      where !wanted.contains(scope) {
        wanted.append(scope)
      }
      // The cached token was refused: forget it so a fresh one is fetched.
      tokens[Self.key(realm: realm, service: service, scopes: wanted)] = nil
      tokens[Self.key(realm: realm, service: service, scopes: scopes)] = nil
      let fresh =
        "Bearer " + (try await token(realm: realm, service: service, scopes: wanted)).value
      return fresh == previous ? nil : fresh
    }
    if challenges.contains(where: { $0.scheme == "basic" }) {
      scheme = .basic
      guard let credential = try await lookupCredential(), !credential.isIdentityToken else {
        return nil
      }
      let fresh = credential.basicAuthorization
      return fresh == previous ? nil : fresh
    }
    return nil
  }

  private func lookupCredential() async throws -> Credential? {
    if let credential { return credential }
    let found = try await credentials.credential(for: server)
    credential = .some(found)
    return found
  }

  private func checkRealm(_ realm: URL) throws {
    let host = realm.host ?? ""
    guard
      realm.scheme == "https"
        || (realm.scheme == "http" && (insecure || RegistryClient.isLoopback(host)))
    else {
      throw RegistryError.invalidResponse(
        "the registry's token realm \(realm.scheme ?? "?")://\(host) is not https; refusing to send credentials there"
      )
    }
  }

  private static func key(realm: URL, service: String?, scopes: [String]) -> String {
    ([realm.absoluteString, service ?? ""] + scopes.sorted()).joined(separator: " ")
  }

  private func token(realm: URL, service: String?, scopes: [String]) async throws -> Token {
    let key = Self.key(realm: realm, service: service, scopes: scopes)
    if let cached = tokens[key], cached.expires > Date() { return cached }
    if let task = pending[key] { return try await task.value }
    let credential = try await lookupCredential()
    let http = self.http
    let timeout = self.timeout
    let task = Task {
      try await Self.fetchToken(
        http: http, realm: realm, service: service, scopes: scopes, credential: credential,
        timeout: timeout)
    }
    pending[key] = task
    defer { pending[key] = nil }
    let token = try await task.value
    tokens[key] = token
    return token
  }

  /// Docker's token protocol: GET with Basic auth, or the OAuth2 refresh-token POST for an identity token.
  private static func fetchToken(
    http: any HTTPClient, realm: URL, service: String?, scopes: [String], credential: Credential?,
    timeout: TimeInterval
  ) async throws -> Token {
    var request: URLRequest
    if let credential, credential.isIdentityToken {
      request = URLRequest(url: realm, timeoutInterval: timeout)
      request.httpMethod = "POST"
      var form = URLComponents()
      form.queryItems =
        [
          URLQueryItem(name: "grant_type", value: "refresh_token"),
          URLQueryItem(name: "refresh_token", value: credential.secret),
          URLQueryItem(name: "client_id", value: "regsh"),
        ] + (service.map { [URLQueryItem(name: "service", value: $0)] } ?? [])
        + [URLQueryItem(name: "scope", value: scopes.joined(separator: " "))]
      request.httpBody = Data(
        (form.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B").utf8)
      request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
    } else {
      var components = URLComponents(url: realm, resolvingAgainstBaseURL: false)!
      var items = components.queryItems ?? []
      if let service { items.append(URLQueryItem(name: "service", value: service)) }
      items += scopes.map { URLQueryItem(name: "scope", value: $0) }
      components.queryItems = items.isEmpty ? nil : items
      request = URLRequest(url: components.url!, timeoutInterval: timeout)
      request.httpMethod = "GET"
      if let credential {
        request.setValue(credential.basicAuthorization, forHTTPHeaderField: "Authorization")
      }
    }
    let realmName =
      "\(realm.scheme ?? "https")://\(realm.host ?? "")\(realm.port.map { ":\($0)" } ?? "")\(realm.path)"
    let (data, response): (Data, HTTPURLResponse)
    // A token server is bounded as a registry request is: idle, a total of four idle
    // periods (120 s by default), the rate floor, and a body no token needs more than 1 MiB for.
    let limits = TransferLimits(
      idle: timeout, deadline: .now + .seconds(timeout * 4), total: timeout * 4,
      minimumRate: 1024, maxBody: 1 << 20)
    do {
      (data, response) = try await TransferLimits.$current.withValue(limits) {
        try await http.data(for: request)
      }
    } catch let error as RegistryError {
      throw error
    } catch {
      if let exceeded = RegistryClient.limitExceeded(error, limits: limits) {
        throw RegistryError.limitExceeded(
          method: request.httpMethod ?? "GET", path: realmName, server: realm.host ?? "",
          exceeded, attempts: 1)
      }
      throw RegistryError.transport(
        method: request.httpMethod ?? "GET", path: realmName,
        reason: RegistryClient.describe(error), attempts: 1)
    }
    guard response.statusCode == 200 else {
      throw RegistryError.tokenRequest(
        status: response.statusCode, realm: realmName, errors: RegistryErrorEntry.parse(data))
    }
    struct Answer: Decodable {
      var token: String?
      var access_token: String?
      var expires_in: Double?
      var issued_at: String?
    }
    guard let answer = try? JSONDecoder().decode(Answer.self, from: data),
      let value = answer.token ?? answer.access_token, !value.isEmpty
    else {
      throw RegistryError.invalidResponse("the auth server \(realmName) sent no token")
    }
    // The spec's default lifetime is 60 s; renew a little early so a token never expires in flight.
    let lifetime = max(answer.expires_in ?? 60, 60)
    return Token(value: value, expires: Date().addingTimeInterval(lifetime - 10))
  }
}
