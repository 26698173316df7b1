import Cleanup
import Foundation
import Testing

/// acr-cli's own `--ago` table (purge_test.go TestParseDuration), and the texts regsh
/// refuses where acr silently capped or truncated.
@Suite struct AgoTests {
  static let accepted: [(text: String, seconds: Double)] = [
    ("15m", 15 * 60),
    ("3d", 3 * 86_400),
    ("1d1h3m", 25 * 3600 + 3 * 60),
    ("0m", 0),
    ("0", 0),
    ("-1d", -86_400),
    ("1.5h", 5400),
    ("2h45m30s", 2 * 3600 + 45 * 60 + 30),
  ]

  @Test(arguments: accepted)
  func acrGrammar(_ text: String, _ seconds: Double) throws {
    let ago = try PurgeAgo.parse(text)
    #expect(ago.seconds == seconds)
    #expect(!ago.capped)
  }

  @Test(arguments: ["999999d", "9999999d", "999999999h", "9999999d999999999h"])
  func cappedAt150Years(_ text: String) throws {
    let ago = try PurgeAgo.parse(text)
    #expect(ago.capped)
    #expect(ago.seconds == 150 * 365 * 86_400)
    #expect(
      PurgeAgo.capWarning
        == "Warning: ago value exceeds maximum duration of 150 years, capping to 150 years")
  }

  static let refused: [(text: String, message: String)] = [
    ("15p", #"time: unknown unit "p" in duration "15p""#),
    ("15", #"time: missing unit in duration "15""#),
    ("abc", #"time: invalid duration "abc""#),
    ("1.5d", "days must be a whole number"),
    ("d", "days must be a whole number"),
    ("1h3d", "days must be a whole number"),
    ("3d2d", #"time: unknown unit "d" in duration "3d2d""#),
    ("P30D", #"time: invalid duration "P30D""#),
  ]

  @Test(arguments: refused)
  func refusedWithClearMessage(_ text: String, _ message: String) {
    #expect {
      try PurgeAgo.parse(text)
    } throws: { error in
      "\(error)".contains(message)
    }
  }

  @Test func cutoffMovesIntoTheFutureWithANegativeAgo() throws {
    var options = PurgeOptions()
    options.filters = ["app:.*"]
    options.ago = "-1d"
    let now = Date(timeIntervalSince1970: 1_700_000_000)
    let checked = try options.check(now: now)
    #expect(checked.policy.cutoff == "2023-11-15T22:13:20.0000000Z")
  }
}
