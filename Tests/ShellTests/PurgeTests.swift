import Foundation
import JMESPath
import RegistryAPI
import TestSupport
import Testing

/// `purge` (and `acr purge`) against a live docker-registry: acr's output lines, the dry
/// run matching the real run, index children and signatures kept, a killed run finished by
/// a rerun.
@Suite(.enabled(if: LiveRegistry.enabled, LiveRegistry.skipReason))
struct PurgeTests {
  /// A registry with `app`: a tagged multi-arch index over two untagged children, a signed
  /// image and its signature, and `count` old release tags on their own images; a regsh
  /// home that knows it as `live` and has synced it.
  struct World {
    let registry: TestRegistry
    let client: RegistryClient
    let home: TemporaryDirectory
    var env: [String: String] { ["REGSH_HOME": home.url.path] }
    var children: [Descriptor] = []
    var signature: Descriptor!
    var releases: [Descriptor] = []

    init(releases count: Int = 4) async throws {
      registry = try await TestRegistry()
      client = try registry.client()
      home = try TemporaryDirectory()
      for arch in ["amd64", "arm64"] {
        children.append(try await image("app", tag: nil, name: arch))
      }
      let index = try JSONEncoder().encode(ImageIndex(manifests: children))
      _ = try await client.putManifest(
        repository: "app", reference: "multi", data: index, mediaType: MediaType.ociIndex)
      let signed = try await image("app", tag: "signed", name: "signed")
      signature = try await image("app", tag: nil, name: "signature", subject: signed)
      for n in 0..<count {
        releases.append(try await image("app", tag: "v\(n)", name: "release \(n)"))
      }
      let added = try RegshProcess.run(
        ["-c", "registry add live \(registry.server); sync --registry live -o none"],
        environment: env)
      #expect(added.status == 0, "\(added.stderr)")
    }

    func image(_ repository: String, tag: String?, name: String, subject: Descriptor? = nil)
      async throws -> Descriptor
    {
      let config = try await client.uploadBlob(
        repository: repository,
        data: Data(#"{"architecture":"amd64","os":"linux","n":"\#(name)"}"#.utf8),
        mediaType: MediaType.ociConfig)
      let layer = try await client.uploadBlob(
        repository: repository, data: Data("layer of \(name)".utf8),
        mediaType: MediaType.ociLayerGzip)
      let manifest = ImageManifest(
        artifactType: subject == nil ? nil : "application/vnd.example.sig", config: config,
        layers: [layer], subject: subject)
      let data = try JSONEncoder().encode(manifest)
      let digest = try await client.putManifest(
        repository: repository, reference: tag ?? Digest.sha256(of: data).description, data: data,
        mediaType: MediaType.ociManifest)
      return Descriptor(mediaType: MediaType.ociManifest, digest: digest, size: Int64(data.count))
    }

    func regsh(_ arguments: [String]) throws -> RegshProcess.Result {
      try RegshProcess.run(arguments, environment: env)
    }

    func exists(_ descriptor: Descriptor) async throws -> Bool {
      try await client.headManifest(repository: "app", reference: descriptor.digest.description)
        != nil
    }

    /// What the registry holds: live tags, and which of the known manifests remain.
    func state() async throws -> [String] {
      var state = try await client.tags(repository: "app").sorted()
      for descriptor in children + [signature!] + releases where try await exists(descriptor) {
        state.append(descriptor.digest.description)
      }
      return state
    }
  }

  static let purge = ["purge", "-r", "live", "--filter", "app:^v", "--ago", "-1d", "--untagged"]

