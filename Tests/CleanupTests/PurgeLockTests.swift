import Cleanup
import Foundation
import Testing

/// Two purges of one registry never run at once; purges of two registries do.
@Suite struct PurgeLockTests {
  @Test func aSecondPurgeOfTheSameRegistryFailsClearly() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "regsh-lock-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let first = try PurgeLock(registry: "prod", directory: directory)
    #expect {
      try PurgeLock(registry: "prod", directory: directory)
    } throws: { error in
      "\(error)".contains("another purge of registry 'prod' is running")
    }
    let other = try PurgeLock(registry: "staging", directory: directory)
    withExtendedLifetime((first, other)) {}
  }

  @Test func theLockIsFreeAgainWhenThePurgeEnds() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "regsh-lock-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    do { _ = try PurgeLock(registry: "prod", directory: directory) }
    let again = try PurgeLock(registry: "prod", directory: directory)
    #expect(again.path.hasSuffix("purge-prod.lock"))
  }
}
