import Foundation
import JMESPath
import TestSupport
import Testing

/// `regsh az acr repository …` on an ACR (the fake, which serves what the REST
/// specification's examples show) prints what az prints for the same data: each form is
/// compared, field for field and in order, with `AzOracle` — az's transformations of the
/// fake's raw answers.
struct AzAcrFormTests {
  struct World {
    let fake: FakeRegistry
    let oracle: AzOracle
    let home: TemporaryDirectory
    var env: [String: String] {
      [
        "REGSH_HOME": home.url.path, "REGSH_USERNAME": FakeRegistry.username,
        "REGSH_PASSWORD": FakeRegistry.password,
      ]
    }

    init(fakeArguments: [String] = []) async throws {
      fake = try await FakeRegistry(mode: "acr", arguments: fakeArguments)
      oracle = try await AzOracle(fake)
      home = try TemporaryDirectory()
      let added = try RegshProcess.run(
        ["registry", "add", "acr", fake.server, "--flavor", "acr"], environment: env)
      guard added.status == 0 else { throw TestFailure("registry add: \(added.stderr)") }
    }

    /// `regsh az acr repository ARGS -n acr`.
    func az(_ arguments: [String]) throws -> RegshProcess.Result {
      try RegshProcess.run(
        ["az", "acr", "repository"] + arguments + ["-n", "acr"], environment: env)
    }

    func json(_ arguments: [String]) throws -> JSON {
      let result = try az(arguments)
      guard result.status == 0 else {
        throw TestFailure("\(arguments) exited \(result.status): \(result.stderr)")
      }
      return try JSONReader.parse(result.stdout)
    }

    /// The fake's DELETE requests so far, by path.
    func deletes() async throws -> [String: Int] {
      let counts = try await fake.stats()["counts"] as? [String: Int] ?? [:]
      var deletes: [String: Int] = [:]
      for (key, count) in counts where key.hasPrefix("DELETE ") {
        deletes[String(key.dropFirst("DELETE ".count))] = count
      }
      return deletes
    }
  }

  static let repository = "hello-world"

  /// Every read-only form and flag of docs/commands.md's az section.
  static let readForms: [[String]] = [
    ["list"], ["list", "--top", "2"],
    ["show-tags", "--repository", repository],
    ["show-tags", "--repository", repository, "--detail"],
    ["show-tags", "--repository", repository, "--orderby", "time_asc"],
    ["show-tags", "--repository", repository, "--orderby", "time_desc", "--top", "2", "--detail"],
    ["show-manifests", "--repository", repository],
    ["show-manifests", "--repository", repository, "--detail"],
    ["show-manifests", "--repository", repository, "--orderby", "time_desc", "--detail"],
    ["show-manifests", "--repository", repository, "--orderby", "time_asc", "--top", "3"],
    ["show", "--repository", repository],
    ["show", "--image", "\(repository):v1"],
    ["show", "-t", repository],
  ]

