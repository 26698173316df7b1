import Foundation
import JMESPath
import RegistryAPI
import TestSupport
import Testing

/// `regsh demo` and `gc`, run as the built binary on the demo's local (oci:) registry.
@Suite struct DemoTests {
  static let untaggedQuery =
    #"az acr repository show-manifests --name myregistry --repository acr-helloworld --query "[?tags==null].digest" -o tsv"#

  @Test func theDocumentedQueryFindsExactlyOneUntaggedManifest() throws {
    let home = try TemporaryDirectory()
    let result = try RegshProcess.run(
      ["demo"], stdin: Self.untaggedQuery + "\n", environment: ["REGSH_HOME": home.url.path])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 2 && lines[1].isEmpty, "one line expected: \(result.stdout)")
    #expect((try? Digest(String(lines[0]))) != nil, "not a digest: \(result.stdout)")

    // Built once, then reused; --reset builds the same images again (same digests).
    let again = try RegshProcess.run(
      ["demo"], stdin: Self.untaggedQuery + "\n", environment: ["REGSH_HOME": home.url.path])
    #expect(again.stdout == result.stdout)
    #expect(!again.stderr.contains("building"))
    let rebuilt = try RegshProcess.run(
      ["demo", "--reset"], stdin: Self.untaggedQuery + "\n",
      environment: ["REGSH_HOME": home.url.path])
    #expect(rebuilt.stderr.contains("building"))
    #expect(rebuilt.stdout == result.stdout)
    let elsewhere = try TemporaryDirectory()
    let fresh = try RegshProcess.run(
      ["demo"], stdin: Self.untaggedQuery + "\n", environment: ["REGSH_HOME": elsewhere.url.path])
    #expect(fresh.stdout == result.stdout)
  }

  @Test func aCacheThatNeverSawTheLayoutStillFindsItsUntaggedManifest() throws {
    let home = try TemporaryDirectory()
    let built = try RegshProcess.run(
      ["demo"], stdin: Self.untaggedQuery + "\n", environment: ["REGSH_HOME": home.url.path])
    #expect(built.status == 0, "\(built.stderr)")
    // Another cache, registering the same directory: it never saw the manifest tagged.
    let other = try TemporaryDirectory()
    let layouts = home.url.appendingPathComponent("demo-registry").path
    let result = try RegshProcess.run(
      [
        "-c",
        "registry add copy oci:\(layouts); use copy; manifests acr-helloworld --query \"[?tags==null].digest\" -o tsv",
      ], environment: ["REGSH_HOME": other.url.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == built.stdout)
  }

  @Test func acrHelloworldHasFourManifestsOneUntagged() throws {
    let home = try TemporaryDirectory()
    let env = ["REGSH_HOME": home.url.path]
    let built = try RegshProcess.run(["demo"], stdin: "", environment: env)
    #expect(built.status == 0, "\(built.stderr)")
    #expect(built.stdout.isEmpty, "no banner without a terminal: \(built.stdout)")
    let result = try RegshProcess.run(
      ["-c", "use myregistry; sync -o none; manifests acr-helloworld --orderby time_asc"],
      environment: env)
    #expect(result.status == 0, "\(result.stderr)")
    let manifests = try #require(try JSONReader.parse(result.stdout).arrayValue)
    #expect(manifests.count == 4)
    let tags = manifests.map { manifest -> [String]? in
      manifest["tags"].arrayValue?.compactMap { $0.stringValue }
    }
    // Oldest first: the first `latest` (now untagged), v1, v2, then latest+v3.
    #expect(tags == [nil, ["v1"], ["v2"], ["latest", "v3"]])
    #expect(manifests.filter { $0["tags"] == .null }.count == 1)

    let repositories = try RegshProcess.run(
      ["-c", "use myregistry; repositories -o tsv"], environment: env)
    #expect(
      repositories.stdout.split(separator: "\n") == [
        "acr-helloworld", "marketing/campaign10-18/api", "marketing/campaign10-18/email-sender",
        "marketing/campaign10-18/web", "product-returns/legacy-integrator",
        "product-returns/web-submission",
      ])
  }

  @Test func gcFreesNothingUntilAManifestIsDeletedThenItsOwnBlobs() async throws {
    let home = try TemporaryDirectory()
    let env = ["REGSH_HOME": home.url.path]
    let untagged = try RegshProcess.run(["demo"], stdin: Self.untaggedQuery, environment: env)
    let digest = try Digest(untagged.stdout.trimmingCharacters(in: .whitespacesAndNewlines))

    let nothing = try RegshProcess.run(
      ["-c", "gc --registry myregistry --query '{blobs: blobsRemoved, bytes: bytesFreed}' -o tsv"],
      environment: env)
    #expect(nothing.status == 0, "\(nothing.stderr)")
    #expect(nothing.stdout == "0\t0\n")

    // Delete the untagged manifest through the backend, as `delete` will.
    let client = try RegistryClient(
      server: "oci:\(home.url.appendingPathComponent("demo-registry").path)")
    let manifest = try await client.manifest(repository: "acr-helloworld", reference: "\(digest)")
    guard case .image(let image) = try manifest.decoded() else {
      Issue.record("the untagged manifest is not an image")
      return
    }
    try await client.deleteManifest(repository: "acr-helloworld", digest: digest)
    // Its manifest, config and own layer go; the base layer is shared.
    let freed = Int(manifest.data.count) + Int(image.config.size) + Int(image.layers[1].size)

    let preview = try RegshProcess.run(
      ["-c", "use myregistry; gc --dry-run"], environment: env)
    let document = try JSONReader.parse(preview.stdout)
    #expect(document["dryRun"] == .bool(true))
    #expect(document["blobsRemoved"] == .int(3))
    #expect(document["bytesFreed"] == .int(freed))
    let perRepository = try #require(document["repositories"].arrayValue)
    #expect(perRepository.first?["repository"] == JSON.string("acr-helloworld"))
    #expect(perRepository.first?["bytesFreed"] == JSON.int(freed))
    #expect(perRepository.dropFirst().allSatisfy { $0["bytesFreed"] == .int(0) })

    let done = try RegshProcess.run(
      ["-c", "use myregistry; gc --query bytesFreed"], environment: env)
    #expect(done.stdout == "\(freed)\n", "\(done.stderr)")
    let after = try RegshProcess.run(
      ["-c", "use myregistry; gc --query bytesFreed"], environment: env)
    #expect(after.stdout == "0\n")
    _ = try await client.manifest(repository: "acr-helloworld", reference: "latest")
  }

  @Test func gcOnARemoteRegistrySaysWhereGarbageIsCollected() throws {
    let home = try TemporaryDirectory()
    let result = try RegshProcess.run(
      ["-c", "registry add remote 127.0.0.1:5999; gc --registry remote"],
      environment: ["REGSH_HOME": home.url.path])
    #expect(result.status == 1)
    #expect(result.stderr.contains("registry garbage-collect"), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
  }

  @Test func registryAddKeepsALocalRegistryByItsAbsoluteDirectory() throws {
    let home = try TemporaryDirectory()
    let result = try RegshProcess.run(
      ["-c", "registry add local oci:relative/dir; registry list --query '[0].url' -o tsv"],
      environment: ["REGSH_HOME": home.url.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout == "oci:\(FileManager.default.currentDirectoryPath)/relative/dir\n")
  }

  @Test(.enabled(if: REPLTerminal.enabled, REPLTerminal.skipReason))
  func onATerminalTheDemoShowsWhatToTryAndOpensTheShell() throws {
    let home = try TemporaryDirectory()
    let terminal = try REPLTerminal(home: home.url, arguments: ["demo"])
    defer { terminal.stop() }
    try terminal.waitFor("Things to try")
    try terminal.waitFor("regsh(myregistry)> ")
    try terminal.type(#"manifests acr-helloworld --query "length([?tags==null])""#)
    try terminal.press("Enter")
    try terminal.waitFor("last output line is 1") { screen in
      REPLTerminal.lines(screen).contains("1")
    }
    try terminal.press("C-d")
    try terminal.waitForExit()
  }
}
