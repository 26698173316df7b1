import Foundation
import TestSupport
import Testing

/// Issue 11, item 7: `protect add` takes what `delete` takes. A `repo@digest` once became a
/// tag pattern that no tag matches, and `[?tags==null] | delete` then deleted the digest.
struct ProtectReferenceTests {
  /// The demo registry in a fresh home, and the digest of acr-helloworld's untagged image.
  static func demo() throws -> (home: TemporaryDirectory, env: [String: String], untagged: String) {
    let home = try TemporaryDirectory()
    let env = ["REGSH_HOME": home.url.path, "REGSH_REGISTRY": "myregistry"]
    let built = try RegshProcess.run(["demo"], stdin: "", environment: env)
    #expect(built.status == 0, "\(built.stderr)")
    let untagged = try RegshProcess.run(
      ["-c", "manifests acr-helloworld --query \"[?tags==null].digest | [0]\" -o tsv"],
      environment: env)
    #expect(untagged.status == 0, "\(untagged.stderr)")
    return (home, env, untagged.stdout.trimmingCharacters(in: .newlines))
  }

  /// The untagged digests of acr-helloworld, as a cache that never saw the layout reads them.
  static func untaggedInRegistry(_ home: TemporaryDirectory) throws -> String {
    let other = try TemporaryDirectory()
    let layouts = home.url.appendingPathComponent("demo-registry").path
    let result = try RegshProcess.run(
      [
        "-c",
        "registry add copy oci:\(layouts); manifests acr-helloworld -n copy --query \"[?tags==null].digest\" -o tsv",
      ], environment: ["REGSH_HOME": other.url.path])
    #expect(result.status == 0, "\(result.stderr)")
    return result.stdout
  }

  @Test(arguments: ["acr-helloworld@{digest}", "{digest} --repository acr-helloworld", "{digest}"])
  func aDigestReferenceProtectsTheDigestFromDeletingUntaggedImages(_ reference: String) throws {
    let (home, env, untagged) = try Self.demo()
    let add = try RegshProcess.run(
      [
        "-c",
        "protect add \(reference.replacingOccurrences(of: "{digest}", with: untagged)) -o tsv --query '[[kind, pattern]]'",
      ],
      environment: env)
    #expect(add.status == 0, "\(add.stderr)")
    #expect(add.stdout == "digest\t\(untagged)\n")

    let delete = try RegshProcess.run(
      ["-c", "manifests acr-helloworld | [?tags==null] | delete --yes"], environment: env)
    // Every target was kept by the rule: nothing deleted, and the command says so.
    #expect(delete.status == 1, "\(delete.stdout)")
    #expect(delete.stderr.contains("protected by rule 1"), "\(delete.stderr)")
    #expect(try Self.untaggedInRegistry(home) == untagged + "\n")
    let audit = try RegshProcess.run(["audit", "--query", "length(@)"], environment: env)
    #expect(audit.stdout == "0\n")
  }

  @Test func aTagReferenceProtectsThatTagInItsRepository() throws {
    let (home, env, _) = try Self.demo()
    defer { withExtendedLifetime(home) {} }
    let add = try RegshProcess.run(
      [
        "protect", "add", "acr-helloworld:v1", "--query", "[[kind, pattern, repository]]", "-o",
        "tsv",
      ],
      environment: env)
    #expect(add.status == 0, "\(add.stderr)")
    #expect(add.stdout == "tag\tv1\tacr-helloworld\n")
    let delete = try RegshProcess.run(["delete", "acr-helloworld:v1", "--yes"], environment: env)
    #expect(delete.status == 1)
    #expect(delete.stderr.contains("protected by rule 1"), "\(delete.stderr)")
  }

  @Test func aPatternNoTagCanMatchIsRefused() throws {
    let (home, env, _) = try Self.demo()
    defer { withExtendedLifetime(home) {} }
    for pattern in [".*", "[.-]x", "v1/*", "sha256:*"] {
      let add = try RegshProcess.run(["protect", "add", pattern], environment: env)
      #expect(add.status == 64, "\(pattern): \(add.stderr)")
      #expect(add.stderr.contains(pattern), "\(add.stderr)")
    }
    let list = try RegshProcess.run(["protect", "list", "--query", "length(@)"], environment: env)
    #expect(list.stdout == "0\n")
  }
}
