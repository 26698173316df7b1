import Foundation
import TestSupport
import Testing

@testable import RegistryAPI

@Suite struct LimiterTests {
  @Test func boundsConcurrentHolders() async throws {
    let limiter = ConcurrencyLimiter(limit: 2)
    let counter = InFlightCounter()
    await withTaskGroup(of: Void.self) { group in
      for _ in 0..<10 {
        group.addTask {
          await limiter.acquire()
          await counter.enter()
          try? await Task.sleep(for: .milliseconds(10))
          await counter.leave()
          await limiter.release()
        }
      }
    }
    #expect(await counter.maximum == 2)
  }
}

actor InFlightCounter {
  private var current = 0
  private(set) var maximum = 0
  func enter() {
    current += 1
    maximum = max(maximum, current)
  }
  func leave() { current -= 1 }
}
