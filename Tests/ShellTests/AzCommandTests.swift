import Foundation
import JMESPath
import RegistryAPI
import TestSupport
import Testing

/// The documented `az acr repository` workflow, run as `regsh az …` against a live registry.
@Suite(.enabled(if: LiveRegistry.enabled, LiveRegistry.skipReason))
struct AzCommandTests {
  @Test func untaggedManifestsWorkflowAsDocumented() async throws {
    let registry = try await TestRegistry()
    let fixtures = try await Fixtures.push(to: try registry.client())
    let home = try TemporaryDirectory()
    let env = ["REGSH_HOME": home.url.path]
    let server = registry.server
    let untagged = [
      "az", "acr", "repository", "show-manifests", "--name", server, "--repository", "hello-world",
      "--query", "[?tags==null].digest", "-o", "tsv",
    ]

    let list = try RegshProcess.run(
      ["az", "acr", "repository", "list", "-n", server, "-o", "tsv"], environment: env)
    #expect(list.status == 0, "\(list.stderr)")
    #expect(list.stdout == Fixtures.repositories.joined(separator: "\n") + "\n")

    let before = try RegshProcess.run(untagged, environment: env)
    #expect(before.status == 0, "\(before.stderr)")
    #expect(!before.stdout.contains(fixtures.latestManifest.digest.description))

    // Re-push `latest` (and `v2`, which shared its manifest) onto another image, as the
    // article's "modify the Dockerfile, push again" does; az refreshes before it reads.
    let client = try registry.client()
    let v1 = try await client.manifest(repository: "hello-world", reference: "v1")
    for tag in ["latest", "v2"] {
      try await client.putManifest(
        repository: "hello-world", reference: tag, data: v1.data, mediaType: v1.mediaType)
    }
    let after = try RegshProcess.run(untagged, environment: env)
    #expect(
      after.stdout.split(separator: "\n").contains(
        Substring(fixtures.latestManifest.digest.description)))

    let tags = try RegshProcess.run(
      [
        "az", "acr", "repository", "show-tags", "-n", server, "--repository", "hello-world", "-o",
        "tsv",
      ], environment: env)
    #expect(
      tags.stdout.split(separator: "\n").filter { !$0.hasPrefix("sha256-") } == [
        "latest", "v1", "v2",
      ])

    let image = try RegshProcess.run(
      [
        "az", "acr", "repository", "show", "-n", server, "--image", "hello-world:v1", "--query",
        "digest", "-o", "tsv",
      ],
      environment: env)
    #expect(image.stdout == v1.digest.description + "\n", "\(image.stderr)")
    let repository = try RegshProcess.run(
      [
        "az", "acr", "repository", "show", "-n", server, "--repository", "hello-world", "--query",
        "imageName", "-o", "tsv",
      ],
      environment: env)
    #expect(repository.stdout == "hello-world\n")
  }
}

