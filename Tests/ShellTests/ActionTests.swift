import Foundation
import JMESPath
import RegistryAPI
import TestSupport
import Testing

/// delete, untag and restore against a live docker-registry: what they remove, what their
/// guards keep, and that the audit log can put it back.
@Suite(.enabled(if: LiveRegistry.enabled, LiveRegistry.skipReason))
struct ActionTests {
  @Test func deletingUntaggedManifestsInOnePipelineKeepsTaggedImagesSharedLayersAndGuardedOnes()
    async throws
  {
    let world = try await ActionWorld()
    let f = world.fixtures
    let result = try world.json(
      "manifests --all | [?tags==null] | delete --yes")
    // The re-pushed `latest` left one untagged image in hello-world: deleted.
    let deleted = result["deleted"].arrayValue?.compactMap { $0["digest"].stringValue } ?? []
    #expect(deleted == [f.latestManifest.digest.description])
    #expect(try await !world.exists("hello-world", f.latestManifest.digest.description))
    // Tagged images and the layer they share with the deleted one stay.
    for tag in ["latest", "v1", "v2"] { #expect(try await world.exists("hello-world", tag)) }
    #expect(
      try await world.client.headBlob(repository: "hello-world", digest: f.baseLayer.digest) != nil)
    // The signature of v1 and the children of the tagged index are untagged, and kept.
    #expect(try await world.exists("hello-world", f.signature.digest.description))
    for child in f.indexChildren {
      #expect(try await world.exists("marketing/campaign10-18/web", child.digest.description))
    }
    let reasons = result["skipped"].arrayValue?.compactMap { $0["reason"].stringValue } ?? []
    #expect(reasons.filter { $0.contains("a child of the tagged index") }.count == 2)
    #expect(reasons.filter { $0.contains("a referrer") }.count == 1)
    // Freed: the untagged image's own config, top layer and manifest; not the shared base.
    #expect(result["bytesFreed"].intValue ?? 0 > 0)
    // The audit log has it, with the bytes restore needs.
    let audit = try world.json("audit --query \"[?action=='delete'].digest\"")
    #expect(audit == .array([.string(f.latestManifest.digest.description)]))
    // The cache knows at once: no untagged manifest left in hello-world but the signature.
    let untagged = try world.json("manifests hello-world --query \"[?tags==null].digest\"")
    #expect(untagged == .array([.string(f.signature.digest.description)]))
  }

  @Test func aDigestTaggedBehindRegshsBackAfterTheSyncIsSkippedNotDeleted() async throws {
    let world = try await ActionWorld()
    let digest = world.fixtures.latestManifest.digest.description
    let old = try await world.client.manifest(repository: "hello-world", reference: digest)
    try await world.client.putManifest(
      repository: "hello-world", reference: "rescued", data: old.data, mediaType: old.mediaType)
    let result = try world.regsh("manifests hello-world | [?tags==null].digest | delete --yes")
    #expect(result.status != 0, "every target was skipped: the command must fail")
    #expect(result.stderr.contains("tagged since the last sync (rescued)"), "\(result.stderr)")
    #expect(try await world.exists("hello-world", digest))
    #expect(try await world.exists("hello-world", "rescued"))
    #expect(try world.json("audit") == .array([]))
  }

  @Test func aManifestDeletedBehindRegshsBackCountsAsAlreadyGone() async throws {
    let world = try await ActionWorld()
    let digest = world.fixtures.latestManifest.digest
    try await world.client.deleteManifest(repository: "hello-world", digest: digest)
    let result = try world.json("delete hello-world@\(digest) --yes")
    #expect(result["deleted"] == .array([]))
    #expect(result["alreadyGone"][0]["digest"] == .string(digest.description), "\(result)")
    // Recorded all the same: a 404 may answer a retried DELETE whose first attempt went
    // through, and restore must still be able to undo it.
    let audit = try world.json("audit")
    #expect(audit[0]["digest"] == .string(digest.description))
    #expect(audit[0]["detail"].stringValue?.contains("404") == true)
    let untagged = try world.json("manifests hello-world --query \"[?tags==null].digest\"")
    #expect(untagged.arrayValue?.contains(.string(digest.description)) == false)
  }

