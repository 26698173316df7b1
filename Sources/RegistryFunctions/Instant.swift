/// A moment in UTC, counted in 100-nanosecond ticks since 1970-01-01T00:00:00Z: the
/// resolution of the documents' timestamps ("2018-07-12T15:52:00.2075864Z", seven
/// fractional digits, as ACR writes them and MetadataCache's Timestamp stores them).
///
/// The calendar arithmetic is done here, with integers, rather than through Foundation's
/// Calendar, so a timestamp reads and prints back exactly, to the tick.
public struct Instant: Sendable, Hashable, Comparable {
  public static let ticksPerSecond: Int64 = 10_000_000

  public var ticks: Int64

  public init(ticks: Int64) { self.ticks = ticks }

  public static func < (a: Instant, b: Instant) -> Bool { a.ticks < b.ticks }

  /// The earliest and latest instants that print in four-digit years.
  static let earliest = Instant(
    ticks: Int64(Calendar.days(year: 1, month: 1, day: 1)) * 86_400 * ticksPerSecond)
  static let latest = Instant(
    ticks: (Int64(Calendar.days(year: 9999, month: 12, day: 31)) + 1) * 86_400 * ticksPerSecond - 1)

  public var isPrintable: Bool { self >= Self.earliest && self <= Self.latest }

  /// The documents' format: `YYYY-MM-DDTHH:MM:SS.fffffffZ`; nil outside years 1–9999.
  public var timestamp: String? {
    guard isPrintable else { return nil }
    let (days, dayTicks) = floorDivide(ticks, 86_400 * Self.ticksPerSecond)
    let date = Calendar.civil(days: Int(days))
    let seconds = dayTicks / Self.ticksPerSecond
    let fraction = dayTicks % Self.ticksPerSecond
    return pad(date.year, 4) + "-" + pad(date.month, 2) + "-" + pad(date.day, 2) + "T"
      + pad(Int(seconds / 3600), 2) + ":" + pad(Int(seconds / 60 % 60), 2) + ":"
      + pad(Int(seconds % 60), 2) + "." + pad(Int(fraction), 7) + "Z"
  }

  /// Seconds since the epoch, with the fraction.
  public var epochSeconds: Double { Double(ticks) / Double(Self.ticksPerSecond) }

  /// A Double carries about 16 significant digits: today's times keep about a quarter of a
  /// microsecond, not the full tick.
  public init?(epochSeconds: Double) {
    guard epochSeconds.isFinite, abs(epochSeconds) < 9.2e11 else { return nil }
    let whole = epochSeconds.rounded(.down)
    let fraction = ((epochSeconds - whole) * Double(Self.ticksPerSecond)).rounded()
    self.ticks = Int64(whole) * Self.ticksPerSecond + Int64(fraction)
  }

  /// Reads an ISO 8601 / RFC 3339 time: `2018-07-12T15:52:00.2075864Z`,
  /// `2018-07-12T17:52:00+02:00`, `2018-07-12 15:52:00Z`, or a date alone (`2018-07-12`,
  /// midnight UTC). Digits past the seventh fractional one are dropped, as the cache does.
  public init?(iso8601 text: String) {
    var scanner = Scanner(Array(text.utf8))
    guard let year = scanner.digits(4), scanner.skip("-"), let month = scanner.digits(2),
      scanner.skip("-"), let day = scanner.digits(2),
      (1...12).contains(month), (1...Calendar.daysIn(month: month, year: year)).contains(day)
    else { return nil }
    var total =
      Int64(Calendar.days(year: year, month: month, day: day)) * 86_400
      * Self.ticksPerSecond
    if scanner.atEnd {
      self.ticks = total
      return
    }
    guard scanner.skip("T") || scanner.skip("t") || scanner.skip(" "),
      let hour = scanner.digits(2), scanner.skip(":"), let minute = scanner.digits(2),
      scanner.skip(":"), let second = scanner.digits(2),
      hour < 24, minute < 60, second < 61
    else { return nil }
    total += Int64(hour * 3600 + minute * 60 + second) * Self.ticksPerSecond
    if scanner.skip(".") || scanner.skip(",") {
      var fraction: Int64 = 0
      var count = 0
      while let d = scanner.digit() {
        if count < 7 { fraction = fraction * 10 + Int64(d) }
        count += 1
      }
      guard count > 0 else { return nil }
      for _ in count..<max(count, 7) { fraction *= 10 }
      total += fraction
    }
    if scanner.skip("Z") || scanner.skip("z") {
    } else if let sign = scanner.sign(), let hours = scanner.digits(2), scanner.skip(":"),
      let minutes = scanner.digits(2), hours < 24, minutes < 60
    {
      total -= Int64(sign * (hours * 3600 + minutes * 60)) * Self.ticksPerSecond
    } else {
      return nil
    }
    guard scanner.atEnd else { return nil }
    self.ticks = total
  }

  public func adding(ticks delta: Int64) -> Instant? {
    let (sum, overflow) = ticks.addingReportingOverflow(delta)
    return overflow ? nil : Instant(ticks: sum)
  }

  /// The same time of day `months` calendar months later (earlier when negative), the day
  /// clamped to the target month's length: one month before March 31 is February 28 or 29.
  public func adding(months: Int) -> Instant? {
    let (days, dayTicks) = floorDivide(ticks, 86_400 * Self.ticksPerSecond)
    let date = Calendar.civil(days: Int(days))
    let (monthsTotal, o1) = (date.year * 12 + date.month - 1).addingReportingOverflow(months)
    guard !o1 else { return nil }
    let year = monthsTotal >= 0 ? monthsTotal / 12 : (monthsTotal - 11) / 12
    let month = monthsTotal - year * 12 + 1
    guard abs(year) < 1_000_000 else { return nil }
    let day = min(date.day, Calendar.daysIn(month: month, year: year))
    return Instant(
      ticks: Int64(Calendar.days(year: year, month: month, day: day)) * 86_400
        * Self.ticksPerSecond + dayTicks)
  }
}

private func pad(_ n: Int, _ width: Int) -> String {
  let s = String(n)
  return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

/// Division rounding toward negative infinity, with a remainder that is never negative.
func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
  let q = a / b
  let r = a % b
  return r < 0 ? (q - 1, r + b) : (q, r)
}

/// The proleptic Gregorian calendar in whole days since 1970-01-01 (Howard Hinnant's
/// days-from-civil algorithms).
enum Calendar {
  static func days(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }
}

/// A cursor over ASCII bytes, for the small grammars of timestamps and durations.
struct Scanner {
  let bytes: [UInt8]
  var index = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var atEnd: Bool { index == bytes.count }
  var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

  mutating func skip(_ c: Character) -> Bool {
    guard let b = peek, let ascii = c.asciiValue, b == ascii else { return false }
    index += 1
    return true
  }

  mutating func digit() -> Int? {
    guard let b = peek, (0x30...0x39).contains(b) else { return nil }
    index += 1
    return Int(b - 0x30)
  }

  /// Exactly `count` digits.
  mutating func digits(_ count: Int) -> Int? {
    var value = 0
    for _ in 0..<count {
      guard let d = digit() else { return nil }
      value = value * 10 + d
    }
    return value
  }

  mutating func sign() -> Int? {
    if skip("+") { return 1 }
    if skip("-") { return -1 }
    return nil
  }
}
