import Foundation

/// Docker's `config.json`: the credentials people already have from `docker login`, read and written the way docker, crane and regctl do.
public struct DockerConfig: CredentialProvider {
  /// The directory holding `config.json`.
  public let configDirectory: URL
  /// Where `docker-credential-*` helpers are looked up; nil means `$PATH`.
  public let helperSearchPath: String?

  /// Uses `config.json` inside `configDirectory`, and helpers from `helperSearchPath` (default `$PATH`).
  public init(configDirectory: URL, helperSearchPath: String? = nil) {
    self.configDirectory = configDirectory
    self.helperSearchPath = helperSearchPath
  }

  /// `$DOCKER_CONFIG`, else `~/.docker`.
  public static func defaultDirectory(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> URL {
    if let path = environment["DOCKER_CONFIG"], !path.isEmpty {
      return URL(fileURLWithPath: path, isDirectory: true)
    }
    let home =
      environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
      ?? FileManager.default.homeDirectoryForCurrentUser
    return home.appendingPathComponent(".docker", isDirectory: true)
  }

  /// The path of `config.json`.
  public var fileURL: URL { configDirectory.appendingPathComponent("config.json") }

  /// The credential for `server` from `credHelpers`, `credsStore` or `auths`, in docker's order.
  public func credential(for server: String) async throws -> Credential? {
    let object = try load()
    let key = Self.normalize(server)
    if let helper = Self.helper(for: key, in: object) {
      if let credential = try await CredentialHelper(name: helper, searchPath: helperSearchPath)
        .get(
          serverURL: Self.helperServerURL(key))
      {
        return credential
      }
    }
    guard let auths = object["auths"] as? [String: Any] else { return nil }
    for (entryKey, value) in auths where Self.normalize(entryKey) == key {
      guard let entry = value as? [String: Any] else { continue }
      if let token = entry["identitytoken"] as? String, !token.isEmpty {
        return Credential(
          username: entry["username"] as? String ?? "<token>", secret: token, isIdentityToken: true)
      }
      if let auth = entry["auth"] as? String, !auth.isEmpty {
        guard let decoded = Data(base64Encoded: auth).map({ String(decoding: $0, as: UTF8.self) }),
          let colon = decoded.firstIndex(of: ":")
        else {
          throw RegistryError.dockerConfig(
            path: fileURL.path,
            reason: "the auth entry for \(entryKey) is not base64 of user:password")
        }
        return Credential(
          username: String(decoded[..<colon]),
          secret: String(decoded[decoded.index(after: colon)...]))
      }
      if let username = entry["username"] as? String, let password = entry["password"] as? String {
        return Credential(username: username, secret: password)
      }
    }
    return nil
  }

  /// Stores a credential for `server` where docker would: its credential helper if one is configured, else `auths` in the file (mode 0600).
  public func login(server: String, username: String, password: String) async throws {
    var object = try load()
    let key = Self.normalize(server)
    if let helper = Self.helper(for: key, in: object) {
      try await CredentialHelper(name: helper, searchPath: helperSearchPath).store(
        serverURL: Self.helperServerURL(key), username: username, secret: password)
      // The helper holds the secret; an empty entry tells docker the server is logged in.
      var auths = object["auths"] as? [String: Any] ?? [:]
      auths[Self.fileKey(key)] = [String: Any]()
      object["auths"] = auths
    } else {
      var auths = object["auths"] as? [String: Any] ?? [:]
      for existing in auths.keys where Self.normalize(existing) == key { auths[existing] = nil }
      auths[Self.fileKey(key)] = [
        "auth": Data("\(username):\(password)".utf8).base64EncodedString()
      ]
      object["auths"] = auths
    }
    try save(object)
  }

  /// Removes the credential for `server` from the helper and the file; returns whether there was one.
  @discardableResult
  public func logout(server: String) async throws -> Bool {
    var object = try load()
    let key = Self.normalize(server)
    var removed = false
    if let helper = Self.helper(for: key, in: object) {
      removed = try await CredentialHelper(name: helper, searchPath: helperSearchPath).erase(
        serverURL: Self.helperServerURL(key))
    }
    if var auths = object["auths"] as? [String: Any] {
      for existing in auths.keys where Self.normalize(existing) == key {
        auths[existing] = nil
        removed = true
      }
      object["auths"] = auths
      try save(object)
    }
    return removed
  }

  /// The file as a JSON object, keeping keys regsh does not know so a rewrite loses nothing.
  func load() throws -> [String: Any] {
    guard let data = try? Data(contentsOf: fileURL) else { return [:] }
    if data.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) { return [:] }
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw RegistryError.dockerConfig(path: fileURL.path, reason: "not a JSON object")
    }
    return object
  }

  /// Writes atomically through a 0600 temporary file, so the secret is never world-readable, not even briefly.
  func save(_ object: [String: Any]) throws {
    let manager = FileManager.default
    do {
      try manager.createDirectory(
        at: configDirectory, withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o700])
      let data = try JSONSerialization.data(
        withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
      let temporary = configDirectory.appendingPathComponent(".config.json.\(UUID().uuidString)")
      guard
        manager.createFile(
          atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600])
      else {
        throw RegistryError.dockerConfig(
          path: fileURL.path, reason: "cannot create a file in \(configDirectory.path)")
      }
      let handle = try FileHandle(forWritingTo: temporary)
      try handle.write(contentsOf: data + Data("\n".utf8))
      try handle.close()
      if rename(temporary.path, fileURL.path) != 0 {
        try? manager.removeItem(at: temporary)
        throw RegistryError.dockerConfig(
          path: fileURL.path, reason: String(cString: strerror(errno)))
      }
    } catch let error as RegistryError {
      throw error
    } catch {
      throw RegistryError.dockerConfig(path: fileURL.path, reason: "\(error)")
    }
  }

  static func helper(for key: String, in object: [String: Any]) -> String? {
    if let helpers = object["credHelpers"] as? [String: String] {
      for (server, helper) in helpers where normalize(server) == key && !helper.isEmpty {
        return helper
      }
    }
    if let store = object["credsStore"] as? String, !store.isEmpty { return store }
    return nil
  }

  /// `host[:port]` for any spelling docker uses (`https://host/v1/`, `host`, Docker Hub's aliases).
  static func normalize(_ server: String) -> String {
    var text = server.lowercased()
    for scheme in ["https://", "http://"] where text.hasPrefix(scheme) {
      text.removeFirst(scheme.count)
    }
    if let slash = text.firstIndex(of: "/") { text = String(text[..<slash]) }
    if text == "docker.io" || text == "registry-1.docker.io" { return "index.docker.io" }
    return text
  }

  static func fileKey(_ key: String) -> String {
    key == "index.docker.io" ? "https://index.docker.io/v1/" : key
  }

  static func helperServerURL(_ key: String) -> String { fileKey(key) }
}

