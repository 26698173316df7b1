import Foundation
import TestSupport
import Testing

/// `regsh login` / `logout` against a registry with htpasswd auth, writing docker's config.
@Suite(.enabled(if: LiveRegistry.enabled, LiveRegistry.skipReason))
struct LoginTests {
  @Test func loginWritesDockerConfigAndSyncUsesIt() async throws {
    let registry = try await TestRegistry(basicAuth: ("regsh", "s3cret-pass"))
    let home = try TemporaryDirectory()
    let docker = home.url.appendingPathComponent("docker")
    let environment = ["REGSH_HOME": home.url.path, "DOCKER_CONFIG": docker.path]

    let wrong = try RegshProcess.run(
      ["login", registry.server, "-u", "regsh", "--password-stdin"], stdin: "wrong-pass\n",
      environment: environment)
    #expect(wrong.status == 1)
    #expect(
      !FileManager.default.fileExists(atPath: docker.appendingPathComponent("config.json").path))

    let login = try RegshProcess.run(
      ["login", registry.server, "-u", "regsh", "--password-stdin"], stdin: "s3cret-pass\n",
      environment: environment)
    #expect(login.status == 0, "\(login.stderr)")
    #expect(!(login.stdout + login.stderr).contains("s3cret-pass"))
    let config = docker.appendingPathComponent("config.json")
    let attributes = try FileManager.default.attributesOfItem(atPath: config.path)
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
    let text = try String(contentsOf: config, encoding: .utf8)
    #expect(text.contains(Data("regsh:s3cret-pass".utf8).base64EncodedString()))

    let sync = try RegshProcess.run(
      ["sync", "--registry", registry.server, "-o", "none"], environment: environment)
    #expect(sync.status == 0, "\(sync.stderr)")
    // Nothing regsh wrote under REGSH_HOME holds the secret.
    for file in try FileManager.default.subpathsOfDirectory(atPath: home.url.path)
    where !file.hasPrefix("docker") {
      let data = (try? Data(contentsOf: home.url.appendingPathComponent(file))) ?? Data()
      #expect(data.range(of: Data("s3cret-pass".utf8)) == nil, "\(file) holds the password")
    }

    let logout = try RegshProcess.run(["logout", registry.server], environment: environment)
    #expect(logout.status == 0)
    #expect(
      try !String(contentsOf: config, encoding: .utf8).contains(
        Data("regsh:s3cret-pass".utf8).base64EncodedString()))
    let denied = try RegshProcess.run(
      ["sync", "--registry", registry.server, "-o", "none"], environment: environment)
    #expect(denied.status == 1)
    #expect(denied.stderr.contains("401"))
  }
}