extension AzCommandTests {
  /// On a registry that is not ACR, the az forms print ACR's shapes with the fields regsh can
  /// derive (docs/registries.md), in ACR's order, and none of regsh's own facts.
  @Test func onDistributionTheAzFormsKeepACRsShapes() async throws {
    let registry = try await TestRegistry()
    _ = try await Fixtures.push(to: try registry.client())
    let home = try TemporaryDirectory()
    let env = ["REGSH_HOME": home.url.path]
    func az(_ arguments: [String]) throws -> JSON {
      let result = try RegshProcess.run(
        ["az", "acr", "repository"] + arguments + ["-n", registry.server], environment: env)
      guard result.status == 0 else { throw TestFailure("\(arguments): \(result.stderr)") }
      return try JSONReader.parse(result.stdout)
    }
    let acrManifestFields = [
      "digest", "imageSize", "createdTime", "lastUpdateTime", "architecture", "os", "mediaType",
      "configMediaType", "tags", "changeableAttributes",
    ]
    let records = try az(["show-manifests", "--repository", "hello-world", "--detail"])
    #expect((records.arrayValue ?? []).count > 0)
    for record in records.arrayValue ?? [] {
      let keys = Array(record.objectValue?.keys ?? [])
      #expect(keys == acrManifestFields.filter(keys.contains), "\(keys)")
      #expect(keys.starts(with: ["digest", "imageSize", "createdTime", "lastUpdateTime"]))
      let digest = try #require(record["digest"].stringValue)
      let shown = try az(["show", "--image", "hello-world@\(digest)"])
      #expect(ordered(shown) == ordered(record))
    }
    let repository = try az(["show", "--repository", "hello-world"])
    #expect(
      Array(repository.objectValue?.keys ?? []) == [
        "registry", "imageName", "createdTime", "lastUpdateTime", "manifestCount", "tagCount",
      ])
    #expect(repository["registry"] == .string(registry.server))
    // The repository's creation is its oldest manifest's, not when regsh first synced it.
    let oldest = (records.arrayValue ?? []).compactMap { $0["createdTime"].stringValue }.min()
    #expect(repository["createdTime"].stringValue == oldest)
    let tag = try az(["show", "--image", "hello-world:v1"])
    #expect(tag["name"] == .string("v1"), "the tag's record, as az shows it")
    #expect(ordered(tag) == ordered(try az(["show", "--image", "hello-world:v1"])))
    let latest = try az(["show", "--image", "hello-world"])
    #expect(latest["name"] == .string("latest"), "a bare repository means its latest tag")
  }
}

/// Scripts: errors stop them, with the kind and a caret; unknown commands get a suggestion.
struct ScriptTests {
  @Test func aFailedCommandStopsTheScriptWithExitOne() throws {
    let home = try TemporaryDirectory()
    let r = try RegshProcess.run(
      ["-c", "registry list -o tsv; nosuch thing; registry add never localhost:1"],
      environment: ["REGSH_HOME": home.url.path])
    #expect(r.status == 1)
    #expect(r.stderr.contains("unknown command 'nosuch'"))
    let listed = try RegshProcess.run(
      ["-c", "registry list --query length(@)"], environment: ["REGSH_HOME": home.url.path])
    #expect(listed.stdout == "0\n", "the command after the failure must not have run")
  }

  @Test func unknownCommandSuggestsTheNearest() throws {
    let home = try TemporaryDirectory()
    let r = try RegshProcess.run(
      ["-c", "manifets --all"], environment: ["REGSH_HOME": home.url.path])
    #expect(r.status == 1)
    #expect(r.stderr.contains("did you mean 'manifests'?"), "\(r.stderr)")
  }

  @Test func expressionErrorInAPipelineShowsKindAndCaret() throws {
    let home = try TemporaryDirectory()
    let r = try RegshProcess.run(
      ["-c", "registry list | [?name==]"], environment: ["REGSH_HOME": home.url.path])
    #expect(r.status == 1)
    let lines = r.stderr.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("error: syntax: ") == true, "\(r.stderr)")
    // The whole line is shown, with the caret under the failing column of the expression in it.
    #expect(lines.count >= 3 && lines[1] == "registry list | [?name==]", "\(r.stderr)")
    #expect(lines.count >= 3 && lines[2] == String(repeating: " ", count: 24) + "^", "\(r.stderr)")
  }

  @Test func scriptsFromStandardInputRunLineByLine() throws {
    let home = try TemporaryDirectory()
    let r = try RegshProcess.run(
      [], stdin: "registry add local 127.0.0.1:5999\nregistry list --query '[].name' -o tsv\n",
      environment: ["REGSH_HOME": home.url.path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "local\n")
  }
}