/// A `docker-credential-NAME` program, spoken to over stdin/stdout as docker does.
struct CredentialHelper {
  let name: String
  let searchPath: String?

  func get(serverURL: String) async throws -> Credential? {
    let (status, output, errorOutput) = try await run("get", input: Data(serverURL.utf8))
    let text = String(decoding: output + errorOutput, as: UTF8.self)
    if status != 0 {
      if text.lowercased().contains("credentials not found") { return nil }
      throw RegistryError.credentialHelper(helper: name, reason: "`get` exited with \(status)")
    }
    struct Answer: Decodable {
      var Username: String
      var Secret: String
    }
    guard let answer = try? JSONDecoder().decode(Answer.self, from: output) else {
      throw RegistryError.credentialHelper(
        helper: name, reason: "`get` did not print the expected JSON")
    }
    if answer.Secret.isEmpty { return nil }
    return Credential(
      username: answer.Username, secret: answer.Secret,
      isIdentityToken: answer.Username == "<token>")
  }

  func store(serverURL: String, username: String, secret: String) async throws {
    let body = try JSONSerialization.data(withJSONObject: [
      "ServerURL": serverURL, "Username": username, "Secret": secret,
    ])
    let (status, _, _) = try await run("store", input: body)
    guard status == 0 else {
      throw RegistryError.credentialHelper(helper: name, reason: "`store` exited with \(status)")
    }
  }

  func erase(serverURL: String) async throws -> Bool {
    let (status, output, errorOutput) = try await run("erase", input: Data(serverURL.utf8))
    if status == 0 { return true }
    if String(decoding: output + errorOutput, as: UTF8.self).lowercased().contains("not found") {
      return false
    }
    throw RegistryError.credentialHelper(helper: name, reason: "`erase` exited with \(status)")
  }

  /// Runs the helper off the cooperative pool; its output is never logged because it holds the secret.
  private func run(_ verb: String, input: Data) async throws -> (Int32, Data, Data) {
    let program = "docker-credential-\(name)"
    guard let executable = Self.find(program, in: searchPath) else {
      throw RegistryError.credentialHelper(helper: name, reason: "\(program) is not on PATH")
    }
    return try await withCheckedThrowingContinuation { continuation in
      DispatchQueue.global().async {
        let process = Process()
        process.executableURL = executable
        process.arguments = [verb]
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
          try process.run()
          stdin.fileHandleForWriting.write(input)
          try? stdin.fileHandleForWriting.close()
          let output = stdout.fileHandleForReading.readDataToEndOfFile()
          let errorOutput = stderr.fileHandleForReading.readDataToEndOfFile()
          process.waitUntilExit()
          continuation.resume(returning: (process.terminationStatus, output, errorOutput))
        } catch {
          continuation.resume(
            throwing: RegistryError.credentialHelper(helper: name, reason: "cannot run: \(error)"))
        }
      }
    }
  }

  static func find(_ program: String, in searchPath: String?) -> URL? {
    let path =
      searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(program)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }
}
