import Foundation

/// The threads that do the blocking socket I/O, and the idle keep-alive connections.
///
/// Threads rather than the Swift concurrency pool: a blocking `recv` there would take one of
/// its two threads (on this 2-core machine) from every other task. Threads are started on
/// demand up to `maxThreads` and end when the pool is shut down.
final class WorkerPool: @unchecked Sendable {
  private let condition = NSCondition()
  private var jobs: [@Sendable () -> Void] = []
  private var nextJob = 0
  private var threads = 0
  private var waiting = 0
  private var shutDown = false
  private var idle: [String: [SocketConnection]] = [:]
  private let maxThreads: Int
  private let maxIdlePerServer: Int

  init(maxThreads: Int, maxIdlePerServer: Int) {
    self.maxThreads = max(1, maxThreads)
    self.maxIdlePerServer = max(1, maxIdlePerServer)
  }

  /// Runs `job` on a worker thread.
  func submit(_ job: @escaping @Sendable () -> Void) {
    condition.lock()
    jobs.append(job)
    let start = jobs.count - nextJob > waiting && threads < maxThreads
    if start { threads += 1 }
    condition.signal()
    condition.unlock()
    if start {
      let thread = Thread { [self] in work() }
      thread.name = "regsh-http"
      thread.start()
    }
  }

  private func work() {
    while true {
      condition.lock()
      while nextJob == jobs.count && !shutDown {
        waiting += 1
        condition.wait()
        waiting -= 1
      }
      if nextJob == jobs.count {
        threads -= 1
        condition.unlock()
        return
      }
      let job = jobs[nextJob]
      nextJob += 1
      if nextJob == jobs.count {
        jobs.removeAll(keepingCapacity: true)
        nextJob = 0
      }
      condition.unlock()
      job()
    }
  }

  /// An idle connection to `key` that the server has not closed, if any.
  func checkout(_ key: String) -> SocketConnection? {
    while true {
      let candidate: SocketConnection? = condition.withLock { idle[key]?.popLast() }
      guard let candidate else { return nil }
      if !candidate.isStale { return candidate }
      candidate.close()
    }
  }

  /// Keeps `connection` for the next request to its server.
  func checkin(_ connection: SocketConnection) {
    let kept = condition.withLock {
      guard !shutDown, idle[connection.key, default: []].count < maxIdlePerServer else {
        return false
      }
      idle[connection.key, default: []].append(connection)
      return true
    }
    if !kept { connection.close() }
  }

  /// Lets the threads end once their queue is empty, and closes the idle connections.
  func shutdown() {
    let connections = condition.withLock {
      shutDown = true
      condition.broadcast()
      defer { idle = [:] }
      return idle.values.flatMap { $0 }
    }
    for connection in connections { connection.close() }
  }
}