  @Test func aReferrerStaysWhenItsSubjectIsChosenButKeptByAGuard() async throws {
    let world = try await ActionWorld()
    let f = world.fixtures
    #expect(try world.regsh("protect add v1 --repository hello-world").status == 0)
    let result = try world.regsh(
      "manifests hello-world | [?tags==null || contains(tags, 'v1')].digest | delete --yes")
    #expect(try await world.exists("hello-world", f.v1Manifest.digest.description))
    #expect(
      try await world.exists("hello-world", f.signature.digest.description),
      "the signature of a manifest that stays must stay: \(result.stderr)")
    #expect(result.stderr.contains("which stays"), "\(result.stderr)")
  }

  @Test func theChildOfAnIndexTaggedSinceTheSyncStaysWithIt() async throws {
    let world = try await ActionWorld()
    let client = world.client
    // An index of one untagged image, tagged `tmp`; the cache sees it, then `tmp` moves on
    // and the index is untagged.
    let child = try await world.pushImage("hello-world", tags: [], name: "a child")
    let index = try await client.putManifest(
      repository: "hello-world", reference: "tmp", index: ImageIndex(manifests: [child]))
    #expect(try world.regsh("sync hello-world -o none").status == 0)
    let v1 = try await client.manifest(repository: "hello-world", reference: "v1")
    try await client.putManifest(
      repository: "hello-world", reference: "tmp", data: v1.data, mediaType: v1.mediaType)
    #expect(try world.regsh("sync hello-world -o none").status == 0)
    // Behind regsh's back, the index is tagged again.
    let stored = try await client.manifest(
      repository: "hello-world", reference: index.digest.description)
    try await client.putManifest(
      repository: "hello-world", reference: "rescued", data: stored.data,
      mediaType: stored.mediaType)

    let result = try world.regsh("manifests hello-world | [?tags==null].digest | delete --yes")
    #expect(try await world.exists("hello-world", index.digest.description))
    #expect(
      try await world.exists("hello-world", child.digest.description),
      "the child of a tagged index must stay: \(result.stderr)")
    #expect(result.stderr.contains("tagged since the last sync (rescued)"), "\(result.stderr)")
  }

  @Test func restoringSeveralChangesUndoesThemNewestFirst() async throws {
    let world = try await ActionWorld()
    let v1 = world.fixtures.v1Manifest.digest.description
    let newest = world.newLatest.digest.description
    // latest+v2 go; v2 is pushed onto v1's image behind regsh's back; v1's image goes.
    #expect(try world.regsh("delete hello-world:latest --yes -o none").status == 0)
    let image = try await world.client.manifest(repository: "hello-world", reference: v1)
    try await world.client.putManifest(
      repository: "hello-world", reference: "v2", data: image.data, mediaType: image.mediaType)
    #expect(
      try world.regsh("sync hello-world -o none; delete hello-world:v2 --yes -o none").status == 0)
    let restored = try world.json("restore --last 2")
    #expect(restored["failed"] == .array([]), "\(restored)")
    // Undone in reverse, the registry is as before the first delete.
    for (tag, digest) in [("latest", newest), ("v2", newest), ("v1", v1)] {
      #expect(
        try await world.client.headManifest(repository: "hello-world", reference: tag)?.digest
          .description == digest, "\(tag)")
    }
  }

  @Test func restoreRefusesAnotherRegistrysAuditEntries() async throws {
    let world = try await ActionWorld()
    #expect(try world.regsh("delete hello-world:latest --yes -o none").status == 0)
    let result = try RegshProcess.run(
      ["-c", "registry add other 127.0.0.1:1; use other; audit | [?action=='delete'] | restore"],
      environment: world.env)
    #expect(result.status != 0)
    #expect(result.stderr.contains("belong to another registry"), "\(result.stderr)")
    #expect(try await !world.exists("hello-world", world.newLatest.digest.description))
  }

  @Test func dryRunShowsThePlanWithBytesAndChangesNothing() async throws {
    let world = try await ActionWorld()
    let result = try world.regsh("delete hello-world:latest --dry-run")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("DRY RUN: nothing was deleted"))
    let plan = try JSONReader.parse(result.stdout)
    #expect(plan["dryRun"] == .bool(true))
    let item = plan["wouldDelete"][0]
    #expect(item["digest"].stringValue == world.newLatest.digest.description)
    #expect(item["tags"] == .array([.string("latest"), .string("v2")]))
    // latest's config and top layer are its own; its base layer is shared with v1.
    let manifest = try await world.client.manifest(repository: "hello-world", reference: "latest")
    guard case .image(let image) = try manifest.decoded() else {
      Issue.record("latest is not an image")
      return
    }
    let own = image.config.size + image.layers[1].size + Int64(manifest.data.count)
    #expect(plan["wouldFree"].intValue == Int(own))
    #expect(item["sharedBlobsKept"] == .int(1))
    #expect(try await world.exists("hello-world", "latest"))
    #expect(try world.json("audit") == .array([]))
  }

  @Test func deletingByTagTakesTheImageAndAllItsTagsAndRestoreBringsThemBack() async throws {
    let world = try await ActionWorld()
    let digest = world.newLatest.digest.description
    let deleted = try world.json("delete hello-world:latest --yes")
    #expect(deleted["deleted"][0]["tags"] == .array([.string("latest"), .string("v2")]))
    #expect(try await !world.exists("hello-world", digest))
    #expect(try await !world.exists("hello-world", "v2"))

    let restored = try world.json("restore \(digest)")
    #expect(restored["restored"].arrayValue?.count == 1, "\(restored)")
    let manifest = try await world.client.manifest(repository: "hello-world", reference: digest)
    #expect(manifest.digest.description == digest)
    for tag in ["latest", "v2"] {
      #expect(
        try await world.client.headManifest(repository: "hello-world", reference: tag)?.digest
          .description == digest)
    }
    let actions = try world.json("audit --query \"[].action\"")
    #expect(actions == .array([.string("delete"), .string("restore")]))
    // The cache saw the restore: the tags are listed again.
    let tags = try world.json("manifests hello-world --query \"[?digest=='\(digest)'].tags[]\"")
    #expect(tags == .array([.string("latest"), .string("v2")]))
  }

  @Test func untagRemovesOnlyTheTagAndRestoreLastPutsItBack() async throws {
    let world = try await ActionWorld()
    let digest = world.newLatest.digest.description
    let result = try world.json("untag hello-world:v2")
    #expect(result["untagged"][0]["tag"] == .string("v2"), "\(result)")
    #expect(try await !world.exists("hello-world", "v2"))
    #expect(try await world.exists("hello-world", "latest"))
    #expect(try await world.exists("hello-world", digest))
    let tags = try world.json("tags hello-world --query \"[?!starts_with(@, 'sha256-')]\"")
    #expect(tags == .array([.string("latest"), .string("v1")]))

    _ = try world.json("restore --last 1")
    #expect(
      try await world.client.headManifest(repository: "hello-world", reference: "v2")?.digest
        .description == digest)
  }

  @Test func protectionHoldsAgainstDeleteAndUntag() async throws {
    let world = try await ActionWorld()
    #expect(try world.regsh("protect add 'v*' --repository hello-world").status == 0)
    let delete = try world.regsh("delete hello-world:v1 --yes")
    #expect(delete.status != 0)
    #expect(delete.stderr.contains("protected by rule 1 (tag v*"), "\(delete.stderr)")
    let untag = try world.regsh("untag hello-world:v2")
    #expect(untag.status != 0, "every target was skipped: the command must fail")
    #expect(try JSONReader.parse(untag.stdout)["untagged"] == .array([]))
    #expect(try await world.exists("hello-world", "v1"))
    #expect(try await world.exists("hello-world", "v2"))
  }

  @Test func deletesDisabledOnTheRegistryIsAClearErrorAndNothingIsRecorded() async throws {
    let world = try await ActionWorld(deletes: false)
    let count = try world.json("manifests hello-world --query 'length(@)'")
    let result = try world.regsh("delete hello-world:latest --yes")
    #expect(result.status != 0)
    #expect(result.stderr.contains("deletes are disabled on this registry"), "\(result.stderr)")
    #expect(try world.json("audit") == .array([]))
    #expect(try world.json("manifests hello-world --query 'length(@)'") == count)
  }

  @Test func inputThatNamesNoManifestIsRefusedWholeNamingTheElement() async throws {
    let world = try await ActionWorld()
    let result = try world.regsh(
      "manifests hello-world | [].[digest, `42`][] | delete --yes")
    #expect(result.status != 0)
    #expect(result.stderr.contains("element 1 of the input (42)"), "\(result.stderr)")
    #expect(result.stderr.contains("nothing was done"))
    #expect(try world.json("audit") == .array([]))
  }

  @Test func azDeleteRefusesWithoutATerminalAndDeletesWithYes() async throws {
    let world = try await ActionWorld()
    let image = [
      "az", "acr", "repository", "delete", "-n", "live", "--image", "hello-world:latest",
    ]
    let refused = try RegshProcess.run(image, environment: world.env)
    #expect(refused.status != 0)
    #expect(
      refused.stderr
        == "ERROR: Unable to prompt for confirmation as no tty available. Use --yes.\n")
    #expect(try await world.exists("hello-world", "latest"))

    let done = try RegshProcess.run(image + ["--yes"], environment: world.env)
    #expect(done.status == 0, "\(done.stderr)")
    #expect(done.stdout.isEmpty)
    #expect(try await !world.exists("hello-world", "latest"))

    let untag = try RegshProcess.run(
      ["az", "acr", "repository", "untag", "-n", "live", "--image", "hello-world:v1"],
      environment: world.env)
    #expect(untag.status == 0, "\(untag.stderr)")
    #expect(try await !world.exists("hello-world", "v1"))
    #expect(try await world.exists("hello-world", world.fixtures.v1Manifest.digest.description))

    let repository = try RegshProcess.run(
      [
        "az", "acr", "repository", "delete", "-n", "live", "--repository",
        "product-returns/web-submission", "-y",
      ],
      environment: world.env)
    #expect(repository.status == 0, "\(repository.stderr)")
    #expect(try await !world.exists("product-returns/web-submission", "20180604"))
  }
}

