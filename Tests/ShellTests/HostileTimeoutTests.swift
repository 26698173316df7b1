import Foundation
import TestSupport
import Testing

/// Issue 17, deadlines: a registry that accepts and never answers, or answers a byte a
/// second, fails the command within its limits, on both transports, and says which limit
/// and how to change it. Not serialized: the runs mostly wait, and the one-minute runs with
/// the default limits overlap.
@Suite struct HostileTimeoutTests {
  /// Every run here must also leave the cache without a trace of the registry's catalog.
  func expectNothingCached(_ session: HostileSession, _ server: String) async throws {
    let listed = try await session.run(["registry", "list", "-o", "json"])
    #expect(listed.status == 0)
    #expect(listed.stdoutText.contains(server))
    #expect(try session.cacheRows("select count(*) from repository") == ["0"])
  }

  @Test(arguments: RegistryTransport.allCases)
  func silenceFailsWithinTheGivenTimeout(transport: RegistryTransport) async throws {
    let registry = try await HostileRegistry(mode: "silence")
    let session = try HostileSession(transport: transport)
    let result = try await session.run(["--timeout", "2", "sync", "-n", registry.server])
    #expect(result.status == 1, "\(result.stderrText)")
    // Two attempts of 2 s and a backoff; the bound leaves room for a loaded machine.
    #expect(result.seconds < 20, "took \(result.seconds) s")
    #expect(result.stderrText.contains("GET /v2/_catalog on \(registry.server) timed out"))
    #expect(result.stderrText.contains("no answer for 2 s (the idle timeout)"))
    #expect(result.stderrText.contains("after 2 attempts"))
    #expect(result.stderrText.contains("--timeout") && result.stderrText.contains("REGSH_TIMEOUT"))
    #expect(result.rawControls.isEmpty, "\(result.rawControls)")
    try await expectNothingCached(session, registry.server)
  }

