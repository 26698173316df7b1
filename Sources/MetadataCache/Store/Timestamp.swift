import Foundation

/// Times as regsh stores and prints them: UTC, ISO 8601 with seven fractional digits, the
/// way ACR reports them ("2018-07-12T15:52:00.2075864Z"). One shape for every source means
/// timestamps from ACR, image configs and the cache compare correctly as strings.
public enum Timestamp {
  /// Now, in the stored shape.
  public static func now() -> String { format(Date()) }

  public static func format(_ date: Date) -> String {
    let seconds = date.timeIntervalSince1970
    var whole = seconds.rounded(.down)
    var ticks = Int(((seconds - whole) * 10_000_000).rounded())
    if ticks >= 10_000_000 {
      whole += 1
      ticks -= 10_000_000
    }
    var time = time_t(whole)
    var parts = tm()
    gmtime_r(&time, &parts)
    return String(
      format: "%04d-%02d-%02dT%02d:%02d:%02d.%07dZ", Int(parts.tm_year) + 1900,
      Int(parts.tm_mon) + 1,
      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), ticks)
  }

  /// Normalizes an RFC 3339 time ("2018-07-12T15:52:00Z", "…00.123456789+02:00") to the
  /// stored shape; nil when it is not one.
  public static func normalize(_ text: String) -> String? {
    let pattern =
      #/^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/#
    guard let m = text.wholeMatch(of: pattern) else { return nil }
    var components = DateComponents()
    components.timeZone = TimeZone(identifier: "UTC")
    components.year = Int(m.1)
    components.month = Int(m.2)
    components.day = Int(m.3)
    components.hour = Int(m.4)
    components.minute = Int(m.5)
    components.second = Int(m.6)
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    guard var date = calendar.date(from: components) else { return nil }
    let zone = String(m.8)
    if zone != "Z" && zone != "z" {
      let sign: Double = zone.hasPrefix("-") ? -1 : 1
      let hours = Double(zone.dropFirst().prefix(2))!
      let minutes = Double(zone.suffix(2))!
      date -= sign * (hours * 3600 + minutes * 60)
    }
    let fraction = String((m.7.map(String.init) ?? "").prefix(7)).padding(
      toLength: 7, withPad: "0", startingAt: 0)
    let base = format(date)
    return String(base.prefix(20)) + fraction + "Z"
  }
}
