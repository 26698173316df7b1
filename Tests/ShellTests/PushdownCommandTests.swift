import Foundation
import TestSupport
import Testing

/// The pushdown as users run it: `regsh -c` with and without `REGSH_PUSHDOWN=off` prints
/// the same bytes and exit status, the result is `_` afterwards, and a pipeline gets the
/// queried value; `--explain` says which part ran where.
@Suite(.serialized) struct PushdownCommandTests {
  static let home: TemporaryDirectory = {
    let home = try! TemporaryDirectory()
    let populate = try! RegshProcess.run(
      ["bench", "populate", "--manifests", "3000", "--repositories", "7"],
      environment: ["REGSH_HOME": home.url.path])
    precondition(populate.status == 0, populate.stderr)
    return home
  }()

  static func run(_ script: String, pushdown: Bool) throws -> RegshProcess.Result {
    var environment = ["REGSH_HOME": home.url.path, "REGSH_REGISTRY": "bench"]
    if !pushdown { environment["REGSH_PUSHDOWN"] = "off" }
    return try RegshProcess.run(["-c", script], environment: environment)
  }

  @Test(arguments: [
    "manifests --all --query \"length([?tags==null])\"",
    "manifests --all --query \"[?tags==null].digest\" -o tsv",
    "manifests --all --query \"sort_by(@, &timestamp)[-3:]\" -o table",
    "manifests --all --query \"[?tags[0]==null].[digest, timestamp]\" -o csv",
    "manifests --all --query \"[?contains(tags, 'v1')]\"",
    "manifests --all --query \"[?tags && contains(tags, 'rc10')].tags\" -o yaml",
    "manifests --all --query \"[?contains(join(',', tags || `[]`), 'rc1')].digest\" -o jsonl",
    "manifests --all --query \"length([?tags==null])\"; _",
    "manifests --all --query \"[?tags==null].digest | [:2]\" | length(@)",
    "manifests team0/service-0 --query \"[?timestamp < '2020-09-14'].digest\" -o tsv",
    "manifests team0/service-0 --orderby time_desc --query \"[?tags].tags[0] | [:3]\"",
    "tags team0/service-0 --query \"[?starts_with(@, 'rc')]\" -o tsv",
    "tags team0/service-0 --query \"length([?@ > 'v5'])\"",
    "tags team0/service-0 --orderby time_desc --query \"[:3]\" -o table",
    "tags team0/service-0 --detail --query \"sort_by(@, &lastUpdateTime)[-3:].[name, digest]\" -o csv",
    "tags team0/service-0 --detail --query \"[?contains(name, '1')]\" -o yaml",
    "tags team0/service-0 --query \"sort([?contains(@, '7')])\" | [0]",
    "repositories --query \"[?starts_with(@, 'team0/')]\" -o tsv",
    "repositories --query \"length([?contains(@, 'service-1')])\"; _",
    "tags team0/service-0 --orderby time_desc --top 40 --query \"[?starts_with(@, 'rc')]\"",
    "repositories --top 3 --query \"[?contains(@, '1')]\" -o tsv",
    "manifests team0/service-0 --top 50 --query \"length([?tags==null])\"",
    "manifests --all --top 1500 --query \"[?tags==null].digest | [-2:]\"",
  ])
  func printsTheSameWithAndWithoutPushdown(_ script: String) throws {
    let pushed = try Self.run(script, pushdown: true)
    let interpreted = try Self.run(script, pushdown: false)
    #expect(pushed.stdout == interpreted.stdout, "\(script)")
    #expect(pushed.stderr == interpreted.stderr, "\(script)")
    #expect(pushed.status == interpreted.status, "\(script)")
    #expect(!pushed.stdout.isEmpty || pushed.status != 0, "\(script) printed nothing")
  }

  @Test func explainShowsTheSQLAndWhatTheInterpreterRuns() throws {
    let count = try Self.run(
      "manifests --all --explain --query \"length([?tags==null])\"", pushdown: true)
    #expect(count.status == 0, "\(count.stderr)")
    #expect(count.stdout.contains("\"backend\": \"sqlite\""), "\(count.stdout)")
    #expect(count.stdout.contains("SELECT count(*)"), "\(count.stdout)")
    #expect(count.stdout.contains("\"interpreter\": \"nothing\""), "\(count.stdout)")

    let residual = try Self.run(
      "manifests --all --explain --query \"[?contains(join(',', tags || `[]`), 'rc')]\"",
      pushdown: true)
    #expect(residual.stdout.contains("on each document"), "\(residual.stdout)")

    let whole = try Self.run("manifests --all --explain --query \"[0]\"", pushdown: true)
    #expect(whole.stdout.contains("\"interpreter\": \"the whole expression\""), "\(whole.stdout)")
  }

  @Test func explainShowsTheSplitForTagsAndRepositories() throws {
    let tags = try Self.run(
      "tags team0/service-0 --explain --query \"[?starts_with(@, 'rc')] | [0]\"", pushdown: true)
    #expect(tags.status == 0, "\(tags.stderr)")
    #expect(tags.stdout.contains("tag names of repository team0/service-0"), "\(tags.stdout)")
    #expect(tags.stdout.contains("FROM tag t"), "\(tags.stdout)")
    #expect(tags.stdout.contains("1 pipe stage"), "\(tags.stdout)")

    let records = try Self.run(
      "tags team0/service-0 --detail --explain --query \"[?signed].name\"", pushdown: true)
    #expect(records.stdout.contains("tag records"), "\(records.stdout)")
    #expect(records.stdout.contains("on each document"), "\(records.stdout)")

    let repositories = try Self.run(
      "repositories --explain --query \"length([?starts_with(@, 'team0/')])\"", pushdown: true)
    #expect(repositories.stdout.contains("repository names"), "\(repositories.stdout)")
    #expect(repositories.stdout.contains("SELECT count(*)"), "\(repositories.stdout)")

    let whole = try Self.run("repositories --top 2 --explain --query \"[0]\"", pushdown: true)
    #expect(
      whole.stdout.contains("\"interpreter\": \"the whole expression\""), "\(whole.stdout)")
    let top = try Self.run(
      "tags team0/service-0 --top 2 --explain --query \"[?@ > 'v']\"", pushdown: true)
    #expect(top.stdout.contains("the first 2 of them"), "\(top.stdout)")
    #expect(top.stdout.contains("LIMIT 2 OFFSET 0"), "\(top.stdout)")
  }
}
