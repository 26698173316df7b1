import Foundation
import JMESPath
import TestSupport
import Testing

/// `store set | status | copy` from the command line, against real stores.
@Suite(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
struct StoreCommandTests {
  static func field(_ stdout: String, _ path: String) throws -> JSON {
    try Expression(path).evaluate(try JSONReader.parse(stdout))
  }

  @Test func storeSetIsRememberedAndStatusShowsTheBackend() throws {
    let home = try TemporaryDirectory()
    let environment = ["REGSH_HOME": home.url.path]
    let before = try RegshProcess.run(["store", "status"], environment: environment)
    #expect(before.status == 0, "\(before.stderr)")
    #expect(try Self.field(before.stdout, "backend") == "sqlite")

    let url = try TestPostgres.freshDatabase()
    let set = try RegshProcess.run(["store", "set", url], environment: environment)
    #expect(set.status == 0, "\(set.stderr)")
    let add = try RegshProcess.run(
      ["registry", "add", "team", "localhost:5000"], environment: environment)
    #expect(add.status == 0, "\(add.stderr)")
    let after = try RegshProcess.run(["store", "status"], environment: environment)
    #expect(try Self.field(after.stdout, "backend") == "postgresql")
    #expect(try Self.field(after.stdout, "schemaVersion") == 4)
    #expect(try Self.field(after.stdout, "registries") == ["team"])
    #expect(try Self.field(after.stdout, "rows.registry") == 1)
    #expect(try Self.field(after.stdout, "location") == .string(url))
    // Another machine (another REGSH_HOME) pointed at the same store sees the registry.
    let other = try TemporaryDirectory()
    let seen = try RegshProcess.run(
      ["registry", "list", "--query", "[].name"],
      environment: ["REGSH_HOME": other.url.path, "REGSH_STORE": url])
    #expect(seen.stdout.contains("team"), "\(seen.stderr)")

    #expect(
      try RegshProcess.run(["store", "set", "default"], environment: environment).status == 0)
    let back = try RegshProcess.run(["store", "status"], environment: environment)
    #expect(try Self.field(back.stdout, "backend") == "sqlite")
  }

  @Test(arguments: [
    ("postgresql://regsh:hunter2@127.0.0.1/cache", "holds a password"),
    ("postgresql://127.0.0.1", "names no database"),
    ("ftp://example.com/cache", "is not a store"),
  ])
  func aBadStoreIsRefusedAndNothingIsSaved(_ url: String, _ says: String) throws {
    let home = try TemporaryDirectory()
    let environment = ["REGSH_HOME": home.url.path]
    let set = try RegshProcess.run(["store", "set", url], environment: environment)
    #expect(set.status != 0)
    #expect(set.stderr.contains(says), "\(set.stderr)")
    #expect(!set.stderr.contains("hunter2"))
    #expect(!FileManager.default.fileExists(atPath: home.url.appendingPathComponent("store").path))
  }

  @Test func anUnreachableStoreIsAClearErrorForEveryCommand() throws {
    let home = try TemporaryDirectory()
    let port = try freeLoopbackPort()
    let result = try RegshProcess.run(
      ["registry", "list"],
      environment: [
        "REGSH_HOME": home.url.path, "REGSH_STORE": "postgresql://regsh@127.0.0.1:\(port)/cache",
      ])
    #expect(result.status != 0)
    #expect(result.stderr.contains("is unavailable"), "\(result.stderr)")
  }

  @Test func storeCopyMovesTheCacheAndAuditLogAndChecksTheCounts() throws {
    let home = try TemporaryDirectory()
    let environment = ["REGSH_HOME": home.url.path]
    let populate = try RegshProcess.run(
      ["bench", "populate", "--manifests", "300", "--repositories", "5"], environment: environment)
    #expect(populate.status == 0, "\(populate.stderr)")
    let url = try TestPostgres.freshDatabase()
    let sqlite = home.url.appendingPathComponent("cache.sqlite").path
    let copy = try RegshProcess.run(["store", "copy", sqlite, url], environment: environment)
    #expect(copy.status == 0, "\(copy.stderr)")
    #expect(try Self.field(copy.stdout, "rows.manifest") == 300)
    let query = ["-c", "use bench; manifests --all --query \"length([?tags==null])\""]
    let fromSQLite = try RegshProcess.run(query, environment: environment)
    let fromPostgres = try RegshProcess.run(
      query, environment: environment.merging(["REGSH_STORE": url]) { $1 })
    #expect(fromSQLite.stdout == fromPostgres.stdout && !fromSQLite.stdout.isEmpty)
    // Into a store that is not empty: refused, and the counts say why.
    let again = try RegshProcess.run(["store", "copy", sqlite, url], environment: environment)
    #expect(again.status != 0)
    #expect(again.stderr.contains("is not empty"), "\(again.stderr)")
  }
}
