import Foundation

/// How long one request may take and how much it may bring back, as both transports enforce
/// it (docs/registries.md, "Timeouts and limits").
///
/// A registry regsh does not control can accept a connection and never answer, or answer a
/// byte a second; without these bounds a command would wait for hours. `RegistryClient` sets
/// the limits of each attempt as a task-local value, so they reach the transport through
/// `HTTPClient`'s two methods unchanged (and through any wrapper of it).
public struct TransferLimits: Sendable {
  /// The longest wait for the next byte (URLSession's `timeoutIntervalForRequest`).
  public var idle: TimeInterval
  /// When the whole request, retries included, must be done; nil for blob downloads, which
  /// have the rate floor instead.
  public var deadline: ContinuousClock.Instant?
  /// The length of the request's total deadline, for the error message.
  public var total: TimeInterval?
  /// Bytes per second an unfinished response must average over each `idle`-long window,
  /// counted from its first byte; 0 turns the floor off.
  public var minimumRate: Int
  /// The most body bytes taken before the response is refused; nil for no limit.
  public var maxBody: Int?

  public init(
    idle: TimeInterval, deadline: ContinuousClock.Instant? = nil, total: TimeInterval? = nil,
    minimumRate: Int = 0, maxBody: Int? = nil
  ) {
    self.idle = idle
    self.deadline = deadline
    self.total = total
    self.minimumRate = minimumRate
    self.maxBody = maxBody
  }

  /// The limits of the request being sent on this task, set by `RegistryClient`.
  @TaskLocal public static var current: TransferLimits?
}

/// A request broke one of its `TransferLimits`; thrown by the transports, turned into a
/// `RegistryError` that names the request by `RegistryClient`.
public struct TransferLimitExceeded: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: Sendable, Equatable {
    /// Nothing arrived for this many seconds.
    case idle(TimeInterval)
    /// The request, retries included, took longer than this many seconds.
    case total(TimeInterval)
    /// Fewer than `bytesPerSecond` on average over a window of `window` seconds.
    case rate(bytesPerSecond: Int, window: TimeInterval)
    /// The body is larger than `limit` bytes.
    case size(limit: Int)
  }

  public var kind: Kind

  public init(_ kind: Kind) { self.kind = kind }

  /// Whether another attempt could succeed: a timeout may be a passing stall, a size never changes.
  public var isTimeout: Bool {
    if case .size = kind { return false }
    return true
  }

  public var description: String {
    switch kind {
    case .idle(let seconds):
      "no answer for \(Self.seconds(seconds)) (the idle timeout)"
    case .total(let seconds):
      "not finished within \(Self.seconds(seconds)) (the total timeout for one request, retries included)"
    case .rate(let rate, let window):
      "the answer came slower than \(rate) bytes/s over \(Self.seconds(window)) (the transfer rate floor)"
    case .size(let limit):
      "the answer is larger than \(Self.bytes(limit))"
    }
  }

  static func seconds(_ value: TimeInterval) -> String {
    value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
  }

  static func bytes(_ count: Int) -> String {
    if count >= 1 << 20, count % (1 << 20) == 0 { return "\(count >> 20) MiB" }
    if count >= 1 << 10, count % (1 << 10) == 0 { return "\(count >> 10) KiB" }
    return "\(count) bytes"
  }
}

/// Tracks one response against its limits: fed the bytes as they arrive, asked how long the
/// next wait may be. Not thread-safe; one response at a time.
struct TransferWatch {
  let limits: TransferLimits
  private var windowStart: ContinuousClock.Instant?
  private var windowBytes = 0
  private(set) var bodyBytes = 0

  init(_ limits: TransferLimits) { self.limits = limits }

  /// Counts `count` bytes received at `now`; throws when the total deadline or the rate floor broke.
  mutating func received(_ count: Int, at now: ContinuousClock.Instant = .now) throws {
    try checkDeadline(at: now)
    guard let start = windowStart else {
      windowStart = now
      windowBytes = count
      return
    }
    windowBytes += count
    try checkRate(at: now, since: start)
  }

  /// Counts body bytes; throws when they pass `maxBody`.
  mutating func receivedBody(_ count: Int) throws {
    bodyBytes += count
    if let limit = limits.maxBody, bodyBytes > limit {
      throw TransferLimitExceeded(.size(limit: limit))
    }
  }

  /// Throws when an announced body length already breaks `maxBody`.
  func checkAnnounced(length: Int) throws {
    if let limit = limits.maxBody, length > limit {
      throw TransferLimitExceeded(.size(limit: limit))
    }
  }

  func checkDeadline(at now: ContinuousClock.Instant = .now) throws {
    if let deadline = limits.deadline, now >= deadline {
      throw TransferLimitExceeded(.total(limits.total ?? 0))
    }
  }

  private mutating func checkRate(
    at now: ContinuousClock.Instant, since start: ContinuousClock.Instant
  )
    throws
  {
    guard limits.minimumRate > 0, limits.idle > 0 else { return }
    let elapsed = now - start
    guard elapsed >= .seconds(limits.idle) else { return }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    if Double(windowBytes) < Double(limits.minimumRate) * seconds {
      throw TransferLimitExceeded(.rate(bytesPerSecond: limits.minimumRate, window: limits.idle))
    }
    windowStart = now
    windowBytes = 0
  }

  /// How long the next wait for bytes may last: the idle timeout, cut short by the deadline
  /// and by the end of the current rate window. Nil when nothing limits it.
  func nextWait(at now: ContinuousClock.Instant = .now) -> (Duration, TransferLimitExceeded)? {
    var wait: (Duration, TransferLimitExceeded)?
    if limits.idle > 0 {
      wait = (.seconds(limits.idle), TransferLimitExceeded(.idle(limits.idle)))
    }
    if let deadline = limits.deadline {
      let left = max(.zero, deadline - now)
      if wait == nil || left < wait!.0 {
        wait = (left, TransferLimitExceeded(.total(limits.total ?? 0)))
      }
    }
    // A trickle keeps each wait short, so the floor is checked as the bytes arrive; a window
    // that ends during a wait is checked when the wait ends.
    if limits.minimumRate > 0, let start = windowStart {
      let windowEnd = start + .seconds(limits.idle)
      let left = max(.zero, windowEnd - now)
      if wait == nil || left < wait!.0 {
        let shortfall = Double(windowBytes) < Double(limits.minimumRate) * limits.idle
        if shortfall {
          wait = (
            left,
            TransferLimitExceeded(.rate(bytesPerSecond: limits.minimumRate, window: limits.idle))
          )
        }
      }
    }
    return wait
  }
}
