import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The seam between the registry protocol and the network: protocol code only ever calls these two.
public protocol HTTPClient: Sendable {
  /// Performs `request` and returns the whole body with the response; never throws for an HTTP status.
  func data(for request: URLRequest) async throws -> (Data, HTTPURLResponse)
  /// Performs `request`, streaming the body into a new file at `destination`.
  func download(for request: URLRequest, to destination: URL) async throws -> HTTPURLResponse
}

extension URLSession: HTTPClient {
  /// Builds the session regsh uses: no cookies, no cache, `timeout` as the per-request idle timeout.
  public static func registrySession(timeout: TimeInterval, maxConcurrency: Int) -> URLSession {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    configuration.timeoutIntervalForResource = max(timeout * 20, 600)
    configuration.httpMaximumConnectionsPerHost = maxConcurrency
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    configuration.urlCache = nil
    configuration.httpCookieStorage = nil
    configuration.httpShouldSetCookies = false
    return URLSession(configuration: configuration)
  }

  /// Sends the request and returns the body in memory.
  public func data(for request: URLRequest) async throws -> (Data, HTTPURLResponse) {
    let (data, response): (Data, URLResponse) = try await self.data(for: request, delegate: nil)
    guard let http = response as? HTTPURLResponse else {
      throw RegistryError.invalidResponse("not an HTTP response from \(request.url?.host ?? "?")")
    }
    return (data, http)
  }

  /// Downloads the body to a temporary file and moves it to `destination`.
  public func download(for request: URLRequest, to destination: URL) async throws -> HTTPURLResponse
  {
    let (temporary, response) = try await self.download(for: request, delegate: nil)
    guard let http = response as? HTTPURLResponse else {
      throw RegistryError.invalidResponse("not an HTTP response from \(request.url?.host ?? "?")")
    }
    try? FileManager.default.removeItem(at: destination)
    try FileManager.default.moveItem(at: temporary, to: destination)
    return http
  }
}
