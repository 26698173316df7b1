import Foundation
import TestSupport
import Testing

/// Issue 17, escaping everywhere: repository names, tags, error bodies and header values
/// holding every C0 and C1 control and the common escape sequences go through every
/// command that prints registry text; no raw control byte but newline and tab reaches
/// either stream. A name with a NUL is refused, never cut short into "nul".
@Suite struct HostileTextTests {
  @Test(arguments: RegistryTransport.allCases)
  func noControlByteFromARegistryReachesTheTerminal(transport: RegistryTransport) async throws {
    let registry = try await HostileRegistry(mode: "names")
    let session = try HostileSession(transport: transport)
    let server = registry.server

    let sync = try await session.run(["sync", "-n", server])
    #expect(sync.status == 1, "repositories with bad names fail the sync")
    #expect(sync.seconds < 30, "took \(sync.seconds) s")
    let errors = sync.stderrText
    #expect(errors.contains(#"error: sync of red\u001b[31mrepo on \#(server) failed"#), "\(errors)")
    #expect(errors.contains(#"error: sync of nul\u0000x on \#(server) failed"#))
    #expect(errors.contains("is not a valid path component"))
    #expect(
      errors.contains(
        #"error: sync of errbody on \#(server) failed: GET /v2/errbody/tags/list on \#(server) failed (404 NAME_UNKNOWN)"#
      ), "the error names the registry, the repository and the request")
    #expect(
      errors.contains(#"no such repository\u0001\u0002"#), "the error body is quoted, escaped")
    #expect(errors.contains(#"warning: skipped tag "bad\u001b[31m\u001b[2J"#), "\(errors)")
    #expect(errors.contains(#"warning: skipped tag "cr\rtag" of good on \#(server)"#))
    #expect(errors.contains(#"warning: skipped tag "ctl\u0001\u0002"#))
    #expect(errors.contains(#"\t\n\u000b\u000c\r"#), "tab and newline are escaped in a tag")
    #expect(errors.contains(#"warning: skipped tag "v1" of header on \#(server)"#))
    #expect(errors.contains(#"sha256:\u001b[31m\u0007"#), "the header value is quoted, escaped")

    var runs = [("sync", sync)]
    let commands: [[String]] = [
      ["repositories", "-n", server, "-o", "tsv"],
      ["repositories", "-n", server, "-o", "table"],
      ["tags", "good", "-n", server, "-o", "tsv"],
      ["manifests", "good", "-n", server, "--detail", "-o", "yaml"],
      ["manifests", "--all", "-n", server, "-o", "table"],
      ["tags", "errbody", "-n", server],
      ["az", "acr", "repository", "show-manifests", "-n", server, "--repository", "errbody"],
      ["az", "acr", "repository", "show-manifests", "-n", server, "--repository", "good"],
      ["az", "acr", "repository", "show-tags", "-n", server, "--repository", "header"],
      ["az", "acr", "repository", "show-tags", "-n", server, "--repository", "red\u{1B}[31mrepo"],
      ["az", "acr", "repository", "list", "-n", server, "-o", "tsv"],
      ["-c", "use \(server); tags good; manifests header --detail -o jsonc"],
      // The live check lists the tags again and meets the hostile ones (ImageActions).
      ["-c", "use \(server); manifests good | [].digest | delete --dry-run"],
      ["audit", "-o", "table"],
    ]
    for arguments in commands {
      runs.append((arguments.joined(separator: " "), try await session.run(arguments)))
    }
    for (name, run) in runs {
      #expect(run.rawControls.isEmpty, "\(name): \(run.rawControls)")
    }

    // Refused, not truncated: the real "nul" holds its own tag and nothing of "nul\0x".
    let repositories = try await session.run(["repositories", "-n", server, "-o", "tsv"])
    // errbody is a valid name whose tag list failed: listed, with no tags.
    #expect(
      repositories.stdoutText == "errbody\ngood\nheader\nnul\n", "\(repositories.stdoutText)")
    #expect(try session.cacheRows("select name from repository order by name").contains("'nul'"))
    #expect(
      try session.cacheRows("select syncError from repository where name = 'nul'") == ["None"])
    let nulTags = try await session.run(["manifests", "nul", "-n", server, "-o", "tsv"])
    #expect(nulTags.status == 0)
    #expect(nulTags.stdoutText.split(separator: "\n").count == 1)
    let goodTags = try await session.run(["tags", "good", "-n", server, "-o", "tsv"])
    #expect(goodTags.stdoutText == "v1\n")
  }

  /// The check itself: it must see what it is there to catch, or the test above proves nothing.
  @Test func theControlCheckCatchesRawBytes() {
    #expect(HostileRun.controls(in: Data("ok\tline\n".utf8)).isEmpty)
    #expect(HostileRun.controls(in: Data("a\u{1B}[31m".utf8)) == ["U+001B"])
    #expect(HostileRun.controls(in: Data("\r\u{07}\u{08}\u{00}".utf8)).count == 4)
    #expect(HostileRun.controls(in: Data("csi \u{9B}".utf8)) == ["U+009B"])
    #expect(HostileRun.controls(in: Data([0x41, 0x9B])).first == "bytes that are not UTF-8")
  }
}
