import Foundation
import TestSupport
import Testing

/// One registry client per registry for a whole session: a long script against a
/// token-auth registry asks the token server a bounded number of times, not once per
/// command, and keeps its open files bounded.
struct SessionClientTests {
  @Test func fiveHundredCommandsShareOneClientItsTokensAndItsConnections() async throws {
    let fake = try await FakeRegistry(mode: "acr")
    let home = try TemporaryDirectory()
    let tokensBefore = (try await fake.stats()["token_requests"] as? [Any])?.count ?? 0
    let process = Process()
    process.executableURL = RegshProcess.executable
    process.environment = ProcessInfo.processInfo.environment.merging([
      "REGSH_HOME": home.url.path, "REGSH_USERNAME": FakeRegistry.username,
      "REGSH_PASSWORD": FakeRegistry.password,
    ]) { _, new in new }
    let input = Pipe()
    process.standardInput = input
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    defer { if process.isRunning { process.terminate() } }
    // Each az listing reads the registry again (az never answers from a cache).
    let listing = "az acr repository show-tags -n acr --repository hello-world -o none\n"
    // A script is read to its end before it runs: the files are counted while it runs.
    try input.fileHandleForWriting.write(
      contentsOf: Data(
        ("registry add acr \(fake.server) --flavor acr\n"
          + String(repeating: listing, count: 500)).utf8))
    try input.fileHandleForWriting.close()
    func openFiles() throws -> Int {
      try FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd")
        .count
    }
    try await waitForListings(fake, atLeast: 50)
    let early = try openFiles()
    try await waitForListings(fake, atLeast: 450)
    let late = try openFiles()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(late <= early + 4, "open files grew from \(early) to \(late)")
    let stats = try await fake.stats()
    let tokens = ((stats["token_requests"] as? [Any])?.count ?? 0) - tokensBefore
    let listings = try await listingCount(fake)
    #expect(listings >= 500, "every command read the registry")
    // A token per scope, renewed when it expires: a handful, not one per command.
    #expect(tokens >= 1 && tokens <= 10, "\(tokens) token requests for \(listings) listings")
  }

  func listingCount(_ fake: FakeRegistry) async throws -> Int {
    let counts = try await fake.stats()["counts"] as? [String: Int] ?? [:]
    return counts.filter { $0.key.contains("_tags") }.values.reduce(0, +)
  }

  func waitForListings(_ fake: FakeRegistry, atLeast count: Int) async throws {
    for _ in 0..<1200 {
      if try await listingCount(fake) >= count { return }
      try await Task.sleep(for: .milliseconds(100))
    }
    throw TestFailure("the script did not reach \(count) listings in 120 s")
  }
}