/// az's confirmation prompts, answered in a real terminal (tmux), inside the REPL without
/// the `az` word.
@Suite(
  .enabled(if: LiveRegistry.enabled, LiveRegistry.skipReason),
  .enabled(if: REPLTerminal.enabled, REPLTerminal.skipReason))
struct AzPromptTests {
  @Test func answeringNoCancelsAndYesDeletesTheImageWithAllItsTags() async throws {
    let world = try await ActionWorld()
    let digest = world.newLatest.digest.description
    let terminal = try REPLTerminal(home: world.home.url)
    defer { terminal.stop() }
    try terminal.waitFor("regsh> ")
    try terminal.type("acr repository delete -n live --image hello-world:latest")
    try terminal.press("Enter")
    try terminal.waitFor(
      "This operation will delete the manifest '\(digest)' and all the following images: 'hello-world:latest', 'hello-world:v2'."
    )
    try terminal.waitFor("Are you sure you want to continue? (y/n): ")
    try terminal.type("n")
    try terminal.press("Enter")
    try terminal.waitFor("Operation cancelled.")
    #expect(try !terminal.screen().contains("is not a command"))
    #expect(try await world.exists("hello-world", digest))

    try terminal.type("az acr repository delete -n live --image hello-world:latest")
    try terminal.press("Enter")
    try terminal.waitFor("answer again") { screen in
      screen.components(separatedBy: "Are you sure you want to continue? (y/n): ").count == 3
    }
    try terminal.type("y")
    try terminal.press("Enter")
    try terminal.waitFor("the prompt back") { screen in
      REPLTerminal.lines(screen).last { !$0.isEmpty } == "regsh(live)>"
        || REPLTerminal.lines(screen).last { !$0.isEmpty } == "regsh>"
    }
    #expect(try await !world.exists("hello-world", digest))
    #expect(try await !world.exists("hello-world", "v2"))

    try terminal.type("acr repository delete -n live --repository marketing/campaign10-18/api")
    try terminal.press("Enter")
    try terminal.waitFor(
      "Are you sure you want to delete the repository 'marketing/campaign10-18/api' and all images under it? (y/n): "
    )
    try terminal.type("no")
    try terminal.press("Enter")
    try terminal.waitFor("cancelled twice") { screen in
      screen.components(separatedBy: "Operation cancelled.").count == 3
    }
    #expect(try await world.exists("marketing/campaign10-18/api", "v3"))

    // The native delete shows its plan, with the bytes, and asks the same way.
    let untagged = world.fixtures.latestManifest.digest.description
    try terminal.type("use live")
    try terminal.press("Enter")
    try terminal.waitFor("regsh(live)> ")
    try terminal.type("manifests hello-world | [?tags==null].digest | delete")
    try terminal.press("Enter")
    try terminal.waitFor("Plan for live: delete 1 manifest (0 tags), freeing")
    try terminal.waitFor("hello-world@\(untagged)  untagged  frees")
    try terminal.waitFor("a referrer (signature, SBOM, …) of")
    try terminal.waitFor("Delete 1 manifest? (y/n): ")
    try terminal.type("y")
    try terminal.press("Enter")
    try terminal.waitFor("deleted 1, skipped 1, failed 0; freed")
    #expect(try await !world.exists("hello-world", untagged))
    #expect(try await world.exists("hello-world", world.fixtures.signature.digest.description))
  }
}

