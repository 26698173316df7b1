import Foundation
import TestSupport
import Testing

/// docs/cleanup.md's walkthrough cannot drift from the program: run as the guide is (the
/// guide's own step runner and normalizing), against a fresh demo registry.
/// `REGSH_GUIDE_RECORD=1` rewrites its outputs from a run instead.
@Suite(.serialized) struct CleanupWalkthroughTests {
  static let document = GuideTests.guide.deletingLastPathComponent()
    .appendingPathComponent("cleanup.md")

  @Test func everyCommandOfTheWalkthroughPrintsWhatItShows() throws {
    let text = try String(contentsOf: Self.document, encoding: .utf8)
    let steps = GuideStep.parse(text)
    #expect(steps.count >= 9, "the walkthrough lost its commands")
    let home = try TemporaryDirectory()
    let record = ProcessInfo.processInfo.environment["REGSH_GUIDE_RECORD"] == "1"
    var outputs: [String] = []
    for step in steps {
      let actual = try step.run(home: home.url)
      outputs.append(actual)
      if !record {
        #expect(
          GuideStep.normalized(actual) == GuideStep.normalized(step.expected),
          "docs/cleanup.md line \(step.line): \(step.command)")
      }
    }
    if record {
      try GuideStep.rewrite(text, with: outputs).write(
        to: Self.document, atomically: true, encoding: .utf8)
    }
  }
}
