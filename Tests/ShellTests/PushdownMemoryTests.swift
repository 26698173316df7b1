import Foundation
import TestSupport
import Testing

/// Issue 15, item 3: a query the cache cannot answer no longer holds the whole listing. A
/// filter the interpreter evaluates on each document as the cache streams them peaks far
/// below the same query over the listing built in memory (`REGSH_PUSHDOWN=off`), and a
/// count the cache answers peaks near an empty run.
struct PushdownMemoryTests {
  /// Peak resident memory (KiB) of `regsh ARGUMENTS`, measured by a python3 parent.
  func peakKiB(_ arguments: [String], home: URL, pushdown: Bool) throws -> Int {
    let measure = """
      import resource, subprocess, sys
      status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
      print(status, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = ["-c", measure, RegshProcess.executable.path] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging([
      "REGSH_HOME": home.path, "REGSH_PUSHDOWN": pushdown ? "on" : "off",
    ]) { _, new in new }
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let fields = text.split(separator: " ").compactMap {
      Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    guard fields.count == 2, fields[0] == 0 else { throw TestFailure("regsh failed: \(text)") }
    return fields[1]
  }

  @Test func aStreamedFilterPeaksFarBelowTheListingInMemory() throws {
    let home = try TemporaryDirectory()
    let populate = try RegshProcess.run(
      ["bench", "populate", "--manifests", "60000", "--repositories", "20"],
      environment: ["REGSH_HOME": home.url.path])
    #expect(populate.status == 0, "\(populate.stderr)")
    let nonPushable =
      "manifests --all --registry bench --query \"[?contains(join(',', tags || `[]`), 'rc')] | length(@)\""
    let streamed = try peakKiB(["-c", nonPushable], home: home.url, pushdown: true)
    let inMemory = try peakKiB(["-c", nonPushable], home: home.url, pushdown: false)
    #expect(streamed * 2 < inMemory, "streamed \(streamed) KiB, in memory \(inMemory) KiB")

    let count = "manifests --all --registry bench --query \"length([?tags==null])\""
    let pushed = try peakKiB(["-c", count], home: home.url, pushdown: true)
    let empty = try peakKiB(["-c", "help"], home: home.url, pushdown: true)
    #expect(pushed < empty + 20_000, "count \(pushed) KiB, an empty run \(empty) KiB")
  }
}