/// az's exit statuses on the command line.
struct AzExitStatusTests {
  @Test func aCommandLineAzCannotParseExitsTwoAsAzDoes() throws {
    let home = try TemporaryDirectory()
    let result = try RegshProcess.run(
      ["az", "acr", "repository", "show-tags", "-n", "x", "--repository", "r", "--no-such-flag"],
      environment: ["REGSH_HOME": home.url.path])
    #expect(result.status == 2)
    #expect(result.stderr.contains("--no-such-flag"), "\(result.stderr)")
    let native = try RegshProcess.run(
      ["tags", "--no-such-flag"], environment: ["REGSH_HOME": home.url.path])
    #expect(native.status != 0 && native.status != 2, "only the az forms follow az's codes")
  }
}

/// ACR's locks, against fake_registry.py's ACR (no real ACR is reachable from here): a
/// manifest with `deleteEnabled` or `writeEnabled` false is skipped and reported.
struct AcrLockTests {
  @Test func lockedManifestsAreSkippedAndUnlockedOnesDeleted() async throws {
    let fake = try await FakeRegistry(mode: "acr")
    let client = try RegistryClient(
      server: fake.server, options: RegistryOptions(timeout: 5, flavor: .acr),
      credentials: StaticCredentials(
        Credential(username: FakeRegistry.username, secret: FakeRegistry.password)))
    let home = try TemporaryDirectory()
    let env = [
      "REGSH_HOME": home.url.path, "REGSH_USERNAME": FakeRegistry.username,
      "REGSH_PASSWORD": FakeRegistry.password,
    ]
    func regsh(_ script: String) throws -> RegshProcess.Result {
      try RegshProcess.run(
        ["-c", "registry add acr \(fake.server) --flavor acr; use acr; " + script],
        environment: env)
    }
    let manifests = try await client.acrManifests(
      repository: "hello-world", orderBy: .timeAscending)
    let standalone = manifests[0].digest  // untagged, in no index
    let child = manifests[2].digest  // untagged, the child of the tagged index `latest`
    try await client.acrUpdateManifestAttributes(
      repository: "hello-world", digest: standalone, ACRChangeableAttributes(deleteEnabled: false))

    let refused = try regsh("manifests hello-world | [?tags==null].digest | delete --yes")
    #expect(refused.status != 0)
    let skipped = try JSONReader.parse(refused.stdout)["skipped"]
    #expect(skipped.arrayValue?.count == 2, "\(refused.stdout) \(refused.stderr)")
    let reasons = Dictionary(
      uniqueKeysWithValues: (skipped.arrayValue ?? []).compactMap { item in
        item["reference"].stringValue.map { ($0, item["reason"].stringValue ?? "") }
      })
    #expect(
      reasons[standalone.description]?.contains("locked on the registry (deleteEnabled=false)")
        == true)
    #expect(reasons[child.description]?.contains("a child of the tagged index") == true)

    try await client.acrUpdateManifestAttributes(
      repository: "hello-world", digest: standalone, ACRChangeableAttributes(deleteEnabled: true))
    let deleted = try regsh(
      "sync hello-world -o none; manifests hello-world | [?tags==null].digest | delete --yes")
    #expect(deleted.status == 0, "\(deleted.stderr)")
    #expect(
      try JSONReader.parse(deleted.stdout)["deleted"][0]["digest"]
        == .string(standalone.description))
    let left = try await client.acrManifests(repository: "hello-world").map(\.digest)
    #expect(!left.contains(standalone) && left.contains(child))
  }
}