  /// A registry that stops answering costs one repository its timeouts, not every one.
  @Test(arguments: RegistryTransport.allCases)
  func aStalledRegistryIsNotAskedAboutEveryRepository(transport: RegistryTransport) async throws {
    let registry = try await HostileRegistry(mode: "silence")
    let session = try HostileSession(transport: transport)
    let server = registry.server
    let result = try await session.run(
      ["--timeout", "1", "sync", "first", "second", "third", "-n", server])
    #expect(result.status == 1)
    #expect(result.seconds < 15, "took \(result.seconds) s")
    let errors = result.stderrText
    #expect(
      errors.contains(
        "error: sync of first on \(server) failed: GET /v2/first/tags/list on \(server) timed out"
      ), "\(errors)")
    for repository in ["second", "third"] {
      #expect(
        errors.contains(
          "error: sync of \(repository) on \(server) failed: not tried: an earlier repository timed out (no answer for 1 s"
        ))
    }
    #expect(result.rawControls.isEmpty, "\(result.rawControls)")
    // The one tried carries its error in the cache; the others were never touched.
    #expect(
      try session.cacheRows("select name from repository where syncError like '%timed out%'")
        == ["'first'"])
    #expect(try session.cacheRows("select count(*) from repository") == ["1"])
  }

  /// `drip` sends the head a byte a second too, `bodydrip` only the body.
  @Test(arguments: ["drip", "bodydrip"], RegistryTransport.allCases)
  func aDripFailsOnTheRateFloor(mode: String, transport: RegistryTransport) async throws {
    let registry = try await HostileRegistry(mode: mode)
    let session = try HostileSession(transport: transport)
    let result = try await session.run(
      ["sync", "-n", registry.server], environment: ["REGSH_TIMEOUT": "2,12"])
    #expect(result.status == 1, "\(result.stderrText)")
    #expect(result.seconds < 20, "took \(result.seconds) s")
    #expect(result.stderrText.contains("GET /v2/_catalog on \(registry.server) timed out"))
    // The loopback client sees every byte and applies the rate floor. URLSession shows no
    // head until it is whole: a head sent a byte at a time meets URLSession's own idle timer
    // or regsh's rule for a head that is not whole a second after the idle timeout.
    let rate = "the answer came slower than 1024 bytes/s over 2 s (the transfer rate floor)"
    let idle = "no answer for 2 s (the idle timeout)"
    let errors = result.stderrText
    if transport == .urlsession && mode == "drip" {
      #expect(errors.contains(rate) || errors.contains(idle), "\(errors)")
    } else {
      #expect(errors.contains(rate), "\(errors)")
    }
    #expect(result.stderrText.contains("REGSH_TIMEOUT"))
    #expect(result.rawControls.isEmpty, "\(result.rawControls)")
    try await expectNothingCached(session, registry.server)
  }

  /// An answer that keeps coming fast enough for the rate floor but never ends meets the
  /// total timeout of its request (retries included), and the error names that limit.
  @Test(arguments: RegistryTransport.allCases)
  func anAnswerThatNeverEndsMeetsTheTotalTimeout(transport: RegistryTransport) async throws {
    let registry = try await HostileRegistry(mode: "steady")
    let session = try HostileSession(transport: transport)
    let result = try await session.run(["--timeout", "2,6", "sync", "-n", registry.server])
    #expect(result.status == 1, "\(result.stderrText)")
    #expect(result.seconds < 30, "took \(result.seconds) s")
    let errors = result.stderrText
    #expect(errors.contains("GET /v2/_catalog on \(registry.server) timed out"), "\(errors)")
    #expect(
      errors.contains(
        "not finished within 6 s (the total timeout for one request, retries included)"),
      "\(errors)")
    #expect(errors.contains("--timeout") && errors.contains("REGSH_TIMEOUT"))
    #expect(result.rawControls.isEmpty, "\(result.rawControls)")
    try await expectNothingCached(session, registry.server)
  }

  /// An answer whose announced length is over the limit is refused at its head, even when
  /// the registry keeps the connection open and sending (URLSession once waited for it).
  @Test(arguments: RegistryTransport.allCases)
  func anAnnouncedLengthOverTheLimitIsRefusedAtOnce(transport: RegistryTransport) async throws {
    let registry = try await HostileRegistry(mode: "slowflood")
    let session = try HostileSession(transport: transport)
    // A total of 60 s: the refusal must come from the length, long before the total.
    let result = try await session.run(["--timeout", "2,60", "sync", "-n", registry.server])
    #expect(result.status == 1, "\(result.stderrText)")
    #expect(result.seconds < 20, "took \(result.seconds) s")
    #expect(
      result.stderrText.contains(
        "GET /v2/_catalog on \(registry.server): the answer is larger than 64 MiB"),
      "\(result.stderrText)")
    #expect(result.rawControls.isEmpty, "\(result.rawControls)")
    try await expectNothingCached(session, registry.server)
  }

  /// A blob download has no total timeout but the rate floor: a layer that comes a byte a
  /// second fails the export (the sync, which reads no layers, went through).
  @Test(arguments: RegistryTransport.allCases)
  func aSlowBlobDownloadFailsOnTheRateFloor(transport: RegistryTransport) async throws {
    let registry = try await HostileRegistry(mode: "slowblob")
    let session = try HostileSession(transport: transport, environment: ["REGSH_TIMEOUT": "2"])
    let sync = try await session.run(["sync", "-n", registry.server])
    #expect(sync.status == 0, "\(sync.stderrText)")
    let target = session.home.url.appendingPathComponent("export").path
    let result = try await session.run(
      ["export", "--oci", target, "repo:v1", "-n", registry.server])
    #expect(result.status == 1)
    #expect(result.seconds < 30, "took \(result.seconds) s")
    let errors = result.stderrText
    #expect(errors.contains("GET /v2/repo/blobs/sha256:"), "\(errors)")
    #expect(
      errors.contains(
        "timed out: the answer came slower than 1024 bytes/s over 2 s (the transfer rate floor)"))
    #expect(!errors.contains("not finished within"), "a blob download has no total timeout")
    #expect(result.rawControls.isEmpty, "\(result.rawControls)")
    #expect(try session.cacheRows("select name from repository") == ["'repo'"])
  }

  /// The promise with nothing changed: a silent registry, and one that drips, fail
  /// the command within 90 s, retries included (about 61 s: two attempts of 30 s).
  @Test(arguments: ["silence", "drip"], RegistryTransport.allCases)
  func theDefaultsGiveUpWithin90Seconds(mode: String, transport: RegistryTransport) async throws {
    let registry = try await HostileRegistry(mode: mode)
    let session = try HostileSession(transport: transport)
    let result = try await session.run(["sync", "-n", registry.server])
    #expect(result.status == 1, "\(result.stderrText)")
    #expect(result.seconds < 90, "took \(result.seconds) s")
    // Not the old 128 s of four attempts, and not a premature give-up either.
    #expect(result.seconds > 50, "took \(result.seconds) s: the 30 s default did not apply")
    #expect(result.stderrText.contains("timed out"))
    #expect(result.stderrText.contains("30 s"), "\(result.stderrText)")
    #expect(result.rawControls.isEmpty, "\(result.rawControls)")
    try await expectNothingCached(session, registry.server)
  }

  @Test func malformedTimeoutsAreRefusedWithTheirSource() async throws {
    let session = try HostileSession(transport: .loopback)
    let flag = try await session.run(["--timeout", "soon", "sync", "-n", "127.0.0.1:9"])
    #expect(flag.status == 64)
    #expect(flag.stderrText.contains("--timeout soon: expected IDLE or IDLE,TOTAL in seconds"))
    let shorter = try await session.run(["--timeout=10,5", "repositories", "-n", "127.0.0.1:9"])
    #expect(shorter.status == 64)
    #expect(shorter.stderrText.contains("shorter than the idle timeout"))
    let variable = try await session.run(
      ["sync", "-n", "127.0.0.1:9"], environment: ["REGSH_TIMEOUT": "0"])
    #expect(variable.status == 1)
    #expect(variable.stderrText.contains("REGSH_TIMEOUT 0: expected IDLE or IDLE,TOTAL"))
  }
}
