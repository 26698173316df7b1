import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Lets a cancelled task stop the blocking I/O of its request: shutting the socket down wakes
/// the worker thread from `recv`/`send`.
final class CancelSwitch: @unchecked Sendable {
  private let lock = NSLock()
  private var connection: SocketConnection?
  private var cancelled = false

  var isCancelled: Bool { lock.withLock { cancelled } }

  func cancel() {
    lock.withLock {
      cancelled = true
      connection?.interrupt()
    }
  }

  /// Watches `connection` until `detach`; throws at once if the task was already cancelled.
  func attach(_ connection: SocketConnection) throws {
    try lock.withLock {
      if cancelled { throw URLError.loopback(.cancelled) }
      self.connection = connection
    }
  }

  /// Stops watching, so a later cancel cannot shut down a connection another request reuses.
  func detach() { lock.withLock { connection = nil } }
}

/// One request and its response on a pooled connection; runs on a worker thread.
struct LoopbackExchange: Sendable {
  var method: String
  var url: URL
  var headers: [String: String]
  var body: Data?
  var timeout: TimeInterval
  /// The file to stream a final (non-redirect) body into; nil keeps it in memory.
  var destination: URL?
  /// The deadline, rate floor and body limit `RegistryClient` set for this request.
  var limits: TransferLimits?

  /// What came back: the head, and the body unless it went to `destination`.
  struct Outcome: Sendable {
    var head: ResponseHead
    var body: Data
  }

  static let redirects: Set<Int> = [301, 302, 303, 307, 308]

  func run(pool: WorkerPool, cancel: CancelSwitch) throws -> Outcome {
    guard let host = url.host.map({ String($0.trimming("[]")) }),
      let port = url.port ?? (url.scheme == "http" ? 80 : nil)
    else {
      throw RegistryError.invalidResponse("cannot send a request to \(url.absoluteString)")
    }
    let sendsBody = body != nil || ["POST", "PUT", "PATCH"].contains(method)
    var wire = try HTTPWire.requestHead(
      method: method, url: url, headers: headers, bodyLength: sendsBody ? body?.count ?? 0 : nil)
    if let body { wire += body }
    let key = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    while true {
      let connection =
        try pool.checkout(key) ?? connect(host: host, port: port, key: key, cancel: cancel)
      do {
        try cancel.attach(connection)
        defer { cancel.detach() }
        connection.setTimeout(timeout)
        connection.beginResponse()
        // Set for every request: a pooled connection must not carry the last one's limits.
        connection.watch = limits.map(TransferWatch.init)
        try wire.withUnsafeBytes { try connection.send($0) }
        let (outcome, reusable) = try read(from: connection, server: key)
        // Before the check-in, not in a defer: once pooled, another request owns it.
        connection.watch = nil
        cancel.detach()
        connection.reused = true
        if reusable { pool.checkin(connection) } else { connection.close() }
        return outcome
      } catch {
        connection.close()
        if cancel.isCancelled { throw URLError.loopback(.cancelled) }
        // A keep-alive connection the server closed while it sat idle fails before a single
        // byte of answer: the request goes once more on a fresh connection, as curl does.
        // (RegistryClient retries dropped connections of every method anyway.)
        if connection.reused && connection.receivedForCurrent == 0 && Self.isConnectionLoss(error) {
          continue
        }
        throw error
      }
    }
  }

  /// Connects to the first address of `host` that accepts: `localhost` may be served on
  /// 127.0.0.1 or on ::1 only, and libcurl tries both too.
  private func connect(host: String, port: Int, key: String, cancel: CancelSwitch) throws
    -> SocketConnection
  {
    var failure: any Error = URLError.loopback(.cannotConnectToHost)
    for address in try SocketConnection.addresses(host: host, port: port) {
      let connection = try SocketConnection.open(address, key: key)
      try cancel.attach(connection)
      connection.setTimeout(timeout)
      do {
        try connection.connect(to: address)
        cancel.detach()
        return connection
      } catch {
        cancel.detach()  // before closing: a cancel must never shut down a reused descriptor
        connection.close()
        if cancel.isCancelled { throw URLError.loopback(.cancelled) }
        // Only a refusal moves on: a timeout would double the wait for every address.
        if (error as? URLError)?.code == .timedOut { throw error }
        failure = error
      }
    }
    throw failure
  }

  private func read(from connection: SocketConnection, server: String) throws -> (Outcome, Bool) {
    let reader = ResponseReader(connection: connection, server: server)
    let head = try reader.readHead()
    // A redirect's own body is never what the caller asked for: keep it out of the file.
    if let destination, !(Self.redirects.contains(head.status) && head.value("location") != nil) {
      let file = try Self.create(destination)
      defer { _ = close(file) }
      do {
        let reusable = try reader.readBody(
          of: head, method: method, into: BodyTarget(file: file, maxBytes: limits?.maxBody))
        return (Outcome(head: head, body: Data()), reusable)
      } catch {
        try? FileManager.default.removeItem(at: destination)
        throw error
      }
    }
    let target = BodyTarget(maxBytes: limits?.maxBody)
    let reusable = try reader.readBody(of: head, method: method, into: target)
    return (Outcome(head: head, body: target.data), reusable)
  }

  private static func create(_ destination: URL) throws -> Int32 {
    let file = open(destination.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard file >= 0 else {
      throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: destination.path])
    }
    return file
  }

  static func isConnectionLoss(_ error: any Error) -> Bool {
    guard let urlError = error as? URLError else { return false }
    return urlError.code == .networkConnectionLost
  }
}
