/// A length of time written as `acr purge --ago` takes it — `[N]d` followed by a Go duration
/// (`30d`, `1d12h`, `90m`, `1.5h`, `2h45m30s`, `500ms`) — or as ISO 8601 (`P30D`, `PT12H`,
/// `P1Y2M3DT4H5M6.5S`, `P2W`). ISO years and months are calendar months, so `P1M` before
/// March 31 is the last day of February.
public struct DurationText: Sendable, Equatable {
  /// Calendar months (ISO 8601's Y and M only).
  public var months: Int
  public var ticks: Int64

  public init(months: Int = 0, ticks: Int64) {
    self.months = months
    self.ticks = ticks
  }

  /// Why a text is not a duration, naming the part that is wrong.
  public struct ParseError: Error, Equatable, CustomStringConvertible {
    public let description: String
  }

  static let goUnits: [(name: String, ticks: Double)] = [
    ("ns", 0.01), ("us", 10), ("µs", 10), ("μs", 10), ("ms", 10_000), ("s", 10_000_000),
    ("m", 600_000_000), ("h", 36_000_000_000), ("d", 864_000_000_000),
  ]

  public static func parse(_ text: String) throws(ParseError) -> DurationText {
    let trimmed = text.trimmingCharacters(in: " ")
    guard !trimmed.isEmpty else { throw ParseError(description: "an empty duration") }
    if let first = trimmed.first, first == "P" || first == "p" { return try iso8601(trimmed) }
    return try go(trimmed)
  }

  /// Go's time.ParseDuration grammar, with `d` (24h) added as acr purge adds it.
  static func go(_ text: String) throws(ParseError) -> DurationText {
    var rest = Substring(text)
    var negative = false
    if rest.first == "-" || rest.first == "+" {
      negative = rest.first == "-"
      rest = rest.dropFirst()
    }
    if rest == "0" { return DurationText(ticks: 0) }
    guard !rest.isEmpty else { throw ParseError(description: "'\(text)' has no number") }
    var total = 0.0
    while !rest.isEmpty {
      let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
      guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1,
        let value = Double(number.hasPrefix(".") ? "0" + number : String(number))
      else {
        throw ParseError(description: "'\(text)' needs a number before '\(rest.prefix(1))'")
      }
      rest = rest.dropFirst(number.count)
      let unit = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
      guard !unit.isEmpty else {
        throw ParseError(
          description: "'\(text)' has a number without a unit (ns, us, ms, s, m, h, d)")
      }
      guard let known = goUnits.first(where: { $0.name == unit }) else {
        throw ParseError(
          description: "unknown unit '\(unit)' in '\(text)' (units: ns, us, ms, s, m, h, d)")
      }
      rest = rest.dropFirst(unit.count)
      total += value * known.ticks
    }
    guard total.isFinite, total < 9.2e18 else {
      throw ParseError(description: "'\(text)' is too long a duration")
    }
    let ticks = Int64(total.rounded())
    return DurationText(ticks: negative ? -ticks : ticks)
  }

  /// ISO 8601's `PnYnMnWnDTnHnMnS` (each part optional, the last may have a fraction).
  static func iso8601(_ text: String) throws(ParseError) -> DurationText {
    var rest = Substring(text.uppercased()).dropFirst()  // P
    var months = 0
    var seconds = 0.0
    var inTime = false
    var parts = 0
    while !rest.isEmpty {
      if rest.first == "T" {
        guard !inTime else { throw ParseError(description: "'\(text)' has a second 'T'") }
        inTime = true
        rest = rest.dropFirst()
        continue
      }
      let number = rest.prefix { $0.isNumber || $0 == "." || $0 == "," }
      guard !number.isEmpty, let value = Double(number.replacingOccurrences(of: ",", with: "."))
      else {
        throw ParseError(description: "'\(text)' needs a number before '\(rest.prefix(1))'")
      }
      rest = rest.dropFirst(number.count)
      guard let designator = rest.first else {
        throw ParseError(
          description: "'\(text)' ends in a number without a unit (Y, M, W, D, H, S)")
      }
      rest = rest.dropFirst()
      parts += 1
      switch (inTime, designator) {
      case (false, "Y"), (false, "M"):
        guard value == value.rounded() else {
          throw ParseError(description: "'\(text)': years and months must be whole")
        }
        guard value < 1_000_000 else {
          throw ParseError(description: "'\(text)' is too long a duration")
        }
        months += Int(value) * (designator == "Y" ? 12 : 1)
      case (false, "W"): seconds += value * 7 * 86_400
      case (false, "D"): seconds += value * 86_400
      case (true, "H"): seconds += value * 3600
      case (true, "M"): seconds += value * 60
      case (true, "S"): seconds += value
      default:
        throw ParseError(
          description:
            "unknown unit '\(designator)' in '\(text)' (ISO 8601: PnYnMnWnD, then T and nHnMnS)")
      }
    }
    guard parts > 0 else { throw ParseError(description: "'\(text)' has no parts") }
    guard seconds * 1e7 < 9.2e18 else {
      throw ParseError(description: "'\(text)' is too long a duration")
    }
    return DurationText(months: months, ticks: Int64((seconds * 1e7).rounded()))
  }

  /// The instant this long before `instant`; nil when that is outside the calendar.
  public func before(_ instant: Instant) -> Instant? {
    instant.adding(months: -months)?.adding(ticks: -ticks)
  }
}

extension String {
  fileprivate func trimmingCharacters(in character: Character) -> String {
    var s = Substring(self)
    while s.first == character { s = s.dropFirst() }
    while s.last == character { s = s.dropLast() }
    return String(s)
  }

  fileprivate func replacingOccurrences(of a: String, with b: String) -> String {
    split(separator: Character(a), omittingEmptySubsequences: false).joined(separator: b)
  }
}

extension Substring {
  fileprivate func replacingOccurrences(of a: String, with b: String) -> String {
    String(self).replacingOccurrences(of: a, with: b)
  }
}
