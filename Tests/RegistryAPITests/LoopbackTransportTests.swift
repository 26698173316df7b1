import Foundation
import TestSupport
import Testing

@testable import RegistryAPI

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The loopback transport against a raw socket server (wire_server.py) that sends what a real
/// registry rarely does: chunked and oversized bodies, dropped connections, malformed heads.
@Suite(.serialized) struct LoopbackTransportTests {
  let server: FakeRegistry
  let client: LoopbackHTTPClient

  init() async throws {
    server = try await FakeRegistry(mode: "wire", script: "wire_server")
    client = LoopbackHTTPClient(maxConcurrency: 8) {
      URLSession.registrySession(timeout: 5, maxConcurrency: 8)
    }
  }

  func request(_ path: String, method: String = "GET", timeout: TimeInterval = 5) -> URLRequest {
    var request = URLRequest(url: URL(string: "http://\(server.server)\(path)")!)
    request.httpMethod = method
    request.timeoutInterval = timeout
    return request
  }

  func stats() async throws -> (connections: Int, requests: Int) {
    let (data, _) = try await client.data(for: request("/stats"))
    let object = try JSONSerialization.jsonObject(with: data) as? [String: Int] ?? [:]
    return (object["connections"] ?? -1, object["requests"] ?? -1)
  }

  static func pattern(_ count: Int) -> Data { Data((0..<count).map { UInt8($0 % 251) }) }

  /// The error a call throws, for checks on its kind.
  func failure(_ path: String, timeout: TimeInterval = 5) async -> (any Error)? {
    do {
      _ = try await client.data(for: request(path, timeout: timeout))
      return nil
    } catch {
      return error
    }
  }

  @Test func routesOnlyPlainHTTPOnLoopback() {
    #expect(LoopbackHTTPClient.handles(URL(string: "http://127.0.0.1:5000/v2/")!))
    #expect(LoopbackHTTPClient.handles(URL(string: "http://localhost:5000/v2/")!))
    #expect(LoopbackHTTPClient.handles(URL(string: "http://[::1]:5000/v2/")!))
    #expect(!LoopbackHTTPClient.handles(URL(string: "https://127.0.0.1:5000/v2/")!))
    #expect(!LoopbackHTTPClient.handles(URL(string: "http://registry.example.com/v2/")!))
    let remote = LoopbackHTTPClient.registryTransport(
      for: URL(string: "https://registry.example.com")!, timeout: 5, maxConcurrency: 8)
    #expect(remote is URLSession)
  }

  @Test func chunkedBodyWithExtensionsAndTrailers() async throws {
    let (data, response) = try await client.data(for: request("/chunked"))
    #expect(response.statusCode == 200)
    #expect(String(decoding: data, as: UTF8.self) == "hello, chunked world")
    #expect(response.value(forHTTPHeaderField: "content-type") == "text/plain")
  }

  @Test(arguments: [0, 1, 65_535, 65_536, 65_537, 1_048_583])
  func bodyOfAnySizeThroughTheBuffer(size: Int) async throws {
    let (data, response) = try await client.data(for: request("/large?n=\(size)"))
    #expect(response.statusCode == 200)
    #expect(data == Self.pattern(size))
  }

  @Test func largeChunkedBody() async throws {
    let (data, _) = try await client.data(for: request("/large-chunked"))
    #expect(data == Self.pattern(1_000_003))
  }

  @Test func bodyEndingWithTheConnection() async throws {
    let (data, _) = try await client.data(for: request("/until-close"))
    #expect(data == Self.pattern(200_000))
  }

  @Test func keepAliveConnectionIsReused() async throws {
    let before = try await stats()
    for _ in 0..<20 {
      let (_, response) = try await client.data(for: request("/echo"))
      #expect(response.statusCode == 200)
    }
    for _ in 0..<5 {
      // A HEAD announces a length it does not send: reading it must not eat the next answer.
      let (data, response) = try await client.data(for: request("/head", method: "HEAD"))
      #expect(data.isEmpty)
      #expect(response.value(forHTTPHeaderField: "Content-Length") == "12345")
    }
    let after = try await stats()
    #expect(after.connections == before.connections)
    #expect(after.requests == before.requests + 26)
  }

