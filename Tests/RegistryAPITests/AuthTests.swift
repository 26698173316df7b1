import Foundation
import TestSupport
import Testing

@testable import RegistryAPI

/// Every way regsh gets in: anonymous, Basic (htpasswd registry), Bearer tokens (fake token server),
/// and credentials from the environment, docker's config.json, credential helpers and login/logout.
@Suite(.serialized, .enabled(if: LiveRegistry.enabled, LiveRegistry.skipReason))
final class BasicAuthTests {
  static let user = "regsh-user"
  static let password = "s3cret-Passw0rd"
  let registry: TestRegistry
  let home: TemporaryDirectory

  init() async throws {
    registry = try await TestRegistry(basicAuth: (Self.user, Self.password))
    home = try TemporaryDirectory()
  }

  var good: Credential { Credential(username: Self.user, secret: Self.password) }

  @Test func anonymousIsRefusedWithAdvice() async throws {
    let client = try registry.client()
    await #expect {
      try await client.catalog()
    } throws: { error in
      guard case RegistryError.unauthorized(401, _, false, _) = error else { return false }
      return "\(error)".contains("regsh login \(registry.server)")
    }
  }

  @Test func wrongPasswordIsRefusedWithoutEchoingIt() async throws {
    let client = try registry.client(
      credentials: StaticCredentials(Credential(username: Self.user, secret: "wrong-password-123")))
    await #expect {
      try await client.ping()
    } throws: { error in
      guard case RegistryError.unauthorized(401, _, true, _) = error else { return false }
      return !"\(error)".contains("wrong-password-123")
        && !String(reflecting: error).contains("wrong-password-123")
    }
  }

  @Test func basicCredentialsWork() async throws {
    let client = try registry.client(credentials: StaticCredentials(good))
    let fixtures = try await Fixtures.push(to: client)
    #expect(try await client.catalog() == Fixtures.repositories)
    try await client.deleteTag(repository: "hello-world", tag: "v2")
    #expect(
      try await client.headManifest(
        repository: "hello-world", reference: fixtures.latestManifest.digest.description)
        != nil)
  }

  @Test func environmentCredentials() async throws {
    let client = try registry.client(
      credentials: EnvironmentCredentials(environment: [
        "REGSH_USERNAME": Self.user, "REGSH_PASSWORD": Self.password,
      ]))
    try await client.ping()
  }

  @Test func dockerConfigAuths() async throws {
    let auth = Data("\(Self.user):\(Self.password)".utf8).base64EncodedString()
    try Data(
      #"{"auths":{"http://\#(registry.server)":{"auth":"\#(auth)"}},"HttpHeaders":{"X":"y"}}"#.utf8
    )
    .write(to: home.url.appendingPathComponent("config.json"))
    let client = try registry.client(credentials: DockerConfig(configDirectory: home.url))
    try await client.ping()
  }

  @Test func standardChainHonoursDOCKER_CONFIG() async throws {
    let config = DockerConfig(configDirectory: home.url)
    try await config.login(server: registry.server, username: Self.user, password: Self.password)
    let chain = ChainedCredentials.standard(environment: ["DOCKER_CONFIG": home.url.path])
    try await registry.client(credentials: chain).ping()
  }

  @Test(arguments: ["credsStore", "credHelpers"])
  func credentialHelper(kind: String) async throws {
    let helperDirectory = try TemporaryDirectory()
    let store = helperDirectory.url.appendingPathComponent("store.json")
    // A docker-credential helper speaking docker's protocol, keeping secrets in a file.
    let script = """
      #!/bin/sh
      store='\(store.path)'
      case "$1" in
        get) server=$(cat); if [ -f "$store" ] && grep -q "$server" "$store"; then cat "$store"; else echo "credentials not found in native keychain"; exit 1; fi ;;
        store) cat > "$store" ;;
        erase) cat > /dev/null; rm -f "$store" ;;
      esac
      """
    let helper = helperDirectory.url.appendingPathComponent("docker-credential-regshtest")
    try writeExecutable(script, to: helper)
    let configJSON =
      kind == "credsStore"
      ? #"{"credsStore":"regshtest"}"# : #"{"credHelpers":{"\#(registry.server)":"regshtest"}}"#
    try Data(configJSON.utf8).write(to: home.url.appendingPathComponent("config.json"))
    let config = DockerConfig(configDirectory: home.url, helperSearchPath: helperDirectory.url.path)

    #expect(try await config.credential(for: registry.server) == nil)
    try await config.login(server: registry.server, username: Self.user, password: Self.password)
    let written = try String(
      contentsOf: home.url.appendingPathComponent("config.json"), encoding: .utf8)
    #expect(!written.contains(Self.password), "the secret belongs in the helper, not config.json")
    #expect(try await config.credential(for: registry.server) == good)
    try await registry.client(credentials: config).ping()
    #expect(try await config.logout(server: registry.server))
    #expect(try await config.credential(for: registry.server) == nil)
  }

  @Test func loginWritesAPrivateConfigAndLogoutRemovesIt() async throws {
    let directory = home.url.appendingPathComponent("nested/.docker")
    let config = DockerConfig(configDirectory: directory)
    try await config.login(server: registry.server, username: Self.user, password: Self.password)
    let attributes = try FileManager.default.attributesOfItem(atPath: config.fileURL.path)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    try await registry.client(credentials: config).ping()
    #expect(try await config.logout(server: registry.server))
    #expect(try await config.credential(for: registry.server) == nil)
    #expect(try await config.logout(server: registry.server) == false)
  }
}

/// The Bearer token flow in an ACR-like setup: fake_registry.py as both registry and token server.
@Suite(.serialized) struct BearerAuthTests {
  let fake: FakeRegistry

