import Foundation
import TestSupport
import Testing

/// Issue 17, bounded listings: a `Link` that names a new page every time, a new URL with
/// the same entries, a link back to the same page, and a cursor that moves back all end
/// with an error; the repository is reported as failed and the cache keeps what it had.
@Suite struct HostileListingTests {
  @Test(arguments: RegistryTransport.allCases)
  func endlessListingsFailAndTheCacheKeepsItsState(transport: RegistryTransport) async throws {
    let registry = try await HostileRegistry(mode: "pages")
    let session = try HostileSession(transport: transport, environment: ["REGSH_MAX_PAGES": "50"])
    let first = try await session.run(["sync", "-n", registry.server])
    #expect(first.status == 0, "\(first.stderrText)")
    try await registry.breakListings()

    let started = Date()
    let named = try await session.run(
      ["sync", "fresh", "same", "self", "backwards", "steady", "-n", registry.server])
    #expect(named.status == 1)
    #expect(Date().timeIntervalSince(started) < 30)
    let errors = named.stderrText
    let server = registry.server
    #expect(
      errors.contains(
        "error: sync of fresh on \(server) failed: the tag list of fresh from \(server) was abandoned at page 50: more than 50 pages; set REGSH_MAX_PAGES"
      ), "\(errors)")
    #expect(
      errors.contains(
        "error: sync of same on \(server) failed: the tag list of same from \(server) was abandoned at page 2: the page added no entry that earlier pages had not listed"
      ))
    #expect(errors.contains("sync of self on \(server) failed"))
    #expect(errors.contains("points back to a page already read"))
    #expect(errors.contains("sync of backwards on \(server) failed"))
    #expect(errors.contains("the entries come back out of order"))
    #expect(!errors.contains("sync of steady"))
    #expect(named.rawControls.isEmpty, "\(named.rawControls)")
    // What each repository had before the listings broke is still there.
    for repository in ["fresh", "same", "self", "backwards", "steady"] {
      let tags = try await session.run(["tags", repository, "-n", server, "-o", "tsv"])
      #expect(tags.status == 0)
      #expect(tags.stdoutText == "v1\n", "\(repository): \(tags.stdoutText)")
    }

    // The catalog alike: the whole sync fails and no repository is marked gone.
    let catalog = try await session.run(["sync", "-n", server])
    #expect(catalog.status == 1)
    #expect(catalog.seconds < 30)
    #expect(catalog.rawControls.isEmpty, "\(catalog.rawControls)")
    #expect(
      catalog.stderrText.contains(
        "the catalog from \(server) was abandoned at page 50: more than 50 pages"),
      "\(catalog.stderrText)")
    #expect(
      try session.cacheRows("select name from repository where goneAt is null order by name")
        .count == 5)
  }

  /// An answer that is not a manifest is bounded too (64 MiB): a catalog that streams a
  /// gigabyte is refused, quickly and without holding it.
  @Test(arguments: RegistryTransport.allCases)
  func aFloodingCatalogIsRefused(transport: RegistryTransport) async throws {
    let registry = try await HostileRegistry(mode: "flood")
    let session = try HostileSession(transport: transport)
    let (run, peak) = try await session.runMeasuringMemory(["sync", "-n", registry.server])
    #expect(run.status == 1)
    #expect(
      run.stderrText.contains(
        "GET /v2/_catalog on \(registry.server): the answer is larger than 64 MiB (the limit for an answer that is not a manifest or a blob)"
      ), "\(run.stderrText)")
    #expect(peak > 0 && peak < 400, "peak \(peak) MiB")
    // Alone it takes about a second; the message above shows the size limit stopped it.
    // The bound is the one every hostile case keeps (90 s, retries included), with room for
    // a CI machine whose two cores run the other suites meanwhile.
    #expect(run.seconds < 90, "took \(run.seconds) s")
    #expect(run.rawControls.isEmpty, "\(run.rawControls)")
    #expect(try session.cacheRows("select count(*) from repository") == ["0"])
  }
}
