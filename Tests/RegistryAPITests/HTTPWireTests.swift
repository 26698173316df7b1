import Foundation
import Testing

@testable import RegistryAPI

/// The loopback transport's request serialization and response-head parsing, without a socket.
@Suite struct HTTPWireTests {
  func head(_ text: String) throws -> ResponseHead {
    try HTTPWire.parseHead(ArraySlice(text.utf8), from: "127.0.0.1:1")
  }

  @Test func parsesStatusAndHeaders() throws {
    let parsed = try head(
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Folded: one\r\n two\r\nx-folded: three"
    )
    #expect(parsed.status == 200)
    #expect(parsed.version == "HTTP/1.1")
    #expect(parsed.value("content-type") == "application/json")
    #expect(parsed.joinedFields["X-Folded"] == "one two, three")
    #expect(try head("HTTP/1.0 404").status == 404)
  }

  @Test(arguments: [
    "", "HTTP/2 200 OK", "HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 099 X", "HTTP/1.1 600 X",
    "ICY 200 OK", "HTTP/1.1 200 OK\r\nno colon here", "HTTP/1.1 200 OK\r\n: empty name",
    "HTTP/1.1 200 OK\r\nBad Name: x", "HTTP/1.1 200 OK\r\n folded first",
  ])
  func rejectsMalformedHeads(text: String) {
    #expect(throws: RegistryError.self) { try head(text) }
  }

  @Test func rejectsConflictingLengths() throws {
    #expect(throws: RegistryError.self) {
      try HTTPWire.contentLength(head("HTTP/1.1 200 OK\r\nContent-Length: 5, 6"), from: "x")
    }
    #expect(throws: RegistryError.self) {
      try HTTPWire.contentLength(head("HTTP/1.1 200 OK\r\nContent-Length: -1"), from: "x")
    }
    #expect(
      try HTTPWire.contentLength(
        head("HTTP/1.1 200 OK\r\nContent-Length: 7\r\ncontent-length: 7"), from: "x") == 7)
  }

  /// Arbitrary bytes (seeded) either parse or throw a RegistryError; nothing else, never a trap.
  @Test func randomBytesNeverCrash() {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state >> 33
    }
    let alphabet = Array("HTTP/1.1 200 OK\r\n:;, \tabcXYZ019\u{0}\u{7f}é".utf8)
    for _ in 0..<5_000 {
      let bytes = (0..<Int(next() % 64)).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
      let prefix = next() % 2 == 0 ? Array("HTTP/1.1 200 OK\r\n".utf8) : []
      do {
        _ = try HTTPWire.parseHead(ArraySlice(prefix + bytes), from: "x")
      } catch {
        #expect(error is RegistryError)
      }
    }
  }

  @Test func requestHeadCarriesHostFramingAndNoLineBreaks() throws {
    let url = URL(string: "http://127.0.0.1:5000/v2/a/b/manifests/v1?n=2&last=x%2By")!
    let text = String(
      decoding: try HTTPWire.requestHead(
        method: "PUT", url: url, headers: ["Content-Type": "x/y", "Content-Length": "99"],
        bodyLength: 3), as: UTF8.self)
    #expect(
      text.hasPrefix("PUT /v2/a/b/manifests/v1?n=2&last=x%2By HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n")
    )
    #expect(text.contains("Content-Type: x/y\r\n"))
    #expect(text.contains("Content-Length: 3\r\n"))
    #expect(!text.contains("99"))
    #expect(text.hasSuffix("\r\n\r\n"))
    #expect(throws: RegistryError.self) {
      try HTTPWire.requestHead(
        method: "GET", url: url, headers: ["X-Evil": "a\r\nInjected: 1"], bodyLength: nil)
    }
  }
}
