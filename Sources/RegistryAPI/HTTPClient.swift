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
  ///
  /// The resource timeout is left far off: a request's total deadline and rate floor come from
  /// `TransferLimits` and are enforced per task (`SessionTaskWatch`), since blob downloads
  /// have no total and every other request has one.
  public static func registrySession(timeout: TimeInterval, maxConcurrency: Int) -> URLSession {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    configuration.timeoutIntervalForResource = 7 * 24 * 3600
    configuration.httpMaximumConnectionsPerHost = maxConcurrency
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    configuration.urlCache = nil
    configuration.httpCookieStorage = nil
    configuration.httpShouldSetCookies = false
    configuration.urlCredentialStorage = nil
    return URLSession(
      configuration: configuration, delegate: RegistrySessionDelegate(), delegateQueue: nil)
  }

  /// Sends the request and returns the body in memory.
  public func data(for request: URLRequest) async throws -> (Data, HTTPURLResponse) {
    let (tagged, id) = RegistrySessionDelegate.tag(request)
    do {
      guard let delegate = delegate as? RegistrySessionDelegate else {
        throw RegistryError.invalidResponse("a URLSession not made by registrySession")
      }
      let (data, response) = try await SessionDataTransfer.run(
        tagged, on: self, delegate: delegate, limits: TransferLimits.current)
      guard let http = response as? HTTPURLResponse else {
        throw RegistryError.invalidResponse("not an HTTP response from \(request.url?.host ?? "?")")
      }
      return (data, http)
    } catch {
      if let refused = (delegate as? RegistrySessionDelegate)?.takeRefusedResponse(id) {
        return (Data(), refused)
      }
      throw error
    }
  }

  /// Downloads the body to a temporary file and moves it to `destination`.
  public func download(for request: URLRequest, to destination: URL) async throws -> HTTPURLResponse
  {
    let (tagged, id) = RegistrySessionDelegate.tag(request)
    let response: URLResponse
    do {
      response = try await SessionTaskWatch.run(TransferLimits.current) { finish in
        self.downloadTask(with: tagged) { temporary, response, error in
          // The temporary file is gone once this handler returns: move it now.
          if let error {
            finish(.failure(error))
          } else if let temporary, let response {
            do {
              try? FileManager.default.removeItem(at: destination)
              try FileManager.default.moveItem(at: temporary, to: destination)
              finish(.success(response))
            } catch {
              finish(.failure(error))
            }
          } else {
            finish(.failure(URLError(.badServerResponse)))
          }
        }
      }
    } catch {
      if let refused = (delegate as? RegistrySessionDelegate)?.takeRefusedResponse(id) {
        try Data().write(to: destination)
        return refused
      }
      throw error
    }
    guard let http = response as? HTTPURLResponse else {
      throw RegistryError.invalidResponse("not an HTTP response from \(request.url?.host ?? "?")")
    }
    return http
  }
}

/// Keeps URLSession from acting on regsh's behalf: 401 challenges come back as plain responses
/// (`AuthHandler` answers them), and redirects to another host lose the `Authorization` header.
///
/// FoundationNetworking on Linux never completes a request whose Basic challenge goes
/// unanswered, so the challenge is cancelled and its `failureResponse` handed back instead.
/// The `X-Regsh-Request` header only pairs a request with its refused response.
final class RegistrySessionDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
  static let header = "X-Regsh-Request"
  private let lock = NSLock()
  private var refused: [String: HTTPURLResponse] = [:]
  /// The data tasks in flight, by task identifier (downloads use completion handlers).
  private var transfers: [Int: SessionDataTransfer] = [:]

  func register(_ transfer: SessionDataTransfer, for task: URLSessionTask) {
    lock.withLock { transfers[task.taskIdentifier] = transfer }
  }

  private func transfer(_ task: URLSessionTask, remove: Bool = false) -> SessionDataTransfer? {
    lock.withLock {
      remove ? transfers.removeValue(forKey: task.taskIdentifier) : transfers[task.taskIdentifier]
    }
  }

  func urlSession(
    _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
  ) {
    // A refused answer is not read on (`.cancel`); its caller already has the error
    // (`SessionDataTransfer.received(_:)`).
    let allowed = transfer(dataTask)?.received(response) ?? true
    completionHandler(allowed ? .allow : .cancel)
  }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
    transfer(dataTask)?.received(data)
  }

  func urlSession(
    _ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?
  ) {
    transfer(task, remove: true)?.completed(error)
  }

  static func tag(_ request: URLRequest) -> (URLRequest, String) {
    var tagged = request
    let id = UUID().uuidString
    tagged.setValue(id, forHTTPHeaderField: header)
    return (tagged, id)
  }

  func takeRefusedResponse(_ id: String) -> HTTPURLResponse? {
    lock.withLock { refused.removeValue(forKey: id) }
  }

  func urlSession(
    _ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
    completionHandler:
      @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
  ) {
    if let response = challenge.failureResponse as? HTTPURLResponse,
      let id = task.originalRequest?.value(forHTTPHeaderField: Self.header)
    {
      lock.withLock { refused[id] = response }
    }
    completionHandler(.cancelAuthenticationChallenge, nil)
  }

  /// Blob downloads are often redirected to storage (ACR: Azure Blob with a SAS URL), which must not see the registry token.
  func urlSession(
    _ session: URLSession, task: URLSessionTask,
    willPerformHTTPRedirection response: HTTPURLResponse,
    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
  ) {
    var next = request
    if request.url?.host != task.originalRequest?.url?.host
      || request.url?.port != task.originalRequest?.url?.port
    {
      next.setValue(nil, forHTTPHeaderField: "Authorization")
    }
    completionHandler(next)
  }
}
