import Foundation
import TestSupport
import Testing

/// Issue 15, item 3: a query the cache cannot answer no longer holds the whole listing. A
/// filter the interpreter evaluates on each document as the cache streams them peaks far
/// below the same query over the listing built in memory (`REGSH_PUSHDOWN=off`), and a
/// count the cache answers peaks near an empty run.
struct PushdownMemoryTests {
  func peakKiB(_ arguments: [String], home: URL, pushdown: Bool) throws -> Int {
    try RegshProcess.peakResidentKiB(
      arguments,
      environment: ["REGSH_HOME": home.path, "REGSH_PUSHDOWN": pushdown ? "on" : "off"])
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
    // The listing in memory holds 60,000 documents of more than 166 bytes each (a digest
    // alone is 71); since the listing is read around the cache's memory map and builds only
    // what the query reads, that, not the map, is the difference.
    #expect(
      streamed + 10_000 < inMemory, "streamed \(streamed) KiB, in memory \(inMemory) KiB")

    let count = "manifests --all --registry bench --query \"length([?tags==null])\""
    let pushed = try peakKiB(["-c", count], home: home.url, pushdown: true)
    let empty = try peakKiB(["-c", "help"], home: home.url, pushdown: true)
    #expect(pushed < empty + 20_000, "count \(pushed) KiB, an empty run \(empty) KiB")
  }
}