  @Test func concurrentRequestsShareAFewConnections() async throws {
    let client = self.client
    let request = self.request("/echo")
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<200 {
        group.addTask { _ = try await client.data(for: request) }
      }
      try await group.waitForAll()
    }
    #expect(try await stats().connections <= 8 + 2)
  }

  @Test func connectionClosedWhileIdleIsReplaced() async throws {
    let before = try await stats()
    _ = try await client.data(for: request("/close-after"))
    try await Task.sleep(for: .milliseconds(200))
    let (_, response) = try await client.data(for: request("/echo"))
    #expect(response.statusCode == 200)
    #expect(try await stats().connections == before.connections + 1)
  }

  @Test func reusedConnectionDroppedBeforeAnAnswerIsRetriedOnAFreshOne() async throws {
    let before = try await stats()
    _ = try await client.data(for: request("/arm-drop"))
    // Goes out on the armed connection, which the server closes without a word.
    let (data, response) = try await client.data(for: request("/echo"))
    #expect(response.statusCode == 200)
    #expect(try JSONDecoder().decode(Echo.self, from: data).path == "/echo")
    let after = try await stats()
    #expect(after.connections == before.connections + 1)
    #expect(after.requests == before.requests + 4)  // arm, dropped, echo again, stats
  }

  @Test func registryClientsPickTheirTransportByURL() throws {
    #expect(
      try RegistryClient(server: "127.0.0.1:5000", credentials: AnonymousCredentials()).http
        is LoopbackHTTPClient)
    #expect(
      try RegistryClient(server: "registry.example.com", credentials: AnonymousCredentials()).http
        is URLSession)
  }

  @Test(arguments: ["/close-mid", "/close-mid-chunked", "/close-at-once"])
  func droppedConnectionIsARetryableError(path: String) async throws {
    let error = await failure(path)
    #expect((error as? URLError)?.code == .networkConnectionLost)
    #expect(error.map(RegistryClient.isRetryable) == true)
  }

  @Test(arguments: [
    ("/bad-status", "malformed status line \"HTTP/1.1 2OO OK\""),
    ("/not-http", "malformed status line \"SSH-2.0-OpenSSH_9.2\\x0d\""),
    ("/bad-length", "invalid Content-Length \"12abc\""),
    ("/bad-chunk", "malformed chunk size \"zz\""),
  ])
  func malformedResponseIsAClearRegistryError(path: String, message: String) async throws {
    let started = Date()
    let error = await failure(path)
    guard case RegistryError.invalidResponse(let reason)? = error as? RegistryError else {
      Issue.record("expected invalidResponse, got \(String(describing: error))")
      return
    }
    #expect(reason.contains(message), "\(reason)")
    #expect(reason.contains(server.server))
    #expect(Date().timeIntervalSince(started) < 2.5, "waited instead of failing at once")
  }

  @Test func interimResponseIsSkipped() async throws {
    let (data, response) = try await client.data(for: request("/continue"))
    #expect(response.statusCode == 200)
    #expect(data == Data("ok".utf8))
  }

  @Test func challengeIsReturnedNotThrown() async throws {
    let (data, response) = try await client.data(for: request("/challenge"))
    #expect(response.statusCode == 401)
    #expect(response.value(forHTTPHeaderField: "WWW-Authenticate") == "Basic realm=\"wire\"")
    #expect(RegistryErrorEntry.parse(data).first?.code == "UNAUTHORIZED")
  }

  @Test func repeatedHeadersAreJoined() async throws {
    let (_, response) = try await client.data(for: request("/duplicate"))
    #expect(response.value(forHTTPHeaderField: "X-Many") == "one, two")
  }

  struct Echo: Decodable {
    var method: String
    var path: String
    var headers: [String: String]
    var body: String
  }

  @Test func sameHostRedirectKeepsAuthorization() async throws {
    var request = request("/redirect-same")
    request.setValue("Bearer secret", forHTTPHeaderField: "Authorization")
    let (data, response) = try await client.data(for: request)
    let echo = try JSONDecoder().decode(Echo.self, from: data)
    #expect(response.statusCode == 200)
    #expect(echo.path == "/echo?from=redirect")
    #expect(echo.headers["authorization"] == "Bearer secret")
    #expect(response.url?.path == "/echo")
  }

  @Test func otherHostRedirectDropsAuthorization() async throws {
    var request = request("/redirect-other")
    request.httpMethod = "POST"
    request.httpBody = Data("payload".utf8)
    request.setValue("Bearer secret", forHTTPHeaderField: "Authorization")
    let (data, _) = try await client.data(for: request)
    let echo = try JSONDecoder().decode(Echo.self, from: data)
    #expect(echo.headers["authorization"] == nil)
    #expect(echo.headers["host"] == "localhost:\(server.port)")
    // 307 keeps the method and the body.
    #expect(echo.method == "POST")
    #expect(echo.body == "payload")
  }

  @Test func redirectLoopEnds() async throws {
    guard
      case RegistryError.invalidResponse(let reason)? = await failure("/redirect-loop")
        as? RegistryError
    else {
      Issue.record("a redirect loop did not fail with invalidResponse")
      return
    }
    #expect(reason.contains("redirects"))
  }

  @Test func slowAnswerTimesOut() async throws {
    let started = Date()
    let error = await failure("/slow", timeout: 0.5)
    #expect((error as? URLError)?.code == .timedOut)
    #expect(Date().timeIntervalSince(started) < 2.5)
  }

  @Test func cancellationStopsTheRequest() async throws {
    let client = self.client
    let request = self.request("/slow", timeout: 10)
    let started = Date()
    let task = Task { try await client.data(for: request) }
    try await Task.sleep(for: .milliseconds(200))
    task.cancel()
    // URLSession's error for a cancelled task, so callers see what they saw before.
    await #expect {
      try await task.value
    } throws: { error in
      (error as? URLError)?.code == .cancelled && error.localizedDescription == "cancelled"
    }
    #expect(Date().timeIntervalSince(started) < 2.5)
  }

  @Test func refusedConnectionIsRetryable() async throws {
    let closed = try await FakeRegistry(mode: "wire", script: "wire_server")
    let port = closed.port
    closed.stop()
    try await Task.sleep(for: .milliseconds(100))
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/echo")!)
    request.timeoutInterval = 2
    do {
      _ = try await client.data(for: request)
      Issue.record("a closed port answered")
    } catch {
      #expect((error as? URLError)?.code == .cannotConnectToHost)
      #expect(RegistryClient.isRetryable(error))
    }
  }

  @Test func ipv6LoopbackWithABracketedHost() async throws {
    let v6 = try await FakeRegistry(mode: "ipv6", script: "wire_server")
    let url = URL(string: "http://[::1]:\(v6.port)/echo")!
    #expect(LoopbackHTTPClient.handles(url))
    let (data, _) = try await client.data(for: URLRequest(url: url))
    let echo = try JSONDecoder().decode(Echo.self, from: data)
    #expect(echo.headers["host"] == "[::1]:\(v6.port)")
  }

  @Test func downloadStreamsToTheFileAfterARedirect() async throws {
    let directory = try TemporaryDirectory()
    let target = directory.url.appendingPathComponent("large")
    let response = try await client.download(for: request("/large?n=300000"), to: target)
    #expect(response.statusCode == 200)
    #expect(try Data(contentsOf: target) == Self.pattern(300_000))
    let moved = directory.url.appendingPathComponent("moved")
    _ = try await client.download(for: request("/redirect-same"), to: moved)
    let echo = try JSONDecoder().decode(Echo.self, from: try Data(contentsOf: moved))
    #expect(echo.path == "/echo?from=redirect")
  }

  @Test func failedDownloadLeavesNoFile() async throws {
    let directory = try TemporaryDirectory()
    let target = directory.url.appendingPathComponent("partial")
    await #expect(throws: URLError.self) {
      _ = try await client.download(for: request("/close-mid"), to: target)
    }
    #expect(!FileManager.default.fileExists(atPath: target.path))
  }
}
