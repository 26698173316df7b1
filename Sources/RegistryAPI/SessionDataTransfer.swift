import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One URLSession data task driven through the session's delegate, so regsh sees the body
/// as it arrives rather than all at once at the end: its size limit is kept to the byte (a
/// registry that streams a gigabyte is cut off at the limit, and memory stays bounded), and
/// its rate floor and total deadline are measured on the bytes themselves. A timer looks
/// every 100 ms for a deadline or a rate window that passed while nothing arrived.
/// URLSession's own `timeoutIntervalForRequest` remains the idle timeout.
final class SessionDataTransfer: @unchecked Sendable {
  private let lock = NSLock()
  private var watch: TransferWatch?
  private var body = Data()
  private var response: URLResponse?
  private var violation: TransferLimitExceeded?
  private var continuation: CheckedContinuation<(Data, URLResponse), any Error>?
  private var task: URLSessionTask?
  private var timer: (any DispatchSourceTimer)?
  private var cancelled = false
  private let started = ContinuousClock.now

  private init(_ limits: TransferLimits?) { watch = limits.map(TransferWatch.init) }

  /// Runs `request` on `session`, whose delegate routes the task's events here.
  static func run(
    _ request: URLRequest, on session: URLSession, delegate: RegistrySessionDelegate,
    limits: TransferLimits?
  ) async throws -> (Data, URLResponse) {
    let transfer = SessionDataTransfer(limits)
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        transfer.lock.withLock { transfer.continuation = continuation }
        let task = session.dataTask(with: request)
        delegate.register(transfer, for: task)
        transfer.start(task)
      }
    } onCancel: {
      transfer.cancel()
    }
  }

  private func start(_ task: URLSessionTask) {
    let go = lock.withLock {
      self.task = task
      if watch != nil {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.tick() }
        self.timer = timer
        timer.resume()
      }
      return !cancelled
    }
    if go { task.resume() } else { task.cancel() }
  }

  /// The head arrived: an announced length over the limit ends the task before its body.
  ///
  /// The caller gets the limit's error at once, not when the task completes:
  /// swift-corelibs-foundation never completes a task answered `.cancel` while the server
  /// keeps the connection open and sending (a command hung past every timeout), and
  /// answering `.allow` instead lets libcurl queue a fast server's gigabyte in memory
  /// before the cancel lands (1.1 GB seen in CI).
  func received(_ response: URLResponse) -> Bool {
    let refused: (CheckedContinuation<(Data, URLResponse), any Error>, TransferLimitExceeded)? =
      lock.withLock {
        self.response = response
        // -1 when the registry announced no length (chunked): then the bytes are counted.
        let length = response.expectedContentLength
        guard length > 0 else { return nil }
        do {
          try watch?.checkAnnounced(length: Int(clamping: length))
          return nil
        } catch {
          guard let exceeded = error as? TransferLimitExceeded else { return nil }
          violation = exceeded
          timer?.cancel()
          timer = nil
          defer { continuation = nil }
          return continuation.map { ($0, exceeded) }
        }
      }
    guard let (continuation, exceeded) = refused else { return lock.withLock { violation == nil } }
    continuation.resume(throwing: exceeded)
    return false
  }

  /// A part of the body arrived.
  func received(_ data: Data) {
    let stop: URLSessionTask? = lock.withLock {
      guard violation == nil else { return nil }
      do {
        try watch?.receivedBody(data.count)
        try watch?.received(data.count)
        body.append(data)
        return nil
      } catch {
        violation = error as? TransferLimitExceeded
        body = Data()
        return task
      }
    }
    stop?.cancel()
  }

  /// The task ended, with `error` or its whole answer.
  func completed(_ error: (any Error)?) {
    let (continuation, outcome):
      (CheckedContinuation<(Data, URLResponse), any Error>?, Result<(Data, URLResponse), any Error>) =
        lock.withLock {
          timer?.cancel()
          timer = nil
          let continuation = self.continuation
          self.continuation = nil
          if let violation { return (continuation, .failure(violation)) }
          if let error { return (continuation, .failure(error)) }
          guard let response else { return (continuation, .failure(URLError(.badServerResponse))) }
          return (continuation, .success((body, response)))
        }
    continuation?.resume(with: outcome)
  }

  private func tick() {
    let stop: URLSessionTask? = lock.withLock {
      guard violation == nil, let watch, let task else { return nil }
      do {
        try watch.checkDeadline()
        // URLSession tells nothing of a head until it is whole, and a head sent a byte at a
        // time keeps its idle timer from firing: no head a second past the idle timeout is
        // that trickle (a silent registry has hit URLSession's own timeout by then).
        let limits = watch.limits
        if response == nil, limits.minimumRate > 0,
          ContinuousClock.now - started > .seconds(limits.idle + 1)
        {
          throw TransferLimitExceeded(
            .rate(bytesPerSecond: limits.minimumRate, window: limits.idle))
        }
        // A rate window that ended while nothing arrived fails here.
        if let (wait, failure) = watch.nextWait(), wait == .zero, case .rate = failure.kind {
          throw failure
        }
        return nil
      } catch {
        violation = error as? TransferLimitExceeded
        return task
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
}
