import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One TCP connection to a loopback registry, read through its own buffer.
///
/// Blocking I/O with kernel timeouts (`SO_RCVTIMEO`/`SO_SNDTIMEO`): it only ever runs on the
/// transport's worker threads, never on the Swift concurrency pool. Not thread-safe; a
/// connection belongs to one request at a time.
final class SocketConnection: @unchecked Sendable {
  let fd: Int32
  /// `host:port`, the pool key.
  let key: String
  /// Whether this connection already carried a request (a stale keep-alive one may be retried).
  var reused = false
  /// Bytes received for the current response; zero means the server said nothing yet.
  private(set) var receivedForCurrent = 0
  private var buffer: [UInt8]
  private var start = 0
  private var end = 0
  private var timeout: TimeInterval = -1
  /// The current response's limits (deadline, rate floor); nil leaves only the kernel's idle timeout.
  var watch: TransferWatch?
  private var closed = false

  private init(fd: Int32, key: String, bufferSize: Int) {
    self.fd = fd
    self.key = key
    self.buffer = [UInt8](repeating: 0, count: bufferSize)
  }

  deinit { close() }

  /// A resolved address of the server, to open a socket for.
  struct Address {
    var family: Int32
    var type: Int32
    var proto: Int32
    var storage: sockaddr_storage
    var length: socklen_t
  }

  /// Every address of `host` (e.g. `localhost`: 127.0.0.1, then ::1), in resolver order.
  static func addresses(host: String, port: Int) throws -> [Address] {
    var hints = addrinfo()
    hints.ai_flags = AI_NUMERICSERV
    hints.ai_family = AF_UNSPEC
    #if canImport(Glibc) || canImport(Musl)
      hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    #else
      hints.ai_socktype = SOCK_STREAM
    #endif
    var list: UnsafeMutablePointer<addrinfo>?
    let bare = String(host.trimming("[]"))
    guard getaddrinfo(bare, String(port), &hints, &list) == 0 else {
      throw URLError.loopback(.cannotFindHost)
    }
    defer { freeaddrinfo(list) }
    var found: [Address] = []
    var next = list
    while let info = next?.pointee {
      next = info.ai_next
      guard let source = info.ai_addr, Int(info.ai_addrlen) <= MemoryLayout<sockaddr_storage>.size
      else { continue }
      var storage = sockaddr_storage()
      withUnsafeMutableBytes(of: &storage) { target in
        target.copyMemory(from: UnsafeRawBufferPointer(start: source, count: Int(info.ai_addrlen)))
      }
      found.append(
        Address(
          family: info.ai_family, type: info.ai_socktype, proto: info.ai_protocol,
          storage: storage, length: info.ai_addrlen))
    }
    guard !found.isEmpty else { throw URLError.loopback(.cannotFindHost) }
    return found
  }

  /// Opens a socket for `address` (pooled under `key`) without connecting yet, so
  /// cancellation can reach it first.
  static func open(_ address: Address, key: String, bufferSize: Int = 64 << 10) throws
    -> SocketConnection
  {
    let fd = socket(address.family, address.type | Self.closeOnExec, address.proto)
    guard fd >= 0 else { throw URLError.loopback(.cannotConnectToHost) }
    var one: Int32 = 1
    // Requests go out in one write and wait for the answer: Nagle would only add delay.
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    return SocketConnection(fd: fd, key: key, bufferSize: bufferSize)
  }

  #if canImport(Glibc) || canImport(Musl)
    private static let closeOnExec = Int32(SOCK_CLOEXEC.rawValue)
  #else
    private static let closeOnExec: Int32 = 0
  #endif

