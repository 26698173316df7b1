import Foundation
import RegistryAPI

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The `oci:` layout's own transport, behind a gate that fails chosen requests: a DELETE
/// that the registry refuses half-way through a run, a registry that cannot delete tags.
final class FaultyTransport: HTTPClient, @unchecked Sendable {
  struct Fault {
    var method: String
    var pathSuffix: String
    var status: Int
    var code: String
  }

  let inner: OCILayoutTransport
  private let lock = NSLock()
  private var faults: [Fault] = []
  private var log: [String] = []

  init(registry: OCILayoutRegistry) {
    inner = OCILayoutTransport(registry: registry)
  }

  /// Every later `method` request whose path ends with `pathSuffix` gets `status`.
  func fail(_ method: String, pathEndingWith pathSuffix: String, status: Int, code: String) {
    lock.withLock {
      faults.append(Fault(method: method, pathSuffix: pathSuffix, status: status, code: code))
    }
  }

  /// The requests seen so far, as `METHOD path`.
  var requests: [String] { lock.withLock { log } }

  func data(for request: URLRequest) async throws -> (Data, HTTPURLResponse) {
    if let refused = refusal(for: request) { return refused }
    return try await inner.data(for: request)
  }

  func download(for request: URLRequest, to destination: URL) async throws -> HTTPURLResponse {
    if let (body, response) = refusal(for: request) {
      try body.write(to: destination)
      return response
    }
    return try await inner.download(for: request, to: destination)
  }

  private func refusal(for request: URLRequest) -> (Data, HTTPURLResponse)? {
    let method = request.httpMethod ?? "GET"
    let path = request.url?.path ?? ""
    let fault = lock.withLock { () -> Fault? in
      log.append("\(method) \(path)")
      return faults.first { $0.method == method && path.hasSuffix($0.pathSuffix) }
    }
    guard let fault, let url = request.url else { return nil }
    let body = Data(
      #"{"errors":[{"code":"\#(fault.code)","message":"refused by the test"}]}"#.utf8)
    let response = HTTPURLResponse(
      url: url, statusCode: fault.status, httpVersion: "HTTP/1.1",
      headerFields: ["Content-Type": "application/json"])!
    return (body, response)
  }
}
