import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Runs one URLSession download task (a blob streamed to a file; data tasks go through
/// `SessionDataTransfer`) under its `TransferLimits`: a timer looks at the task every
/// 100 ms and cancels it when the total deadline passes, when the bytes received fall below
/// the rate floor, or when the body outgrows its limit; the caller then gets
/// `TransferLimitExceeded` instead of URLSession's "cancelled". Cancelling the Swift task
/// cancels the URLSession task too. URLSession's own `timeoutIntervalForRequest` remains the
/// idle timeout.
final class SessionTaskWatch<Value: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var watch: TransferWatch?
  private var task: URLSessionTask?
  private var timer: (any DispatchSourceTimer)?
  private var violation: TransferLimitExceeded?
  private var counted: Int64 = 0
  private let started = ContinuousClock.now
  private var cancelled = false
  private var continuation: CheckedContinuation<Value, any Error>?

  private init(_ limits: TransferLimits?) { watch = limits.map(TransferWatch.init) }

  /// Makes the task with `make` (whose completion handler must call `finish` once), runs
  /// it, and returns its result.
  static func run(
    _ limits: TransferLimits?,
    make: (@escaping @Sendable (Result<Value, any Error>) -> Void) -> URLSessionTask
  ) async throws -> Value {
    let box = SessionTaskWatch(limits)
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        box.lock.withLock { box.continuation = continuation }
        let task = make { result in box.finish(result) }
        box.start(task)
      }
    } onCancel: {
      box.cancel()
    }
  }

  private func start(_ task: URLSessionTask) {
    let startNow = lock.withLock {
      self.task = task
      if watch != nil {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.check() }
        self.timer = timer
        timer.resume()
      }
      return !cancelled
    }
    if startNow { task.resume() } else { task.cancel() }
  }

  private func check() {
    let stop: URLSessionTask? = lock.withLock {
      guard violation == nil, var current = watch, let task else { return nil }
      do {
        let received = task.countOfBytesReceived
        let expected = task.countOfBytesExpectedToReceive
        if expected > 0 { try current.checkAnnounced(length: Int(clamping: expected)) }
        if received > counted {
          let delta = Int(clamping: received - counted)
          counted = received
          try current.receivedBody(delta)
          try current.received(delta)
        } else {
          try current.checkDeadline()
          // URLSession counts body bytes only: a head sent a byte at a time keeps its idle
          // timeout from firing and shows no progress here. No body byte a second past the
          // idle timeout is that trickle (a silent registry has hit URLSession's own timeout).
          if counted == 0, current.limits.minimumRate > 0, task.state == .running,
            ContinuousClock.now - started > .seconds(current.limits.idle + 1)
          {
            throw TransferLimitExceeded(
              .rate(bytesPerSecond: current.limits.minimumRate, window: current.limits.idle))
          }
          // Nothing new: a window that ended short of the floor fails here.
          if let (wait, failure) = current.nextWait(), wait == .zero,
            case .rate = failure.kind
          {
            throw failure
          }
        }
        watch = current
        return nil
      } catch let failure as TransferLimitExceeded {
        violation = failure
        return task
      } catch {
        return nil
      }
    }
    stop?.cancel()
  }

  private func cancel() {
    let task = lock.withLock {
      cancelled = true
      return self.task
    }
    task?.cancel()
  }

  private func finish(_ result: Result<Value, any Error>) {
    let (continuation, violation) = lock.withLock {
      timer?.cancel()
      timer = nil
      let continuation = self.continuation
      self.continuation = nil
      return (continuation, self.violation)
    }
    if let violation {
      continuation?.resume(throwing: violation)
    } else {
      continuation?.resume(with: result)
    }
  }
}
