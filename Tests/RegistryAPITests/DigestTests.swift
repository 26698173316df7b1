import Foundation
import TestSupport
import Testing

@testable import RegistryAPI

@Suite struct DigestTests {
  @Test func computesSHA256() throws {
    let digest = Digest.sha256(of: Data("{}".utf8))
    #expect(
      digest.description
        == "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
    #expect(try Digest(digest.description) == digest)
    try digest.verify(Data("{}".utf8), what: "test")
  }

  @Test(arguments: [
    ("sha256", "missing the \"algorithm:\" prefix"),
    ("md5:abc", "unsupported algorithm"),
    ("sha256:abc", "needs 64 hex digits, found 3"),
    ("sha256:" + String(repeating: "A", count: 64), "lowercase"),
  ])
  func rejectsBadDigests(text: String, reason: String) {
    #expect {
      try Digest(text)
    } throws: { error in
      guard case RegistryError.invalidDigest(_, let message) = error else { return false }
      return message.contains(reason)
    }
  }

  @Test func mismatchNamesBothDigests() {
    let expected = Digest.sha256(of: Data("a".utf8))
    let actual = Digest.sha256(of: Data("b".utf8))
    #expect {
      try expected.verify(Data("b".utf8), what: "blob x")
    } throws: { error in
      let text = "\(error)"
      return text.contains(expected.description) && text.contains(actual.description)
    }
  }
}
