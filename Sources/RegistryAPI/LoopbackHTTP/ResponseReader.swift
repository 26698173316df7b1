import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Where a response body goes: memory for `data(for:)`, a file for `download(for:to:)`.
final class BodyTarget {
  private(set) var data = Data()
  private let file: Int32?
  /// The most bytes taken before the body is refused (a manifest's size limit); nil for none.
  private let maxBytes: Int?
  private var written = 0

  /// Collects the body in memory.
  init(maxBytes: Int? = nil) {
    file = nil
    self.maxBytes = maxBytes
  }

  /// Streams the body into an open file descriptor (not closed here).
  init(file: Int32, maxBytes: Int? = nil) {
    self.file = file
    self.maxBytes = maxBytes
  }

  /// Takes note of the announced length: one over the limit is refused before a byte is read.
  func reserve(_ count: Int) throws {
    if let maxBytes, count > maxBytes { throw TransferLimitExceeded(.size(limit: maxBytes)) }
    // A hostile Content-Length must not make regsh allocate gigabytes up front.
    if file == nil { data.reserveCapacity(min(count, 8 << 20)) }
  }

  func write(_ bytes: UnsafeRawBufferPointer) throws {
    written += bytes.count
    // Checked before the bytes are kept, so memory stays bounded by the limit.
    if let maxBytes, written > maxBytes { throw TransferLimitExceeded(.size(limit: maxBytes)) }
    guard let file else {
      data.append(contentsOf: bytes)
      return
    }
    guard let base = bytes.baseAddress else { return }
    var written = 0
    while written < bytes.count {
      let n = systemWrite(file, base + written, bytes.count - written)
      if n < 0 {
        if errno == EINTR { continue }
        throw CocoaError(.fileWriteUnknown)
      }
      written += n
    }
  }
}

private func systemWrite(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
  write(fd, pointer, count)
}

/// Reads one response off a connection: the head (skipping 1xx), then the body as its
/// framing says — none, `Content-Length`, chunked, or until the server closes.
struct ResponseReader {
  let connection: SocketConnection
  /// `host:port`, for error messages.
  let server: String

  private static let headEnd: [UInt8] = Array("\r\n\r\n".utf8)
  private static let lineEnd: [UInt8] = Array("\r\n".utf8)
  private static let httpPrefix: [UInt8] = Array("HTTP/".utf8)

  /// Reads the head of the final (non-1xx) response.
  func readHead() throws -> ResponseHead {
    while true {
      let head = try HTTPWire.parseHead(try readHeadBytes(), from: server)
      if head.status >= 200 || head.status == 101 { return head }
    }
  }

  private func readHeadBytes() throws -> ArraySlice<UInt8> {
    var scanned = 0
    while true {
      if let end = connection.firstIndex(of: Self.headEnd, from: max(0, scanned - 3)) {
        let bytes = connection.take(end)
        connection.skip(Self.headEnd.count)
        return bytes
      }
      scanned = connection.available
      try checkStartsLikeHTTP()
      guard scanned <= HTTPWire.maxHeadBytes else {
        throw HTTPWire.malformed("a response head over 256 KiB", server)
      }
      guard try connection.fill() else {
        if scanned > 0 { try checkStartsLikeHTTP(complete: true) }
        throw URLError.loopback(.networkConnectionLost)
      }
    }
  }

  /// Fails at once on bytes that cannot begin a response, rather than waiting for a head end.
  private func checkStartsLikeHTTP(complete: Bool = false) throws {
    let count = min(connection.available, Self.httpPrefix.count)
    guard count == Self.httpPrefix.count || (complete && count > 0) else { return }
    if !connection.hasPrefix(Array(Self.httpPrefix.prefix(count))) {
      let start = connection.take(min(connection.available, 80))
      let line = String(decoding: start.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
      throw HTTPWire.malformed(
        "a malformed status line \"\(HTTPWire.printable(line))\"", server)
    }
  }

  /// Reads the body of `head` (the answer to `method`) into `target`; returns whether the
  /// connection can carry another request.
  func readBody(of head: ResponseHead, method: String, into target: BodyTarget) throws -> Bool {
    let keepAlive = Self.keepsAlive(head)
    if method == "HEAD" || head.status == 204 || head.status == 304 || head.status < 200 {
      return keepAlive
    }
    if let coding = head.value("transfer-encoding") {
      if coding.lowercased().split(separator: ",").last?.trimmingSpaces == "chunked" {
        try readChunked(into: target)
        return keepAlive
      }
      try readToEnd(into: target)
      return false
    }
    if let length = try HTTPWire.contentLength(head, from: server) {
      try target.reserve(length)
      try readFixed(length, into: target)
      return keepAlive
    }
    try readToEnd(into: target)
    return false
  }

  static func keepsAlive(_ head: ResponseHead) -> Bool {
    guard let connection = head.value("connection") else { return head.version == "HTTP/1.1" }
    let tokens = connection.lowercased().split(separator: ",").map(\.trimmingSpaces)
    if tokens.contains("close") { return false }
    return head.version == "HTTP/1.1" || tokens.contains("keep-alive")
  }

  private func readFixed(_ length: Int, into target: BodyTarget) throws {
    var remaining = length
    while remaining > 0 {
      if connection.available == 0 {
        guard try connection.fill() else { throw URLError.loopback(.networkConnectionLost) }
      }
      remaining -= try connection.consume(upTo: remaining) { try target.write($0) }
    }
  }

  private func readToEnd(into target: BodyTarget) throws {
    while true {
      if connection.available == 0 {
        guard try connection.fill() else { return }
      }
      _ = try connection.consume(upTo: Int.max) { try target.write($0) }
    }
  }

  private func readChunked(into target: BodyTarget) throws {
    while true {
      let line = try readLine()
      let sizeText = line.split(separator: ";", maxSplits: 1).first?.trimmingSpaces ?? ""
      guard !sizeText.isEmpty, sizeText.count <= 15, sizeText.allSatisfy(\.isHexDigit),
        let size = Int(sizeText, radix: 16)
      else {
        throw HTTPWire.malformed("a malformed chunk size \"\(HTTPWire.printable(line))\"", server)
      }
      if size == 0 {
        while try !readLine().isEmpty {}  // trailer fields, ignored
        return
      }
      try readFixed(size, into: target)
      guard try readLine().isEmpty else {
        throw HTTPWire.malformed("a chunk longer than its size", server)
      }
    }
  }

  private func readLine() throws -> String {
    while true {
      if let end = connection.firstIndex(of: Self.lineEnd) {
        let line = String(decoding: connection.take(end), as: UTF8.self)
        connection.skip(Self.lineEnd.count)
        return line
      }
      guard connection.available <= 8 << 10 else {
        throw HTTPWire.malformed("a chunk line over 8 KiB", server)
      }
      guard try connection.fill() else { throw URLError.loopback(.networkConnectionLost) }
    }
  }
}
