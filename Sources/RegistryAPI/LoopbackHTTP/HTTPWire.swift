import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The status line and headers of one HTTP/1.x response.
struct ResponseHead: Sendable {
  struct Field: Sendable {
    /// As sent.
    var name: String
    /// ASCII-lowercased, for lookups: header names are case-insensitive.
    var lowercasedName: String
    var value: String
  }

  var status: Int
  /// `HTTP/1.1` or `HTTP/1.0`.
  var version: String
  /// In arrival order.
  var fields: [Field]

  /// The first value of the header whose lowercased name is `lowercasedName`.
  func value(_ lowercasedName: String) -> String? {
    fields.first { $0.lowercasedName == lowercasedName }?.value
  }

  /// Every header as URLSession reports them: repeated names joined with ", ".
  var joinedFields: [String: String] {
    var joined: [String: String] = [:]
    var firstName: [String: String] = [:]
    for field in fields {
      if let name = firstName[field.lowercasedName] {
        joined[name] = (joined[name] ?? "") + ", " + field.value
      } else {
        firstName[field.lowercasedName] = field.name
        joined[field.name] = field.value
      }
    }
    return joined
  }
}

/// HTTP/1.1 on the wire (RFC 9112): the request head regsh sends and the response head it reads.
enum HTTPWire {
  /// Longest response head accepted; distribution's are under 1 KiB.
  static let maxHeadBytes = 256 << 10

  /// Headers regsh's transport writes itself; a caller's value for them is ignored.
  private static let framing: Set<String> = [
    "host", "content-length", "transfer-encoding", "connection",
  ]

  /// Serializes `method target HTTP/1.1`, `Host`, the request's headers and the framing.
  static func requestHead(method: String, url: URL, headers: [String: String], bodyLength: Int?)
    throws -> [UInt8]
  {
    guard let host = url.host(percentEncoded: false) else {
      throw RegistryError.invalidResponse("cannot send a request to \(url.absoluteString)")
    }
    var target = url.path(percentEncoded: true)
    if target.isEmpty { target = "/" }
    if let query = url.query(percentEncoded: true) { target += "?" + query }
    let bareHost = host.trimming("[]")
    let hostField = bareHost.contains(":") ? "[\(bareHost)]" : String(bareHost)
    var head = "\(method) \(target) HTTP/1.1\r\nHost: \(hostField)"
    if let port = url.port { head += ":\(port)" }
    head += "\r\n"
    var hasAccept = false
    var hasAgent = false
    for (name, value) in headers {
      let lower = name.lowercased()
      if framing.contains(lower) { continue }
      // A CR or LF would end the header early and let a value inject another one.
      guard !name.contains(where: \.isNewline), !value.contains(where: \.isNewline) else {
        throw RegistryError.invalidResponse("the header \(name) holds a line break")
      }
      hasAccept = hasAccept || lower == "accept"
      hasAgent = hasAgent || lower == "user-agent"
      head += "\(name): \(value)\r\n"
    }
    if !hasAccept { head += "Accept: */*\r\n" }
    if !hasAgent { head += "User-Agent: regsh\r\n" }
    if let bodyLength { head += "Content-Length: \(bodyLength)\r\n" }
    head += "\r\n"
    return Array(head.utf8)
  }

  /// Parses the bytes before the blank line: a status line, then `name: value` lines.
  ///
  /// Works on bytes rather than Foundation strings: this runs once per HEAD of a sync.
  static func parseHead(_ bytes: ArraySlice<UInt8>, from server: String) throws -> ResponseHead {
    var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
      .map { line -> ArraySlice<UInt8> in
        line.last == UInt8(ascii: "\r") ? line.dropLast() : line
      }
    guard !lines.isEmpty else { throw malformed("an empty response", server) }
    let statusBytes = lines.removeFirst()
    let parts = statusBytes.split(
      separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
    let version = parts.first.map { String(decoding: $0, as: UTF8.self) } ?? ""
    guard parts.count >= 2, version == "HTTP/1.1" || version == "HTTP/1.0",
      parts[1].count == 3, parts[1].allSatisfy({ (0x30...0x39).contains($0) }),
      let status = Int(String(decoding: parts[1], as: UTF8.self)), (100...599).contains(status)
    else {
      let line = String(decoding: statusBytes, as: UTF8.self)
      throw malformed("a malformed status line \"\(printable(line))\"", server)
    }
    var fields: [ResponseHead.Field] = []
    fields.reserveCapacity(lines.count)
    for line in lines {
      if line.isEmpty { continue }
      if line.first == space || line.first == tab {
        // Obsolete line folding continues the previous value.
        guard var last = fields.popLast() else {
          throw malformed("a header that starts with a space", server)
        }
        last.value += " " + String(decoding: trimmed(line), as: UTF8.self)
        fields.append(last)
        continue
      }
      guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
        throw malformed(
          "a malformed header line \"\(printable(String(decoding: line, as: UTF8.self)))\"",
          server)
      }
      let nameBytes = line[line.startIndex..<colon]
      guard !nameBytes.contains(where: { $0 == space || $0 == tab }) else {
        let name = String(decoding: nameBytes, as: UTF8.self)
        throw malformed("a header name with a space \"\(printable(name))\"", server)
      }
      fields.append(
        ResponseHead.Field(
          name: String(decoding: nameBytes, as: UTF8.self),
          lowercasedName: String(
            decoding: nameBytes.map { (0x41...0x5a).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self),
          value: String(decoding: trimmed(line[(colon + 1)...]), as: UTF8.self)))
    }
    return ResponseHead(status: status, version: version, fields: fields)
  }

  private static let space = UInt8(ascii: " ")
  private static let tab = UInt8(ascii: "\t")

  /// `bytes` without leading and trailing spaces and tabs.
  private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var slice = bytes
    while let first = slice.first, first == space || first == tab { slice = slice.dropFirst() }
    while let last = slice.last, last == space || last == tab { slice = slice.dropLast() }
    return slice
  }

  /// The body's length from `Content-Length`, nil when absent; throws when it is not one number.
  static func contentLength(_ head: ResponseHead, from server: String) throws -> Int? {
    let values = head.fields.filter { $0.lowercasedName == "content-length" }
      .flatMap { $0.value.split(separator: ",").map { $0.trimmingSpaces } }
    guard let first = values.first else { return nil }
    guard values.allSatisfy({ $0 == first }), first.allSatisfy(\.isASCII),
      let length = Int(String(first)), length >= 0
    else {
      throw malformed(
        "an invalid Content-Length \"\(printable(values.joined(separator: ",")))\"", server)
    }
    return length
  }

  static func malformed(_ what: String, _ server: String) -> RegistryError {
    .invalidResponse("\(server) sent \(what), not HTTP/1.1")
  }

  /// Registry-supplied text for an error message: control characters escaped, at most 80 characters.
  static func printable(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars.prefix(80) {
      if scalar.value < 0x20 || scalar.value == 0x7f {
        out += String(format: "\\x%02x", scalar.value)
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return text.unicodeScalars.count > 80 ? out + "…" : out
  }
}