  /// Connects; `SO_SNDTIMEO` (set by `setTimeout`) bounds the wait on Linux.
  func connect(to address: Address) throws {
    var storage = address.storage
    let result = withUnsafePointer(to: &storage) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        systemConnect(fd, $0, address.length)
      }
    }
    guard result == 0 else {
      let code = errno
      if code == EINPROGRESS || code == EAGAIN || code == ETIMEDOUT {
        throw URLError.loopback(.timedOut)
      }
      throw URLError.loopback(.cannotConnectToHost)
    }
  }

  /// The idle timeout for sends and receives, as URLSession's `timeoutIntervalForRequest` is.
  func setTimeout(_ seconds: TimeInterval) {
    guard seconds != timeout else { return }
    timeout = seconds
    let whole = max(0, seconds)
    var value = timeval(
      tv_sec: Int(whole), tv_usec: Int((whole - whole.rounded(.down)) * 1_000_000))
    if whole > 0 && value.tv_sec == 0 && value.tv_usec == 0 { value.tv_usec = 1 }
    let size = socklen_t(MemoryLayout<timeval>.size)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, size)
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, size)
  }

  /// Whether an idle connection is unusable: the server closed it, or sent something unasked.
  var isStale: Bool {
    if start != end { return true }
    var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    return poll(&poller, 1, 0) != 0
  }

  /// Starts a new response: forgets the count of received bytes.
  func beginResponse() { receivedForCurrent = 0 }

  /// Sends every byte, or throws a `URLError` the retry logic understands.
  func send(_ bytes: UnsafeRawBufferPointer) throws {
    guard let base = bytes.baseAddress else { return }
    var sent = 0
    while sent < bytes.count {
      let n = systemSend(fd, base + sent, bytes.count - sent)
      if n > 0 {
        sent += n
        continue
      }
      if n < 0 && errno == EINTR { continue }
      throw Self.error(errno: n < 0 ? errno : EPIPE)
    }
  }

  /// Bytes received and not yet consumed.
  var available: Int { end - start }

  /// Receives more bytes into the buffer; false at end of stream. Grows the buffer when full.
  @discardableResult
  func fill() throws -> Bool {
    if start == end {
      start = 0
      end = 0
    } else if end == buffer.count {
      if start > 0 {
        buffer.replaceSubrange(0..<(end - start), with: buffer[start..<end])
        end -= start
        start = 0
      } else {
        buffer.append(contentsOf: repeatElement(0, count: buffer.count))
      }
    }
    while true {
      try awaitReadable()
      let n = buffer.withUnsafeMutableBytes { raw in
        recv(fd, raw.baseAddress! + end, raw.count - end, 0)
      }
      if n > 0 {
        end += n
        receivedForCurrent += n
        try watch?.received(n)
        return true
      }
      if n == 0 { return false }
      if errno == EINTR { continue }
      throw Self.error(errno: errno)
    }
  }

  /// Waits until a `recv` will not block, for at most what the watch allows: the idle
  /// timeout, cut short by the request's deadline or the end of a slow rate window.
  /// `SO_RCVTIMEO` alone only bounds each wait, and a byte a second never trips it.
  private func awaitReadable() throws {
    guard let watch, let (wait, failure) = watch.nextWait() else { return }
    let (seconds, attoseconds) = wait.components
    let milliseconds = min(Int64(Int32.max), seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    while true {
      let ready = poll(&poller, 1, Int32(milliseconds))
      if ready > 0 { return }
      if ready < 0 && errno == EINTR { continue }
      if ready < 0 { throw Self.error(errno: errno) }
      throw failure
    }
  }

  /// Finds `pattern` in the unread bytes; returns the offset from the read position.
  func firstIndex(of pattern: [UInt8], from offset: Int = 0) -> Int? {
    let count = pattern.count
    guard end - start >= count else { return nil }
    var i = start + offset
    while i + count <= end {
      if buffer[i] == pattern[0] {
        var match = true
        for j in 1..<count where buffer[i + j] != pattern[j] {
          match = false
          break
        }
        if match { return i - start }
      }
      i += 1
    }
    return nil
  }

  /// Whether the unread bytes begin with `pattern`.
  func hasPrefix(_ pattern: [UInt8]) -> Bool {
    guard end - start >= pattern.count else { return false }
    return buffer[start..<(start + pattern.count)].elementsEqual(pattern)
  }

  /// Removes `count` unread bytes and returns them.
  func take(_ count: Int) -> ArraySlice<UInt8> {
    let slice = buffer[start..<(start + count)]
    start += count
    return slice
  }

  /// Hands up to `limit` unread bytes to `body` and consumes them.
  func consume(upTo limit: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows -> Int {
    let count = min(limit, end - start)
    try buffer.withUnsafeBytes { raw in
      try body(UnsafeRawBufferPointer(rebasing: raw[start..<(start + count)]))
    }
    start += count
    return count
  }

  /// Drops `count` unread bytes.
  func skip(_ count: Int) { start += count }

  /// Unblocks a thread waiting in `recv`/`send` on this socket (cancellation).
  func interrupt() { shutdown(fd, Int32(SHUT_RDWR)) }

  func close() {
    guard !closed else { return }
    closed = true
    systemClose(fd)
  }

  /// The URLError codes `RegistryClient.isRetryable` already treats as transient.
  static func error(errno code: Int32) -> URLError {
    switch code {
    case EAGAIN, EWOULDBLOCK, ETIMEDOUT: URLError.loopback(.timedOut)
    case ECONNREFUSED: URLError.loopback(.cannotConnectToHost)
    default: URLError.loopback(.networkConnectionLost)
    }
  }
}

// The C calls whose names `SocketConnection`'s own methods shadow.

private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t)
  -> Int32
{
  connect(fd, address, length)
}

/// `send` without SIGPIPE: a registry that closed the connection must not kill regsh.
private func systemSend(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
  #if canImport(Darwin)
    send(fd, pointer, count, 0)
  #else
    send(fd, pointer, count, Int32(MSG_NOSIGNAL))
  #endif
}

private func systemClose(_ fd: Int32) { _ = close(fd) }
