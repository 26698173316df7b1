import Foundation
import Testing

/// A certificate authority made for one test run, and a server certificate it signs for
/// the loopback addresses: https registries as users meet them, trusted by the test's own
/// processes only (never installed system-wide).
public final class TestCertificateAuthority: @unchecked Sendable {
  /// Where its files are.
  public let root: URL
  /// The directory this process made for it, removed with it; nil for one made earlier.
  private let owned: TemporaryDirectory?
  /// The CA's certificate (PEM): what a client must trust.
  public var certificate: URL { root.appendingPathComponent("ca.crt") }
  /// The server's certificate and key (PEM), for 127.0.0.1, ::1 and localhost.
  public var serverCertificate: URL { root.appendingPathComponent("server.crt") }
  public var serverKey: URL { root.appendingPathComponent("server.key") }

  /// The authority in `directory` (`ca.crt`, `server.crt`, `server.key`), made earlier.
  public init(existing directory: URL) {
    root = directory
    owned = nil
  }

  public init() throws {
    let directory = try TemporaryDirectory()
    owned = directory
    root = directory.url
    let dir = root.path
    let extensions = root.appendingPathComponent("server.ext")
    try Data(
      """
      subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost
      extendedKeyUsage = serverAuth

      """.utf8
    ).write(to: extensions)
    let steps: [[String]] = [
      [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "\(dir)/ca.key", "-out", "\(dir)/ca.crt", "-days", "2", "-subj",
        "/CN=regsh test CA",
      ],
      [
        "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
        "\(dir)/server.key", "-out", "\(dir)/server.csr", "-subj", "/CN=127.0.0.1",
      ],
      [
        "x509", "-req", "-in", "\(dir)/server.csr", "-CA", "\(dir)/ca.crt", "-CAkey",
        "\(dir)/ca.key", "-CAcreateserial", "-out", "\(dir)/server.crt", "-days", "2",
        "-extfile", extensions.path,
      ],
    ]
    for step in steps {
      let result = try runRaw("/usr/bin/openssl", step)
      guard result.status == 0 else {
        throw TestFailure("openssl \(step[0]) failed (apt-get install openssl)")
      }
    }
  }
}

extension TestCertificateAuthority {
  /// The authority this run's clients trust: the one `scripts/test-tls` made and trusted
  /// (its certificate added to the system bundle inside a private mount namespace, the
  /// only way to make FoundationNetworking's libcurl trust a CA for some processes only),
  /// named by `REGSH_TEST_CA_DIR`. Nil outside that pass.
  public static let shared: TestCertificateAuthority? = ProcessInfo.processInfo.environment[
    "REGSH_TEST_CA_DIR"
  ].map { TestCertificateAuthority(existing: URL(fileURLWithPath: $0)) }

  /// Why the TLS suites do not run in this pass.
  public static let skipReason: Comment =
    "SKIPPING TLS tests in this pass: they run in scripts/test-tls (REGSH_TEST_CA_DIR), where the test CA is trusted"
}
