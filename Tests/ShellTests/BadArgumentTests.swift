import Foundation
import TestSupport
import Testing

/// The demo registry (local, oci:) in a home of its own, with one image already deleted:
/// the audit log has an entry for `restore` to undo, and the registry holds blobs that
/// `gc` would remove. Any of the commands below, run with good arguments, changes it.
final class BadArgumentWorld: @unchecked Sendable {
  let home: TemporaryDirectory
  /// Where `export` and `restore --from` are pointed; nothing may appear in it.
  let scratch: TemporaryDirectory
  /// The digest of a tagged image of acr-helloworld.
  let digest: String

  var registry: URL { home.url.appendingPathComponent("demo-registry") }
  var environment: [String: String] { Self.environment(home: home.url) }

  init() throws {
    let home = try TemporaryDirectory()
    let environment = Self.environment(home: home.url)
    let built = try RegshProcess.run(["demo"], stdin: "", environment: environment)
    guard built.status == 0 else { throw TestFailure("regsh demo: \(built.stderr)") }
    let untagged = try Self.text(
      "manifests acr-helloworld --query \"[?tags==null].digest | [0]\"", environment)
    let deleted = try RegshProcess.run(
      ["delete", "acr-helloworld@\(untagged)", "--yes", "-o", "none"], environment: environment)
    guard deleted.status == 0 else { throw TestFailure("delete: \(deleted.stderr)") }
    digest = try Self.text(
      "manifests acr-helloworld --query \"[?tags!=null].digest | [0]\"", environment)
    self.home = home
    scratch = try TemporaryDirectory()
  }

  static func environment(home: URL) -> [String: String] {
    ["REGSH_HOME": home.path, "REGSH_REGISTRY": "myregistry", "NO_COLOR": "1"]
  }

  /// One line of output, from `-c LINE`.
  static func text(_ line: String, _ environment: [String: String]) throws -> String {
    let result = try RegshProcess.run(["-c", line + " -o tsv"], environment: environment)
    guard result.status == 0, !result.stdout.isEmpty else {
      throw TestFailure("\(line): \(result.stderr)")
    }
    return result.stdout.trimmingCharacters(in: .newlines)
  }

  func state() throws -> UnchangedState {
    try UnchangedState.read(home: home.url, registry: registry, scratch: scratch.url)
  }

  /// A case's words with `{digest}` and `{scratch}` filled in.
  func fill(_ word: String) -> String {
    word.replacingOccurrences(of: "{digest}", with: digest)
      .replacingOccurrences(of: "{scratch}", with: scratch.url.path)
  }

  /// Built once for every case: building the demo registry is the slow part.
  static let shared = Result { try BadArgumentWorld() }
}

/// A command that changes a registry, with one bad argument.
struct BadArgument: CustomTestStringConvertible, Sendable {
  enum Stage: Sendable {
    /// Refused by ArgumentParser: a usage error (exit 64 on regsh's command line, 2 for
    /// `regsh az`, 1 inside the shell).
    case parsing
    /// Refused by the command before it acts (exit 1).
    case running
  }

  var words: [String]
  /// A piece of the error message, which must name what is wrong.
  var message: String
  var stage = Stage.parsing
  /// A pipeline the command is the last stage of; run inside the shell only.
  var after: String?
  /// Why the command does not refuse the argument yet: its expectations are recorded as a
  /// known issue (and fail once it is refused, so that the note goes).
  var knownIssue: String?

  var testDescription: String {
    (after.map { $0 + " | " } ?? "") + words.joined(separator: " ")
  }
}

/// Issue 11, item 3: nothing changes before every argument is checked. Each command that
/// changes a registry is run with each kind of bad argument, as the built binary, both from
/// the command line and inside the shell; the registry's files, the cache, the audit log
/// and the files an export would write must be exactly as before.
@Suite(.serialized) struct BadArgumentTests {
  static let image = "acr-helloworld:v1"
  static let badQuery = "[?tags=="
  static let unknownOption = "Unknown option '--bogus'"
  static let badName = "a registry name holds only"