  /// What az prints for one read-only form.
  static func expected(_ form: [String], _ oracle: AzOracle) async throws -> JSON {
    func value(_ flag: String) -> String? {
      form.firstIndex(of: flag).map { form[$0 + 1] }
    }
    let top = value("--top").flatMap { Int($0) }
    let orderby = value("--orderby")
    let detail = form.contains("--detail")
    switch form[0] {
    case "list": return try await oracle.list(top: top)
    case "show-tags":
      return try await oracle.showTags(repository, top: top, orderby: orderby, detail: detail)
    case "show-manifests":
      let az = try await oracle.showManifests(
        repository, top: top, orderby: orderby, detail: detail)
      guard !detail else { return az }
      // The one deliberate departure: az prints `[]` for a record without tags, regsh
      // `null`, so the article's `[?tags==null]` selects the untagged manifests.
      return .array(
        (az.arrayValue ?? []).map { item in
          guard var object = item.objectValue, object["tags"] == .array([]) else { return item }
          object["tags"] = .null
          return .object(object)
        })
    default:
      if let image = value("--image") ?? value("-t") { return try await oracle.showImage(image) }
      return try await oracle.showRepository(try #require(value("--repository")))
    }
  }

  @Test func everyReadFormPrintsWhatAzPrints() async throws {
    let world = try await World()
    for form in Self.readForms {
      let expected = try await Self.expected(form, world.oracle)
      let actual = try world.json(form)
      #expect(ordered(actual) == ordered(expected), "\(form)")
    }
    // By digest: the manifest's record exactly as ACR serves it, `"tags": null` included.
    let records = try await world.oracle.showManifests(Self.repository, detail: true)
    for record in records.arrayValue ?? [] {
      let image = "\(Self.repository)@\(record["digest"].stringValue ?? "")"
      let actual = try world.json(["show", "--image", image])
      #expect(ordered(actual) == ordered(try await world.oracle.showImage(image)), "\(image)")
      #expect(ordered(actual) == ordered(record))
    }
    #expect(
      (records.arrayValue ?? []).contains { $0.objectValue?["tags"] == .null },
      "the fake serves a record with \"tags\": null")
    #expect(
      (records.arrayValue ?? []).contains { $0.objectValue?["tags"] == nil },
      "the fake serves an untagged record without tags")
  }

  @Test func theArticlesScriptSelectsTheUntaggedManifests() async throws {
    let world = try await World()
    let result = try world.az([
      "show-manifests", "--repository", Self.repository, "--query", "[?tags==null].digest", "-o",
      "tsv",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let untagged = try await world.oracle.showManifests(Self.repository, detail: true)
      .arrayValue?.filter { ($0["tags"].arrayValue ?? []).isEmpty }
      .compactMap { $0["digest"].stringValue }
    #expect(result.stdout.split(separator: "\n").map(String.init) == untagged)
    #expect(untagged?.count == 2)
  }

  @Test func updatePatchesTagManifestAndRepositoryAndPrintsTheAnswer() async throws {
    let world = try await World()
    let tag = try world.json([
      "update", "--image", "\(Self.repository):v1", "--delete-enabled", "false",
    ])
    #expect(tag["changeableAttributes"]["deleteEnabled"] == .bool(false))
    #expect(ordered(tag) == ordered(try await world.oracle.showImage("\(Self.repository):v1")))
    // The lock is the tag's own: `show --image repo:tag` shows it, as az does.
    let shown = try world.json(["show", "--image", "\(Self.repository):v1"])
    #expect(shown["changeableAttributes"]["deleteEnabled"] == .bool(false))

    let digest = try #require(tag["digest"].stringValue)
    let manifest = try world.json([
      "update", "-t", "\(Self.repository)@\(digest)", "--write-enabled", "false",
      "--list-enabled", "true", "--read-enabled", "TRUE",
    ])
    #expect(manifest["changeableAttributes"]["writeEnabled"] == .bool(false))
    #expect(
      ordered(manifest) == ordered(try await world.oracle.showImage("\(Self.repository)@\(digest)"))
    )

    let repository = try world.json([
      "update", "--repository", Self.repository, "--write-enabled", "false",
    ])
    #expect(repository["changeableAttributes"]["writeEnabled"] == .bool(false))
    #expect(ordered(repository) == ordered(try await world.oracle.showRepository(Self.repository)))

    // No flag: az reads the record (GET).
    let read = try world.json(["update", "--repository", Self.repository])
    #expect(ordered(read) == ordered(repository))

    let bad = try world.az(["update", "--repository", Self.repository, "--delete-enabled", "maybe"])
    #expect(bad.status != 0 && bad.stderr.contains("true or false"), "\(bad.stderr)")

    // Each change went through ImageActions and is in the audit log; the read is not.
    let audit = try RegshProcess.run(["audit", "-n", "acr", "-o", "json"], environment: world.env)
    #expect(audit.status == 0, "\(audit.stderr)")
    let updates = try JSONReader.parse(audit.stdout).arrayValue?
      .filter { $0["action"] == .string("update") }
      .map { [$0["repository"].stringValue, $0["digest"].stringValue, $0["detail"].stringValue] }
    #expect(
      updates == [
        [Self.repository, nil, "deleteEnabled=false"],
        [Self.repository, digest, "writeEnabled=false readEnabled=true listEnabled=true"],
        [Self.repository, nil, "writeEnabled=false"],
      ])
  }

  @Test func untagOfALockedTagNamesACRsRemedy() async throws {
    let world = try await World()
    _ = try world.json(["update", "--image", "\(Self.repository):v3", "--delete-enabled", "false"])
    let refused = try world.az(["untag", "--image", "\(Self.repository):v3"])
    #expect(refused.status == 1)
    #expect(
      refused.stderr.contains(
        "az acr repository update --image \(Self.repository):v3 --delete-enabled true"),
      "\(refused.stderr)")
    #expect(!refused.stderr.contains("storage.delete"), "\(refused.stderr)")

    // Unlocked as the advice says, the untag goes through ACR's tag DELETE and prints nothing.
    _ = try world.json(["update", "--image", "\(Self.repository):v3", "--delete-enabled", "true"])
    let untagged = try world.az(["untag", "--image", "\(Self.repository):v3"])
    #expect(untagged.status == 0 && untagged.stdout.isEmpty, "\(untagged.stderr)")
    #expect(
      try await world.oracle.showTags(Self.repository)
        == .array([.string("latest"), .string("v1")]))
    #expect(try await world.deletes() == ["/acr/v1/\(Self.repository)/_tags/v3": 2])
  }

  @Test func deleteWithYesLogsAzsWarning() async throws {
    let world = try await World()
    let untagged = try await untaggedDigest(world)
    // A bare repository is its `latest` tag, as az reads it.
    var expected: [String: Int] = [:]
    for image in ["\(Self.repository):v1", "\(Self.repository)@\(untagged)", Self.repository] {
      let warning = try await world.oracle.deleteWarning(image)
      let digest = try #require(try await world.oracle.showImage(image)["digest"].stringValue)
      expected["/v2/\(Self.repository)/manifests/\(digest)", default: 0] += 1
      let result = try world.az(["delete", "--image", image, "--yes"])
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stdout.isEmpty)
      #expect(result.stderr.split(separator: "\n").map(String.init) == [warning])
    }
    // One DELETE per image, of its own digest: no request invented to probe the registry.
    #expect(try await world.deletes() == expected)
  }

  func untaggedDigest(_ world: World) async throws -> String {
    let records = try await world.oracle.showManifests(Self.repository, detail: true)
    return try #require(
      records.arrayValue?.first { $0.objectValue?["tags"] == nil }?["digest"].stringValue)
  }

  @Test func deleteRepositoryIsOneRepositoryDeleteAndRestoreBringsItBack() async throws {
    let world = try await World()
    let repository = "marketing/campaign10-18/web"
    let manifests = try await world.oracle.showManifests(
      repository, orderby: "time_asc", detail: true)
    let tags = try await world.oracle.showTags(repository, orderby: "time_asc")
    let result = try world.az(["delete", "--repository", repository, "--yes"])
    #expect(result.status == 0, "\(result.stderr)")
    let expected: JSON = .object([
      "manifestsDeleted": .array((manifests.arrayValue ?? []).map { $0["digest"] }),
      "tagsDeleted": tags,
    ])
    #expect(ordered(try JSONReader.parse(result.stdout)) == ordered(expected))
    #expect(try await world.deletes() == ["/acr/v1/\(repository)": 1])
    #expect(
      try await world.oracle.list()
        == .array([.string(Self.repository), .string("product-returns/web-submission")]))

    // Every manifest in the audit log, settled (an entry shows `state` only while not done).
    let audit = try RegshProcess.run(
      ["audit", "--query", "[?action=='delete']"], environment: world.env)
    let logged = try JSONReader.parse(audit.stdout).arrayValue ?? []
    #expect(
      Set(logged.compactMap { $0["digest"].stringValue })
        == Set((manifests.arrayValue ?? []).compactMap { $0["digest"].stringValue }))
    #expect(logged.allSatisfy { $0["state"] == .null }, "\(audit.stdout)")

    let restored = try RegshProcess.run(
      ["-c", "use acr; restore --last \(logged.count) -o none"], environment: world.env)
    #expect(restored.status == 0, "\(restored.stderr)")
    let back = try await world.oracle.showManifests(repository, detail: true)
    #expect(
      Set((back.arrayValue ?? []).compactMap { $0["digest"].stringValue })
        == Set((manifests.arrayValue ?? []).compactMap { $0["digest"].stringValue }))
    let tagsBack = try await world.oracle.showTags(repository)
    #expect(
      Set((tagsBack.arrayValue ?? []).compactMap(\.stringValue))
        == Set((tags.arrayValue ?? []).compactMap(\.stringValue)))
  }

  /// The specification's example answers the repository DELETE with 202 and no body: az
  /// prints nothing then, and every planned manifest counts as deleted.
  @Test func deleteRepositoryAnsweredWithoutABodyPrintsNothingAndIsRecorded() async throws {
    let world = try await World(fakeArguments: ["bodiless-repository-delete"])
    let repository = "marketing/campaign10-18/web"
    let digests = Set(
      try await world.oracle.showManifests(repository, detail: true).arrayValue?
        .compactMap { $0["digest"].stringValue } ?? [])
    let result = try world.az(["delete", "--repository", repository, "--yes"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.isEmpty && result.stderr.isEmpty, "\(result.stdout)\(result.stderr)")
    #expect(try await world.deletes() == ["/acr/v1/\(repository)": 1])
    let audit = try RegshProcess.run(
      ["audit", "--query", "[?action=='delete']"], environment: world.env)
    let logged = try JSONReader.parse(audit.stdout).arrayValue ?? []
    #expect(Set(logged.compactMap { $0["digest"].stringValue }) == digests)
    #expect(logged.allSatisfy { $0["state"] == .null }, "\(audit.stdout)")
  }

  @Test func deleteRepositoryWithALockedImageDeletesWhatMayGoAndSaysWhich() async throws {
    let world = try await World()
    let repository = "product-returns/web-submission"
    let records = try await world.oracle.showManifests(repository, detail: true).arrayValue ?? []
    let locked = try #require(
      records.first { $0.objectValue?["tags"] == nil }?["digest"].stringValue)
    _ = try world.json([
      "update", "--image", "\(repository)@\(locked)", "--delete-enabled", "false",
    ])
    let result = try world.az(["delete", "--repository", repository, "--yes"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("was not deleted as a whole"), "\(result.stderr)")
    #expect(result.stderr.contains(locked) && result.stderr.contains("locked"), "\(result.stderr)")
    let deletes = try await world.deletes()
    // Neither the repository DELETE (it would take the locked image) nor a made-up digest.
    let known = Set(records.compactMap { $0["digest"].stringValue })
    #expect(
      deletes.keys.allSatisfy { path in
        path.hasPrefix("/v2/\(repository)/manifests/")
          && known.contains(String(path.dropFirst("/v2/\(repository)/manifests/".count)))
      }, "\(deletes)")
    let left = try await world.oracle.showManifests(repository, detail: true).arrayValue ?? []
    #expect(left.compactMap { $0["digest"].stringValue } == [locked])
  }

  @Test func deleteRepositoryRefusedByACRSaysWhichImagesAreLocked() async throws {
    let world = try await World()
    let repository = "product-returns/web-submission"
    // A lock the cache does not know about (set behind regsh's back, on a tag): the plan
    // passes, ACR refuses the repository DELETE and says which.
    try await world.oracle.patch("/acr/v1/\(repository)/_tags/v1", #"{"deleteEnabled": false}"#)
    let result = try world.az(["delete", "--repository", repository, "--yes"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("\(repository):v1"), "\(result.stderr)")
    #expect(
      result.stderr.contains("az acr repository update --repository \(repository)"),
      "\(result.stderr)")
    #expect(try await world.deletes() == ["/acr/v1/\(repository)": 1])
  }
}
