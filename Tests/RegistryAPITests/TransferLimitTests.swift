import Foundation
import Testing

@testable import RegistryAPI

/// The pieces the hostile-registry tests (ShellTests/Hostile*) exercise end to end, alone:
/// the limits a response is watched against, and the reasons a body does not decode.
@Suite struct TransferLimitTests {
  @Test func aTrickleBreaksTheRateFloorAtTheEndOfItsWindow() throws {
    var watch = TransferWatch(TransferLimits(idle: 2, minimumRate: 1024))
    let start = ContinuousClock.now
    try watch.received(1, at: start)
    try watch.received(1, at: start + .seconds(1))
    #expect(throws: TransferLimitExceeded(.rate(bytesPerSecond: 1024, window: 2))) {
      try watch.received(1, at: start + .seconds(2))
    }
  }

  @Test func aFastAnswerPassesEveryWindow() throws {
    var watch = TransferWatch(TransferLimits(idle: 2, minimumRate: 1024))
    let start = ContinuousClock.now
    for second in 0..<10 { try watch.received(4096, at: start + .seconds(second)) }
  }

  @Test func theDeadlineAndTheSizeLimitAreChecked() throws {
    let past = ContinuousClock.now - .seconds(1)
    var watch = TransferWatch(TransferLimits(idle: 30, deadline: past, total: 120, maxBody: 10))
    #expect(throws: TransferLimitExceeded(.total(120))) { try watch.received(1) }
    #expect(throws: TransferLimitExceeded(.size(limit: 10))) {
      try watch.checkAnnounced(length: 11)
    }
    try watch.receivedBody(10)
    #expect(throws: TransferLimitExceeded(.size(limit: 10))) { try watch.receivedBody(1) }
    let wait = try #require(watch.nextWait())
    #expect(wait.0 == .zero && wait.1 == TransferLimitExceeded(.total(120)))
  }

  /// Blob downloads get the rate floor instead of a total; everything else a total, and a
  /// body limit (manifests their own).
  @Test func eachKindOfRequestGetsItsLimits() throws {
    let client = try RegistryClient(
      server: "127.0.0.1:9", options: RegistryOptions(timeout: 30),
      credentials: AnonymousCredentials())
    let blob = client.limits(
      for: RegistryRequest(method: "GET", path: "/v2/a/blobs/x", isBlobDownload: true))
    #expect(blob.total == nil && blob.deadline == nil && blob.maxBody == nil)
    #expect(blob.idle == 30 && blob.minimumRate == 1024)
    let listing = client.limits(for: RegistryRequest(method: "GET", path: "/v2/_catalog"))
    #expect(listing.total == 120 && listing.maxBody == 64 << 20)
    let manifest = client.limits(
      for: RegistryRequest(method: "GET", path: "/v2/a/manifests/v1", maxBody: 4 << 20))
    #expect(manifest.total == 120 && manifest.maxBody == 4 << 20)
  }

  @Test func limitsSayWhatBrokeAndHowToChangeIt() {
    let error = RegistryError.limitExceeded(
      method: "GET", path: "/v2/web/tags/list", server: "r.example:5000",
      TransferLimitExceeded(.idle(30)), attempts: 2)
    #expect(
      "\(error)"
        == "GET /v2/web/tags/list on r.example:5000 timed out: no answer for 30 s (the idle timeout), after 2 attempts; change the limits with --timeout IDLE[,TOTAL] or REGSH_TIMEOUT (docs/registries.md)"
    )
  }

  @Test(arguments: [
    ("<html>", "not JSON at byte 0"),
    ("   x", "not JSON at byte 3"),
    (#"{"schemaVersion": x}"#, "not JSON at byte 18"),
    ("{\n  \"a\": 1,\n  oops", "not JSON at byte 14"),
    ("", "the body is empty, not JSON"),
    (#"{"schemaVersion": 2, "layers": []}"#, #"missing field "config""#),
    (
      #"{"schemaVersion": 2, "config": {"mediaType": "a", "digest": "sha256:x", "size": 1}, "layers": []}"#,
      #"invalid digest "sha256:x""#
    ),
    (#"{"schemaVersion": 2, "config": 7, "layers": []}"#, #"field "config" is not an object"#),
    ("[1]", "the body is JSON but not an object"),
  ])
  func decodingProblemsAreSaidInWords(body: String, reason: String) {
    let data = Data(body.utf8)
    do {
      _ = try JSONDecoder().decode(ImageManifest.self, from: data)
      Issue.record("\(body) decoded")
    } catch {
      let text = DecodingProblem.describe(error, in: data)
      #expect(text.hasPrefix(reason), "\(text)")
      #expect(!text.contains("DecodingError") && !text.contains("CodingKeys"))
    }
  }

  @Test func registryTextInAnErrorIsEscaped() {
    let error = RegistryError.status(
      404, method: "GET", path: "/v2/x\u{1B}[2J/tags/list", server: "r.example",
      errors: [RegistryErrorEntry(code: "NAME_UNKNOWN", message: "no\r\u{9B}31m\u{07}")])
    let text = "\(error)"
    #expect(!text.unicodeScalars.contains { TerminalText.isControl($0) })
    #expect(text.contains(#"x\u001b[2J"#) && text.contains(#"no\r\u009b31m\u0007"#))
  }
}
