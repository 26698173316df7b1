import Foundation

/// Where `now()` and `ago()` get the time: the system clock, or REGSH_NOW (an ISO 8601 time)
/// so scripts and tests see a fixed one.
public struct Clock: Sendable {
  let read: @Sendable () -> Result<Instant, ClockError>

  public struct ClockError: Error, Sendable {
    public let message: String
  }

  public init(_ read: @escaping @Sendable () -> Result<Instant, ClockError>) {
    self.read = read
  }

  public func now() -> Result<Instant, ClockError> { read() }

  /// A clock that always says `instant`.
  public static func fixed(_ instant: Instant) -> Clock { Clock { .success(instant) } }

  public static let system = Clock {
    .success(Instant(epochSeconds: Date().timeIntervalSince1970) ?? Instant(ticks: 0))
  }

  /// REGSH_NOW when it is set (read at each call), else the system clock.
  public static let environment = Clock { fromREGSH_NOW(ProcessInfo.processInfo.environment) }

  /// REGSH_NOW of the given environment (a session's), else the system clock.
  public static func environment(_ variables: [String: String]) -> Clock {
    Clock { fromREGSH_NOW(variables) }
  }

  static func fromREGSH_NOW(_ variables: [String: String]) -> Result<Instant, ClockError> {
    guard let text = variables["REGSH_NOW"], !text.isEmpty else {
      return system.now()
    }
    guard let instant = Instant(iso8601: text) else {
      return .failure(
        ClockError(
          message:
            "REGSH_NOW='\(text)' is not an ISO 8601 time (e.g. 2018-07-12T15:52:00Z)"))
    }
    return .success(instant)
  }
}