  static let cases: [BadArgument] = [
    // delete: the defect of the issue, `-o bogus` found only after the delete.
    .init(
      words: ["delete", image, "--yes", "-o", "bogus"], message: "unknown output format 'bogus'"),
    .init(words: ["delete", image, "--yes", "--query", badQuery], message: "--query: syntax"),
    .init(words: ["delete", image, "--yes", "-n", "my registry"], message: badName),
    .init(words: ["delete", image, "--yes", "-n", "localhost:0"], message: "is not a port"),
    .init(
      words: ["delete", image, "--yes", "-n", "nosuchregistry"], message: "nosuchregistry",
      stage: .running),
    .init(
      words: ["delete", image, "--yes", "--concurrency", "many"], message: "'many' is invalid"),
    .init(words: ["delete", image, "--yes", "--bogus"], message: unknownOption),
    .init(words: ["delete", image, "--yes", "--concurrency", "0"], message: "at least 1"),
    .init(words: ["delete", image, "--yes", "--backup"], message: "Missing value for '--backup"),
    .init(
      words: ["delete", "acr-helloworld:no/such tag", "--yes"], message: "not a", stage: .running),
    .init(
      words: ["delete", "--yes", "-o", "bogus"], message: "unknown output format 'bogus'",
      after: "manifests acr-helloworld | [?tags!=null].digest"),
    // A later stage's bad arguments stop the pipeline before its delete runs.
    .init(
      words: ["export", "{scratch}/out.json", "--format", "bogus"], message: "--format must be",
      after: "manifests acr-helloworld | [?tags!=null].digest | delete --yes"),
    // untag
    .init(words: ["untag", image, "-o", "bogus"], message: "unknown output format 'bogus'"),
    .init(words: ["untag", image, "--query", badQuery], message: "--query: syntax"),
    .init(words: ["untag", image, "-n", "my registry"], message: badName),
    .init(words: ["untag", image, "--bogus"], message: unknownOption),
    .init(
      words: ["untag", "--query", "length(", "-o", "tsv"], message: "--query: syntax",
      after: "tags acr-helloworld"),
    // restore (the audit log holds one delete)
    .init(
      words: ["restore", "--last", "1", "-o", "bogus"], message: "unknown output format 'bogus'"),
    .init(words: ["restore", "--last", "1", "--query", badQuery], message: "--query: syntax"),
    .init(words: ["restore", "--last", "1", "-n", "my registry"], message: badName),
    .init(words: ["restore", "--last", "one"], message: "'one' is invalid"),
    .init(words: ["restore", "--last", "1", "--bogus"], message: unknownOption),
    .init(
      words: ["restore", "--last", "1", "--from", "{scratch}/missing"], message: "missing",
      stage: .running),
    // az acr repository delete / untag
    .init(
      words: ["az", "acr", "repository", "delete", "--image", image, "--yes", "-o", "bogus"],
      message: "Unknown option '-o'"),
    .init(
      words: ["az", "acr", "repository", "delete", "--image", image, "--yes", "-n", "my registry"],
      message: badName),
    .init(
      words: ["az", "acr", "repository", "delete", "--image", image, "--yes", "--bogus"],
      message: unknownOption),
    .init(
      words: ["az", "acr", "repository", "delete", "--image", image, "--repository", "x", "--yes"],
      message: "--image IMAGE | --repository REPOSITORY"),
    .init(
      words: ["az", "acr", "repository", "untag", "--image", image, "-n", "my registry"],
      message: badName),
    .init(
      words: ["az", "acr", "repository", "untag", "--image", image, "--bogus"],
      message: unknownOption),
    .init(
      words: ["az", "acr", "repository", "delete", "--image", "acr hello:v1", "--yes"],
      message: "--image must be"),
    .init(
      words: ["az", "acr", "repository", "untag", "--image", "acr-helloworld@{digest}"],
      message: "untag removes a tag"),
    // protect add
    .init(
      words: ["protect", "add", "acr-helloworld@{digest}", "-o", "bogus"],
      message: "unknown output format 'bogus'"),
    .init(
      words: ["protect", "add", "acr-helloworld@{digest}", "--query", badQuery],
      message: "--query: syntax"),
    .init(words: ["protect", "add", "v*", "-n", "my registry"], message: badName),
    .init(words: ["protect", "add", "v*", "--bogus"], message: unknownOption),
    .init(words: ["protect", "add", ".*"], message: "no tag can match"),
    .init(words: ["protect", "add", "v1/*"], message: "not a repo@digest or repo:tag"),
    .init(words: ["protect", "add", "acr-helloworld@sha256:0a2e"], message: "not a"),
    .init(words: ["protect", "add", "sha256:beef"], message: "not a digest"),
    .init(
      words: ["protect", "add", image, "--repository", "other"],
      message: "--repository 'other'"),
    .init(words: ["protect", "add"], message: "Missing expected argument '<reference>'"),
    .init(words: ["protect", "remove", "0"], message: "at least 1"),
    // registry add / remove
    .init(words: ["registry", "add", "my registry", "localhost:5000"], message: badName),
    .init(
      words: ["registry", "add", "new", "localhost:5000", "--flavor", "azure"],
      message: "'azure' is invalid"),
    .init(words: ["registry", "add", "new"], message: "Missing expected argument '<url>'"),
    .init(words: ["registry", "add", "new", "localhost:5000", "--bogus"], message: unknownOption),
    .init(
      words: ["registry", "add", "new", "localhost:5000", "-o", "json"],
      message: "Unknown option '-o'"),
    .init(
      words: ["registry", "add", "new", "http://registry.example.com"], message: "--insecure",
      stage: .running),
    .init(words: ["registry", "remove", "my registry"], message: badName),
    .init(
      words: ["registry", "remove", "myregistry", "extra"], message: "Unexpected argument 'extra'"),
    .init(words: ["registry", "remove", "myregistry", "--bogus"], message: unknownOption),
    .init(
      words: ["registry", "remove", "nosuchregistry"], message: "nosuchregistry", stage: .running),
    .init(words: ["registry", "frob"], message: "Unexpected argument 'frob'"),
    // gc (the registry holds the deleted image's blobs)
    .init(words: ["gc", "-o", "bogus"], message: "unknown output format 'bogus'"),
    .init(words: ["gc", "--query", badQuery], message: "--query: syntax"),
    .init(words: ["gc", "-n", "my registry"], message: badName),
    .init(words: ["gc", "--bogus"], message: unknownOption),
    // export: neither the images nor the file may be written
    .init(
      words: ["export", "--oci", "{scratch}/backup", image, "-o", "bogus"],
      message: "unknown output format 'bogus'"),
    .init(
      words: ["export", "--oci", "{scratch}/backup", image, "--query", badQuery],
      message: "--query: syntax"),
    .init(
      words: ["export", "--oci", "{scratch}/backup", image, "-n", "my registry"], message: badName),
    .init(
      words: ["export", "--oci", "{scratch}/backup", image, "--bogus"], message: unknownOption),
    .init(
      words: ["export", "{scratch}/list.txt"], message: "cannot tell the format",
      after: "manifests acr-helloworld"),
    .init(
      words: ["export", "{scratch}/list.json", "--format", "xml"], message: "--format must be",
      after: "manifests acr-helloworld"),
    // sync and bench populate change the cache
    .init(words: ["sync", "-o", "bogus"], message: "unknown output format 'bogus'"),
    .init(words: ["sync", "--query", badQuery], message: "--query: syntax"),
    .init(words: ["sync", "--concurrency", "0"], message: "at least 1"),
    .init(words: ["restore", "--last", "0"], message: "at least 1"),
    .init(words: ["bench", "populate", "--repositories", "0"], message: "at least 1"),
    .init(words: ["bench", "populate", "--manifests", "lots"], message: "'lots' is invalid"),
    .init(words: ["bench", "populate", "--registry", "my bench"], message: badName),
    .init(words: ["bench", "populate", "--manifests", "5", "--bogus"], message: unknownOption),
  ]

