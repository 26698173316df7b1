import Foundation
import TestSupport
import Testing

/// docs/cleanup.md's walkthrough cannot drift from the program: run as the guide is (the
/// guide's own step runner and normalizing), against a fresh demo registry.
/// `REGSH_GUIDE_RECORD=1` rewrites its outputs from a run instead.
@Suite(.serialized) struct CleanupWalkthroughTests {
  static let document = GuideTests.guide.deletingLastPathComponent()
    .appendingPathComponent("cleanup.md")

  @Test(arguments: StoreUnderTest.available)
  func everyCommandOfTheWalkthroughPrintsWhatItShows(_ store: StoreUnderTest) throws {
    try GuideStep.checkDocument(Self.document, atLeast: 9, environment: try store.environment())
  }
}
