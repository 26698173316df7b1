import Foundation
import TestSupport
import Testing

/// A one-shot script keeps only its last pipeline's documents: twelve listings of a large
/// cache in one `-c` line peak at about the memory of one, not twelve.
struct LongScriptMemoryTests {
  func peakKiB(_ arguments: [String], home: URL) throws -> Int {
    try RegshProcess.peakResidentKiB(arguments, environment: ["REGSH_HOME": home.path])
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
