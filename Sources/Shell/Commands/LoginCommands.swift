import ArgumentParser
import Foundation
import JMESPath
import RegistryAPI

/// `login` / `logout`: write the same `config.json` docker uses (as crane and regctl do), so
/// credentials work for docker and regsh alike. The password never appears in output.
public struct LoginCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "login", abstract: "Store credentials for a registry in docker's config.json.",
    discussion: """
      Checks the credentials against the registry first, then writes them to
      $DOCKER_CONFIG/config.json (or ~/.docker/config.json), or to its credential helper.

      Example:
        echo "$PASSWORD" | regsh login myregistry.azurecr.io -u myuser --password-stdin
      """)

  @Argument(help: "The login server (host[:port]) or a registry name from `registry list`.")
  var server: String

  @Option(name: [.customShort("u"), .long], help: "The user name.")
  var username: String

  @Option(
    name: [.customShort("p"), .long],
    help: "The password (prefer --password-stdin: arguments show in `ps`).")
  var password: String?

  @Flag(help: "Read the password from standard input.")
  var passwordStdin = false

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    var secret = password
    if passwordStdin {
      let data = FileHandle.standardInput.readDataToEndOfFile()
      secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
    }
    guard let secret, !secret.isEmpty else {
      throw ShellError.usage("login needs --password-stdin or --password")
    }
    let info = try session.resolveRegistry(server)
    var options = try session.baseRegistryOptions()
    options.insecure = info.insecure
    let client = try RegistryClient(
      server: info.url, options: options,
      credentials: StaticCredentials(Credential(username: username, secret: secret)))
    // A directory has no credentials; docker's config.json must not get an `oci:` entry.
    guard client.localLayouts == nil else {
      throw ShellError.usage("'\(info.name)' is a local (oci:) registry: it needs no login")
    }
    try await client.ping()
    let config = DockerConfig(configDirectory: DockerConfig.defaultDirectory())
    try await config.login(server: client.server, username: username, password: secret)
    session.printError("Login Succeeded")
    return .nothing
  }
}

public struct LogoutCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "logout", abstract: "Remove stored credentials for a registry.",
    discussion: "Example:\n  regsh logout myregistry.azurecr.io")

  @Argument(help: "The login server (host[:port]) or a registry name.")
  var server: String

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try session.resolveRegistry(server)
    let client = try session.client(for: info)
    let config = DockerConfig(configDirectory: DockerConfig.defaultDirectory())
    let removed = try await config.logout(server: client.server)
    session.printError(
      removed
        ? "Removing login credentials for \(client.server)" : "Not logged in to \(client.server)")
    return .nothing
  }
}
