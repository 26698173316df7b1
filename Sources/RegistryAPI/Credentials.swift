import Foundation

/// A username and secret for one registry; `description` never shows the secret.
public struct Credential: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible
{
  public var username: String
  /// The password, or the refresh token when `isIdentityToken` is set.
  public var secret: String
  /// Docker's `identitytoken`: an OAuth2 refresh token sent to the token endpoint instead of Basic auth.
  public var isIdentityToken: Bool

  /// Creates a credential; `isIdentityToken` marks `secret` as an OAuth2 refresh token.
  public init(username: String, secret: String, isIdentityToken: Bool = false) {
    self.username = username
    self.secret = secret
    self.isIdentityToken = isIdentityToken
  }

  public var description: String { "Credential(username: \(username), secret: <redacted>)" }
  public var debugDescription: String { description }

  /// The `Authorization: Basic …` value.
  var basicAuthorization: String {
    "Basic " + Data("\(username):\(secret)".utf8).base64EncodedString()
  }
}

/// Where a `RegistryClient` gets credentials for a registry host (`host[:port]`).
public protocol CredentialProvider: Sendable {
  /// The credential for `server`, or nil to go anonymous.
  func credential(for server: String) async throws -> Credential?
}

/// No credentials: every request is anonymous.
public struct AnonymousCredentials: CredentialProvider {
  public init() {}
  /// Always nil.
  public func credential(for server: String) async throws -> Credential? { nil }
}

/// One fixed credential for every server (tests, or a CLI flag).
public struct StaticCredentials: CredentialProvider {
  let value: Credential
  /// Uses `credential` for every server.
  public init(_ credential: Credential) { value = credential }
  /// Always the fixed credential.
  public func credential(for server: String) async throws -> Credential? { value }
}

/// `REGSH_USERNAME` / `REGSH_PASSWORD` from the environment, for scripts and CI.
public struct EnvironmentCredentials: CredentialProvider {
  let environment: [String: String]
  /// Reads the given environment (the process's by default).
  public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    self.environment = environment
  }
  /// The environment's credential when both variables are set and non-empty.
  public func credential(for server: String) async throws -> Credential? {
    guard let username = environment["REGSH_USERNAME"], !username.isEmpty,
      let password = environment["REGSH_PASSWORD"], !password.isEmpty
    else { return nil }
    return Credential(username: username, secret: password)
  }
}

/// Tries providers in order and returns the first credential found.
public struct ChainedCredentials: CredentialProvider {
  let providers: [any CredentialProvider]
  /// Asks `providers` in order.
  public init(_ providers: [any CredentialProvider]) { self.providers = providers }

  /// What people expect: the environment first, then docker's config (including helpers).
  public static func standard(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> ChainedCredentials {
    ChainedCredentials([
      EnvironmentCredentials(environment: environment),
      DockerConfig(configDirectory: DockerConfig.defaultDirectory(environment: environment)),
    ])
  }

  /// The first provider's non-nil credential.
  public func credential(for server: String) async throws -> Credential? {
    for provider in providers {
      if let credential = try await provider.credential(for: server) { return credential }
    }
    return nil
  }
}