  @Test(arguments: cases) func aBadArgumentChangesNothing(_ bad: BadArgument) throws {
    let world = try BadArgumentWorld.shared.get()
    let words = bad.words.map(world.fill)
    let before = try world.state()
    // From the command line (a pipeline exists only inside the shell).
    if bad.after == nil {
      let result = try RegshProcess.run(words, environment: world.environment, timeout: 10)
      let usage: Int32 = words.first == "az" ? 2 : 64
      Self.expect(bad) {
        #expect(result.status == (bad.stage == .parsing ? usage : 1), "\(result.stderr)")
        #expect(result.stderr.contains(bad.message), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)")
      }
      let changes = before.differences(from: try world.state())
      Self.expect(bad, mayPass: true) { #expect(changes.isEmpty, "changed: \(changes)") }
    }
    // Inside the shell (`-c`), where a usage error exits 1.
    let line = (bad.after.map { $0 + " | " } ?? "") + words.map(Self.quoted).joined(separator: " ")
    let result = try RegshProcess.run(["-c", line], environment: world.environment, timeout: 10)
    Self.expect(bad) {
      #expect(result.status == 1, "\(result.stderr)")
      #expect(result.stderr.contains(bad.message), "stderr: \(result.stderr)")
      #expect(result.stdout.isEmpty, "stdout: \(result.stdout)")
    }
    let changes = before.differences(from: try world.state())
    Self.expect(bad, mayPass: true) { #expect(changes.isEmpty, "changed: \(changes)") }
  }

  /// The refusal's expectations; a case with a known issue records it as such, and turns
  /// into a failure once the issue is fixed (so the note is removed).
  /// `mayPass`: the known issue need not show here (a command that hangs changes nothing).
  static func expect(_ bad: BadArgument, mayPass: Bool = false, _ body: () -> Void) {
    if let knownIssue = bad.knownIssue {
      withKnownIssue(Comment(rawValue: knownIssue), isIntermittent: mayPass, body)
    } else {
      body()
    }
  }

  /// A word as the shell's command language reads it back: quoted when it holds more than
  /// the characters of names, flags and references (the command word itself never does;
  /// quoted it would read as a JMESPath raw string).
  static func quoted(_ word: String) -> String {
    let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_.:/@*".contains($0) }
    return plain && !word.isEmpty ? word : REPLTerminal.quoted(word)
  }

  /// The comparison can fail: the same commands with good arguments change the state.
  @Test func theSameCommandsWithGoodArgumentsChangeTheState() throws {
    let world = try BadArgumentWorld()
    for line in [
      "protect add acr-helloworld@\(world.digest) -o none", "gc -o none",
      "delete \(Self.image) --yes -o none", "restore --last 1 -o none",
      "registry remove myregistry",
    ] {
      let before = try world.state()
      let result = try RegshProcess.run(["-c", line], environment: world.environment)
      #expect(result.status == 0, "\(line): \(result.stderr)")
      #expect(
        !before.differences(from: try world.state()).isEmpty,
        "\(line) changed nothing that the test reads")
    }
  }
}