  init() async throws { fake = try await FakeRegistry(mode: "acr") }

  func client(_ credentials: any CredentialProvider) throws -> RegistryClient {
    try RegistryClient(
      server: fake.server, options: RegistryOptions(timeout: 5, flavor: .acr),
      credentials: credentials)
  }

  @Test func tokensAreFetchedPerScopeAndCached() async throws {
    let client = try client(
      StaticCredentials(Credential(username: FakeRegistry.username, secret: FakeRegistry.password)))
    try await client.ping()
    for _ in 0..<3 {
      _ = try await client.acrManifests(repository: "hello-world")
      _ = try await client.acrCatalog()
    }
    let requests = try await fake.stats()["token_requests"] as? [[String: Any]] ?? []
    let scopes = requests.map { ($0["scopes"] as? [String]) ?? [] }
    #expect(scopes.count == 3, "one token per scope set, then cached: \(scopes)")
    #expect(scopes.contains(["repository:hello-world:metadata_read"]))
    #expect(scopes.contains(["registry:catalog:*"]))
    #expect(requests.allSatisfy { $0["service"] as? String == "fake.azurecr.io" })
  }

  @Test func badCredentialsAtTheTokenServer() async throws {
    let client = try client(
      StaticCredentials(Credential(username: "x", secret: "not-the-password")))
    await #expect {
      try await client.ping()
    } throws: { error in
      guard case RegistryError.tokenRequest(401, _, _) = error else { return false }
      return !"\(error)".contains("not-the-password")
    }
  }

  @Test func challengeParsing() {
    let challenges = AuthChallenge.parse(
      #"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push", Basic realm="x\"y""#
    )
    #expect(challenges.count == 2)
    #expect(challenges[0].scheme == "bearer")
    #expect(challenges[0].parameters["realm"] == "https://auth.example/token")
    #expect(challenges[0].parameters["service"] == "registry.example")
    #expect(challenges[0].parameters["scope"] == "repository:a/b:pull,push")
    #expect(challenges[1].scheme == "basic")
    #expect(challenges[1].parameters["realm"] == #"x"y"#)
  }

  @Test func credentialDescriptionHidesTheSecret() {
    let credential = Credential(username: "u", secret: "hunter2")
    #expect(!"\(credential)".contains("hunter2"))
    #expect(!String(reflecting: credential).contains("hunter2"))
  }
}

/// Writes a script through an O_CLOEXEC descriptor: a child forked meanwhile by another test must
/// not inherit it, or executing the script fails with "Text file busy".
func writeExecutable(_ text: String, to url: URL) throws {
  let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
  guard fd >= 0 else { throw TestFailure("cannot create \(url.path)") }
  let bytes = Array(text.utf8)
  let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
  close(fd)
  guard written == bytes.count else { throw TestFailure("cannot write \(url.path)") }
}

/// Docker's Bearer token flow against a real distribution 2.8 configured for token auth, with
/// fake_registry.py as the token server signing RS256 JWTs (openssl) that the registry verifies.
@Suite(.serialized, .enabled(if: LiveRegistry.enabled, LiveRegistry.skipReason))
final class TokenAuthTests {
  let keys: TemporaryDirectory
  let tokenServer: FakeRegistry
  let registry: TestRegistry

  init() async throws {
    keys = try TemporaryDirectory()
    let key = keys.url.appendingPathComponent("key.pem")
    let certificate = keys.url.appendingPathComponent("cert.pem")
    let (status, _) = try run(
      "/usr/bin/openssl",
      [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.path, "-out",
        certificate.path,
        "-days", "1", "-subj", "/CN=regsh-test-token-issuer",
      ])
    guard status == 0 else {
      throw TestFailure("openssl could not make a certificate (apt-get install openssl)")
    }
    tokenServer = try await FakeRegistry(
      mode: "token", arguments: [key.path, certificate.path, "regsh-test-issuer"])
    registry = try await TestRegistry(
      tokenAuth: TestRegistry.TokenAuth(
        realm: "http://\(tokenServer.server)/token", service: "regsh-test-registry",
        issuer: "regsh-test-issuer", certificate: certificate))
  }

  @Test func everyEndpointWorksWithScopedTokens() async throws {
    let client = try registry.client(
      credentials: StaticCredentials(
        Credential(username: FakeRegistry.username, secret: FakeRegistry.password)))
    let fixtures = try await Fixtures.push(to: client)
    #expect(try await client.catalog() == Fixtures.repositories)
    #expect(try await client.tags(repository: "hello-world").contains("v1"))
    try await client.deleteTag(repository: "hello-world", tag: "v2")
    #expect(
      try await client.headManifest(
        repository: "hello-world", reference: fixtures.latestManifest.digest.description)
        != nil)
    let requests = try await tokenServer.stats()["token_requests"] as? [[String: Any]] ?? []
    let scopes = Set(requests.flatMap { ($0["scopes"] as? [String]) ?? [] })
    #expect(scopes.contains("registry:catalog:*"))
    #expect(scopes.contains("repository:hello-world:pull"))
    #expect(scopes.contains("repository:hello-world:pull,push"))
    #expect(scopes.contains("repository:hello-world:delete"))
    #expect(requests.allSatisfy { $0["service"] as? String == "regsh-test-registry" })
    // Cached per scope: far fewer token requests than registry calls.
    #expect(requests.count < 20, "\(requests.count) token requests")
  }

  @Test func anonymousIsRefusedByTheTokenServer() async throws {
    let client = try registry.client()
    await #expect {
      try await client.tags(repository: "hello-world")
    } throws: { error in
      guard case RegistryError.tokenRequest(401, _, _) = error else { return false }
      return true
    }
  }
}
