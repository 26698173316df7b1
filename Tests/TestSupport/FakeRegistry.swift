import Foundation
import RegistryAPI
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// fake_registry.py: ACR's API behind a token server ("acr"), or failures on demand ("flaky").
public final class FakeRegistry: @unchecked Sendable {
  public let port: Int
  private let directory: TemporaryDirectory
  private let child: ChildProcess
  public static let username = "acruser"
  public static let password = "acr-secret-pw"

  public var server: String { "127.0.0.1:\(port)" }

  /// Starts `script` (a Python file in Resources): `fake_registry`, or `wire_server` (modes
  /// `wire`, and `ipv6` to serve on ::1, where `server` does not apply).
  public init(mode: String, arguments: [String] = [], script name: String = "fake_registry")
    async throws
  {
    guard let script = Bundle.module.url(forResource: name, withExtension: "py") else {
      throw TestFailure("\(name).py is missing from the test bundle")
    }
    let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
    guard let python else {
      throw TestFailure("python3 is not installed (apt-get install python3)")
    }
    directory = try TemporaryDirectory()
    let portFile = directory.url.appendingPathComponent("port")
    child = try ChildProcess(
      python, [script.path, mode] + arguments, stdout: portFile, stderr: nil)
    for _ in 0..<200 {
      if let text = try? String(contentsOf: portFile, encoding: .utf8), text.hasSuffix("\n"),
        let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
      {
        self.port = port
        return
      }
      try await Task.sleep(for: .milliseconds(50))
    }
    throw TestFailure("fake registry did not print its port")
  }

  /// The server's counters: requests per path, token requests with their scopes.
  public func stats() async throws -> [String: Any] {
    let (data, _) = try await URLSession.shared.data(from: URL(string: "http://\(server)/_stats")!)
    return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
  }

  /// Ends the server now (its port then refuses connections).
  public func stop() { child.stop() }

  deinit { child.stop() }
}
