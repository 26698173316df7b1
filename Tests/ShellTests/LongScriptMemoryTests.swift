import Foundation
import TestSupport
import Testing

/// A one-shot script keeps only its last pipeline's documents: twelve listings of a large
/// cache in one `-c` line peak at about the memory of one, not twelve.
struct LongScriptMemoryTests {
  /// Peak resident memory (KiB) of `regsh ARGUMENTS`, measured by a python3 parent.
  func peakKiB(_ arguments: [String], home: URL) throws -> Int {
    let measure = """
      import resource, subprocess, sys
      status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
      print(status, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = ["-c", measure, RegshProcess.executable.path] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging(["REGSH_HOME": home.path]) {
      _, new in new
    }
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

  @Test func twelveListingsInOneScriptPeakLikeOne() throws {
    let home = try TemporaryDirectory()
    let populate = try RegshProcess.run(
      ["bench", "populate", "--manifests", "40000", "--repositories", "10"],
      environment: ["REGSH_HOME": home.url.path])
    #expect(populate.status == 0, "\(populate.stderr)")
    let listing = "manifests --all --registry bench -o none"
    let one = try peakKiB(["-c", listing], home: home.url)
    let twelve = try peakKiB(
      ["-c", Array(repeating: listing, count: 12).joined(separator: "; ")], home: home.url)
    // Twelve documents held to the end would take about twelve times as much.
    #expect(twelve < one * 2, "one listing peaked at \(one) KiB, twelve at \(twelve) KiB")
  }
}