extension ScriptTests {
  @Test func underscoreNamesTheLastResult() throws {
    let home = try TemporaryDirectory()
    let r = try RegshProcess.run(
      [
        "-c",
        "registry add a 127.0.0.1:5998; registry add b 127.0.0.1:5999; registry list -o tsv | [].name; _ | length(@); _",
      ], environment: ["REGSH_HOME": home.url.path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "a\nb\n2\n2\n")
  }

  @Test func aScriptLineWithAnOpenBracketContinuesOnTheNext() throws {
    let home = try TemporaryDirectory()
    let r = try RegshProcess.run(
      [], stdin: "registry add local 127.0.0.1:5999\nregistry list | [?name ==\n 'local'].url\n",
      environment: ["REGSH_HOME": home.url.path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "[\n  \"127.0.0.1:5999\"\n]\n")
  }
}

/// `export FILE` writes the result of the stage before it, in the format of the extension.
struct ExportTests {
  @Test func exportsAPipelineResultByExtension() throws {
    let home = try TemporaryDirectory()
    let env = ["REGSH_HOME": home.url.path]
    let csv = home.url.appendingPathComponent("untagged.csv")
    let json = home.url.appendingPathComponent("all.json")
    let r = try RegshProcess.run(
      [
        "-c",
        "bench populate --manifests 50 --repositories 2; use bench; "
          + "manifests --all | [?tags==null].{digest: digest, repository: repository} | export \(csv.path); "
          + "manifests --all | export \(json.path)",
      ],
      environment: env)
    #expect(r.status == 0, "\(r.stderr)")
    // RFC 4180: rows end in CRLF.
    let lines = try String(contentsOf: csv, encoding: .utf8).components(separatedBy: "\r\n")
    #expect(lines.first == "digest,repository")
    let all = try JSONReader.parse(String(contentsOf: json, encoding: .utf8))
    #expect(all.arrayValue?.count == 50)
    let untagged = try Expression("length([?tags==null])").evaluate(all).numberValue ?? -1
    // Header, one row per untagged manifest, and the final newline.
    #expect(Double(lines.count - 2) == untagged, "\(lines.count) lines for \(untagged) untagged")
    #expect(r.stderr.contains("exported 50 items"))
  }

  @Test func aloneItExportsTheLastResult() throws {
    let home = try TemporaryDirectory()
    let file = home.url.appendingPathComponent("registries.json")
    let r = try RegshProcess.run(
      ["-c", "registry add a 127.0.0.1:5998; registry list -o none; export \(file.path)"],
      environment: ["REGSH_HOME": home.url.path])
    #expect(r.status == 0, "\(r.stderr)")
    let written = try JSONReader.parse(String(contentsOf: file, encoding: .utf8))
    #expect(written[0]["name"] == .string("a"), "\(written)")
  }

  @Test func anUnknownExtensionIsAnErrorAndWritesNothing() throws {
    let home = try TemporaryDirectory()
    let target = home.url.appendingPathComponent("result.xlsx")
    let r = try RegshProcess.run(
      ["-c", "registry list | export \(target.path)"], environment: ["REGSH_HOME": home.url.path])
    #expect(r.status == 1)
    #expect(r.stderr.contains("--format"))
    #expect(!FileManager.default.fileExists(atPath: target.path))
  }
}

/// `protect` and `audit` from the command line.
struct ProtectCommandTests {
  @Test func protectAddListRemove() throws {
    let home = try TemporaryDirectory()
    let env = ["REGSH_HOME": home.url.path]
    let add = try RegshProcess.run(
      [
        "-c",
        "registry add local 127.0.0.1:5999; use local; protect add 'v*' --repository acr-helloworld --reason pinned --query id",
      ],
      environment: env)
    #expect(add.status == 0, "\(add.stderr)")
    #expect(add.stdout == "1\n")
    let list = try RegshProcess.run(
      [
        "protect", "list", "-n", "local", "--query", "[].[kind, pattern, repository, reason]", "-o",
        "tsv",
      ], environment: env)
    #expect(list.stdout == "tag\tv*\tacr-helloworld\tpinned\n")
    #expect(
      try RegshProcess.run(["protect", "remove", "7", "-n", "local"], environment: env).status == 1)
    #expect(
      try RegshProcess.run(["protect", "remove", "1", "-n", "local"], environment: env).status == 0)
    #expect(
      try RegshProcess.run(
        ["protect", "list", "-n", "local", "--query", "length(@)"], environment: env
      ).stdout == "0\n")
    #expect(
      try RegshProcess.run(["audit", "--query", "length(@)"], environment: env).stdout == "0\n")
  }
}
