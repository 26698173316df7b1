import Foundation
import MetadataCache
import RegistryFunctions
import SeededRandom
import Testing

/// Timestamps, durations and the clock, below the query language.
struct TimeTests {
  /// The format the cache writes (MetadataCache's Timestamp), to the character. Whole
  /// seconds: Timestamp goes through a Double, which rounds the seventh fractional digit;
  /// the fractions are compared textually below (`readsWhatTheCacheNormalizes`).
  @Test func timestampsMatchTheCacheFormat() {
    var random = SeededRandom(seed: 0x7135)
    for _ in 0..<2_000 {
      let seconds = Int64(random.below(8_000_000_000)) - 1_000_000_000
      let date = Date(timeIntervalSince1970: Double(seconds))
      let instant = Instant(ticks: seconds * Instant.ticksPerSecond)
      #expect(instant.timestamp == Timestamp.format(date), "\(seconds) s")
    }
  }

  @Test(arguments: [
    "2018-07-12T15:52:00.2075864Z", "2018-07-12T15:52:00Z", "2018-07-12T17:52:00+02:00",
    "2018-07-12T15:52:00.123456789Z", "2018-07-12t15:52:00.1z", "2000-02-29T23:59:59-00:30",
    "1970-01-01T00:00:00Z",
  ])
  func readsWhatTheCacheNormalizes(_ text: String) {
    #expect(Instant(iso8601: text)?.timestamp == Timestamp.normalize(text))
  }

  @Test(arguments: [
    "", "2018-07-12T", "2018-7-12", "2018-07-12T15:52Z", "2018-07-12T15:52:00", "2018-13-01",
    "2018-02-29", "2018-07-12T15:52:00.Z", "2018-07-12T15:52:00+0200", "2018-07-12T15:52:00Zjunk",
  ])
  func rejectsWhatIsNotATime(_ text: String) {
    #expect(Instant(iso8601: text) == nil)
  }

  @Test func durations() throws {
    #expect(try DurationText.parse("30d") == DurationText(ticks: 30 * 864_000_000_000))
    #expect(try DurationText.parse("1d12h") == DurationText(ticks: 36 * 36_000_000_000))
    #expect(try DurationText.parse("2h45m30s").ticks == (2 * 3600 + 45 * 60 + 30) * 10_000_000)
    #expect(try DurationText.parse("1µs").ticks == 10)
    #expect(try DurationText.parse("-1h").ticks == -36_000_000_000)
    #expect(
      try DurationText.parse("P1Y2M3DT4H5M6.5S")
        == DurationText(
          months: 14, ticks: (3 * 86_400 + 4 * 3600 + 5 * 60) * 10_000_000 + 65_000_000))
    #expect(throws: DurationText.ParseError.self) { try DurationText.parse("15p") }
    #expect(throws: DurationText.ParseError.self) { try DurationText.parse("1..5h") }
    #expect(throws: DurationText.ParseError.self) { try DurationText.parse("PT1D") }
  }

  /// REGSH_NOW fixes the clock; a REGSH_NOW that is not a time is an error, not the system time.
  @Test func environmentClockReadsREGSH_NOW() {
    setenv("REGSH_NOW", "2018-07-12T15:52:00Z", 1)
    defer { unsetenv("REGSH_NOW") }
    if case .success(let instant) = Clock.environment.now() {
      #expect(instant.timestamp == "2018-07-12T15:52:00.0000000Z")
    } else {
      Issue.record("REGSH_NOW not read")
    }
    setenv("REGSH_NOW", "soon", 1)
    if case .failure(let error) = Clock.environment.now() {
      #expect(error.message.contains("REGSH_NOW"))
    } else {
      Issue.record("a bad REGSH_NOW was accepted")
    }
  }

  @Test func monthsClampToTheTargetMonth() {
    let march31 = Instant(iso8601: "2024-03-31T10:00:00Z")!
    #expect(march31.adding(months: -1)?.timestamp == "2024-02-29T10:00:00.0000000Z")
    #expect(march31.adding(months: -13)?.timestamp == "2023-02-28T10:00:00.0000000Z")
    #expect(march31.adding(months: 12)?.timestamp == "2025-03-31T10:00:00.0000000Z")
  }
}
