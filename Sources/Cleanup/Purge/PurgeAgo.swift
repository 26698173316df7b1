import RegistryFunctions

/// `acr purge --ago`: `[N]d` followed by a Go duration (`15m`, `3d`, `1d1h3m`, `0m`, `-1d`).
/// Past 150 years it is capped with acr's warning (acr-cli#560: `999999d` once overflowed
/// and deleted everything). Unlike acr, a text it cannot read (`abc`, `1.5d`) is an error,
/// never a silent cap or a truncated number.
public struct PurgeAgo: Sendable, Equatable {
  /// The duration in seconds; negative moves the cutoff into the future.
  public var seconds: Double
  /// True when the text asked for more than 150 years and was capped.
  public var capped: Bool

  public static let maximumSeconds = 150.0 * 365 * 86_400
  public static let capWarning =
    "Warning: ago value exceeds maximum duration of 150 years, capping to 150 years"

  public init(seconds: Double, capped: Bool = false) {
    self.seconds = seconds
    self.capped = capped
  }

  /// Why an `--ago` text is refused: Go's own words where Go would refuse it too.
  public struct ParseError: Error, Equatable, CustomStringConvertible {
    public let description: String
  }

  public static func parse(_ text: String) throws(ParseError) -> PurgeAgo {
    guard !text.isEmpty else { return PurgeAgo(seconds: 0) }
    var days = 0.0
    var rest = Substring(text)
    if let d = text.firstIndex(of: "d") {
      // acr reads `%dd%s`: a whole number of days first, then a Go duration.
      let prefix = text[..<d]
      let digits = prefix.hasPrefix("-") || prefix.hasPrefix("+") ? prefix.dropFirst() : prefix
      guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
        throw ParseError(
          description:
            "invalid --ago \"\(text)\": days must be a whole number before 'd', followed by a Go duration such as 1d12h30m"
        )
      }
      // Digits beyond Double's exactness still compare as "more than 150 years".
      days = (Double(digits) ?? .infinity) * (prefix.hasPrefix("-") ? -1 : 1)
      rest = text[text.index(after: d)...]
      if rest.isEmpty { return capping(days * 86_400) }
    }
    try checkGoDuration(String(rest), whole: text)
    let parsed: DurationText
    do {
      parsed = try DurationText.parse(String(rest))
    } catch {
      // The grammar was checked above, so only the size can be wrong here.
      return capping(.infinity)
    }
    return capping(days * 86_400 + Double(parsed.ticks) / 10_000_000)
  }

  static func capping(_ seconds: Double) -> PurgeAgo {
    guard seconds.magnitude <= maximumSeconds else {
      return PurgeAgo(seconds: seconds < 0 ? -maximumSeconds : maximumSeconds, capped: true)
    }
    return PurgeAgo(seconds: seconds)
  }

  static let goUnits: Set<Substring> = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]

  /// Go's `time.ParseDuration` grammar, with its error texts: `[-+]` then one or more
  /// `number unit` (`0` alone is allowed).
  static func checkGoDuration(_ text: String, whole: String) throws(ParseError) {
    var rest = Substring(text)
    if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
    if rest == "0" { return }
    guard !rest.isEmpty else {
      throw ParseError(description: "time: invalid duration \"\(whole)\"")
    }
    while !rest.isEmpty {
      let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
      guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1 else {
        throw ParseError(description: "time: invalid duration \"\(whole)\"")
      }
      rest = rest.dropFirst(number.count)
      let unit = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
      guard !unit.isEmpty else {
        throw ParseError(description: "time: missing unit in duration \"\(whole)\"")
      }
      guard goUnits.contains(unit) else {
        throw ParseError(description: "time: unknown unit \"\(unit)\" in duration \"\(whole)\"")
      }
      rest = rest.dropFirst(unit.count)
    }
  }
}
