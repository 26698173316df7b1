import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Whether a loopback registry named without a scheme speaks TLS, as docker decides it:
/// https is tried first, plain http only when that fails.
///
/// The probe opens one connection and sends the first message of a TLS handshake (a
/// ClientHello). A TLS server answers with a handshake or an alert record (first byte
/// 0x16 or 0x15). A blank line follows the record, so that a plain HTTP server, which
/// reads a request line, answers at once (with text: "HTTP/1.1 400 …") instead of waiting
/// for more; a TLS server has answered the record before it reads the line. No request
/// and no credentials are sent, so nothing is said in the clear that https would hide.
enum TLSProbe {
  static func speaksTLS(host: String, port: Int, timeout: TimeInterval = 2) -> Bool {
    guard let addresses = try? SocketConnection.addresses(host: host, port: port) else {
      return false
    }
    for address in addresses {
      guard let connection = try? SocketConnection.open(address, key: "\(host):\(port)") else {
        continue
      }
      connection.setTimeout(timeout)
      guard (try? connection.connect(to: address)) != nil else { continue }
      let hello = clientHello
      let sent = hello.withUnsafeBytes { send(connection.fd, $0.baseAddress, $0.count, 0) }
      guard sent == hello.count else { return false }
      var first: UInt8 = 0
      let received = recv(connection.fd, &first, 1, 0)
      return received == 1 && (first == 0x16 || first == 0x15)
    }
    return false
  }

  /// A minimal TLS 1.2 ClientHello: one cipher suite (ECDHE-RSA-AES128-GCM-SHA256), no
  /// extensions. A TLS server answers it with a ServerHello or an alert; either says TLS.
  static let clientHello: [UInt8] = {
    var body: [UInt8] = [0x03, 0x03]  // client_version TLS 1.2
    body += [UInt8](repeating: 0x2A, count: 32)  // random
    body += [0x00]  // session id
    body += [0x00, 0x04, 0xC0, 0x2F, 0x00, 0x9C]  // cipher suites
    body += [0x01, 0x00]  // compression: null
    var handshake: [UInt8] = [0x01, 0x00, UInt8(body.count >> 8), UInt8(body.count & 0xFF)]
    handshake += body
    return [0x16, 0x03, 0x01, UInt8(handshake.count >> 8), UInt8(handshake.count & 0xFF)]
      + handshake + Array("\r\n\r\n".utf8)
  }()
}