  @Test func aDryRunPrintsExactlyWhatTheRealRunThenDeletes() async throws {
    let world = try await World()
    let dry = try world.regsh(Self.purge + ["--dry-run"])
    #expect(dry.status == 0, "\(dry.stderr)")
    let lines = dry.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(
      lines.first
        == "DRY RUN: The following output shows what WOULD be deleted if the purge command was executed. Nothing is deleted."
    )
    #expect(lines.contains("Would delete tags for repository: app"))
    #expect(lines.contains("Would delete manifests for repository: app"))
    #expect(
      dry.stdout.hasSuffix(
        "\nNumber of tags to be deleted: 4\nNumber of manifests to be deleted: 4\n"))
    let wouldDelete = lines.filter { $0.hasPrefix("Would delete: ") }.map {
      String($0.dropFirst("Would delete: ".count))
    }
    #expect(try await world.state().count == 6 + 2 + 1 + 4, "a dry run changed the registry")

    // From the cache alone (nothing asked of the registry) the dry run prints the same.
    let cached = try world.regsh(Self.purge + ["--dry-run", "--cached"])
    #expect(cached.status == 0, "\(cached.stderr)")
    #expect(cached.stdout == dry.stdout)
    let real = try world.regsh(Self.purge)
    #expect(real.status == 0, "\(real.stderr)")
    let deleted = real.stdout.split(separator: "\n").filter { $0.hasPrefix("Deleted ") }.map {
      String($0.dropFirst("Deleted ".count))
    }
    #expect(deleted == wouldDelete)
    #expect(deleted.count == 8)
    #expect(deleted.allSatisfy { $0.hasPrefix("\(world.registry.server)/app") })
    #expect(real.stdout.hasPrefix("Deleting tags for repository: app\n"))
    #expect(real.stdout.hasSuffix("\nNumber of deleted tags: 4\nNumber of deleted manifests: 4\n"))
    // Index children and the signature survive; the tagged images keep their tags.
    for kept in world.children + [world.signature!] { #expect(try await world.exists(kept)) }
    for gone in world.releases { #expect(!(try await world.exists(gone))) }
    #expect(try await world.client.tags(repository: "app").sorted() == ["multi", "signed"])
  }

  @Test func acrPurgeIsTheSameCommandInTheShellAndOnTheCommandLine() async throws {
    let world = try await World(releases: 2)
    let inShell = try world.regsh(
      ["-c", "acr purge -r live --filter 'app:^v1$' --ago 0m --dry-run"])
    #expect(inShell.status == 0, "\(inShell.stderr)")
    #expect(inShell.stdout.contains("Would delete: \(world.registry.server)/app:v1\n"))
    let commandLine = try world.regsh(
      ["acr", "purge", "-r", "live", "--filter", "app:^v1$", "--ago", "0m", "-o", "json"])
    #expect(commandLine.status == 0, "\(commandLine.stderr)")
    let document = try JSONReader.parse(commandLine.stdout)
    #expect(document["numberOfDeletedTags"] == .int(1))
    #expect(try await world.client.tags(repository: "app").sorted() == ["multi", "signed", "v0"])
  }

  static let refusals: [(arguments: [String], message: String)] = [
    (
      ["purge", "-r", "live", "--ago", "1d"],
      "at least one of the flags in the group [filter untagged-only] is required"
    ),
    (["purge", "-r", "live", "-f", "app:.*"], "required flag(s) \"ago\" not set"),
    (
      ["purge", "-r", "live", "--untagged", "--untagged-only"],
      "[untagged untagged-only] were all set"
    ),
    (
      ["purge", "-r", "live", "-f", "app:.*", "--ago", "15p"],
      #"time: unknown unit "p" in duration "15p""#
    ),
    (
      ["purge", "-r", "live", "-f", "app:.*", "--ago", "15"],
      #"time: missing unit in duration "15""#
    ),
    (["purge", "-r", "live", "-f", "app:.*", "--ago", "1.5d"], "days must be a whole number"),
    (["purge", "-r", "live", "-f", "app", "--ago", "1d"], "unable to correctly parse filter flag"),
    (["purge", "-r", "live", "-f", "app:(", "--ago", "1d"], "invalid regular expression"),
    (
      ["purge", "-r", "live", "-f", "app:.*", "--ago", "0m", "--max-deletes", "3"],
      "more than --max-deletes 3"
    ),
    (
      ["purge", "-f", "app:.*", "--ago", "1d"],
      "unable to determine registry name, please use --registry flag"
    ),
  ]

  /// Bad input gets acr's message, exit 1, and nothing is deleted.
  @Test func badFlagsChangeNothing() async throws {
    let world = try await World(releases: 2)
    let before = try await world.state()
    for (arguments, message) in Self.refusals {
      let result = try world.regsh(arguments)
      #expect(result.status == 1, "\(arguments)")
      #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }
    #expect(try await world.state() == before)
  }

  /// `--detailed-exitcode`: 2 when something would be or was deleted, 0 when nothing.
  @Test func theDetailedExitCodeSaysWhetherAnythingChanged() async throws {
    let world = try await World(releases: 2)
    let planned = try world.regsh(Self.purge + ["--dry-run", "--detailed-exitcode"])
    #expect(planned.status == 2, "\(planned.stderr)")
    let done = try world.regsh(Self.purge + ["--detailed-exitcode"])
    #expect(done.status == 2, "\(done.stderr)")
    let nothing = try world.regsh(Self.purge + ["--detailed-exitcode"])
    #expect(nothing.status == 0, "\(nothing.stdout)\(nothing.stderr)")
    #expect(nothing.stdout.hasSuffix("Number of deleted tags: 0\nNumber of deleted manifests: 0\n"))
    // Without the flag a run that deletes exits 0, as acr purge does.
    let world2 = try await World(releases: 1)
    #expect(try world2.regsh(Self.purge).status == 0)
  }

  /// `--repository-page-size` pages the catalog (`n=1`: one repository per page) and every
  /// repository is still found.
  @Test func aRepositoryPageSizePagesTheCatalogAndMissesNothing() async throws {
    let world = try await World(releases: 1)
    _ = try await world.image("other", tag: "v9", name: "other release")
    let result = try world.regsh(
      ["purge", "-r", "live", "--filter", ".*:^v", "--ago", "-1d", "--dry-run"]
        + ["--repository-page-size", "1"])
    #expect(result.status == 0, "\(result.stderr)")
    let host = world.registry.server
    #expect(result.stdout.contains("Would delete: \(host)/app:v0\n"), "\(result.stdout)")
    #expect(result.stdout.contains("Would delete: \(host)/other:v9\n"), "\(result.stdout)")
    let refused = try world.regsh(
      ["purge", "-r", "live", "--filter", ".*:^v", "--ago", "1d", "--repository-page-size", "0"])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("--repository-page-size must be at least 1"))
  }

  /// A purge SIGKILLed half-way and run again ends where an uninterrupted one ends.
  @Test func aKilledPurgeRerunEndsInTheSameStateAsAnUninterruptedOne() async throws {
    let whole = try await World(releases: 60)
    let run = try whole.regsh(Self.purge + ["--concurrency", "1"])
    #expect(run.status == 0, "\(run.stderr)")
    let expected = try await whole.state()

    let killed = try await World(releases: 60)
    let process = try RegshProcess.start(
      Self.purge + ["--concurrency", "1"], environment: killed.env)
    // Tags go newest first; killed as soon as the first release lost its tag.
    await killWhenOneIsGone(
      process.processIdentifier, paths: try killed.registry.tagPaths(repository: "app"))
    process.waitUntilExit()
    let half = try await killed.state()
    #expect(half != expected, "the purge finished before the kill: nothing was tested")
    let rerun = try killed.regsh(Self.purge)
    #expect(rerun.status == 0, "\(rerun.stderr)")
    // Digests differ between the two registries only by name; compare the shapes.
    let survivors = try await killed.state()
    #expect(survivors.count == expected.count)
    #expect(
      survivors.filter { !$0.hasPrefix("sha256:") } == expected.filter { !$0.hasPrefix("sha256:") })
    for kept in killed.children + [killed.signature!] { #expect(try await killed.exists(kept)) }
    for gone in killed.releases { #expect(!(try await killed.exists(gone))) }
  }
}
