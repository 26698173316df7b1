import Foundation
import TestSupport
import Testing

/// The skip-or-fail decision every live-registry suite makes, checked without touching the real binary.
@Suite struct LiveRegistryTests {
  @Test func installedRegistryRunsTheSuitesWhateverTheEnvironment() {
    for environment in [[:], ["REGSH_REQUIRE_REGISTRY": "1"], ["REGSH_REQUIRE_REGISTRY": "0"]] {
      #expect(
        LiveRegistry.decide(binaryInstalled: true, environment: environment)
          == LiveRegistry.Decision(enabled: true, message: nil))
    }
  }

  @Test(arguments: [
    [:], ["REGSH_REQUIRE_REGISTRY": "0"], ["REGSH_REQUIRE_REGISTRY": ""],
    ["REGSH_REQUIRE_REGISTRY": "true"], ["PATH": "/usr/bin"],
  ])
  func missingRegistrySkipsWithTheReason(environment: [String: String]) async throws {
    let decision = LiveRegistry.decide(binaryInstalled: false, environment: environment)
    #expect(!decision.enabled)
    let message = try #require(decision.message)
    #expect(message.hasPrefix("SKIPPING live-registry tests"))
    #expect(message.contains("docker-registry") && message.contains("REGSH_REQUIRE_REGISTRY"))
    // The trait the live suites carry: off, with the reason attached for the test report.
    let trait: ConditionTrait = .enabled(if: decision.enabled, LiveRegistry.skipReason)
    #expect(try await trait.evaluate() == false)
    #expect(trait.comments == [LiveRegistry.skipReason])
    #expect(LiveRegistry.skipReason.rawValue.contains("docker-registry is not installed"))
    #expect(LiveRegistry.skipReason.rawValue.contains("REGSH_REQUIRE_REGISTRY=1"))
  }

  @Test func missingRegistryFailsWhenRequired() async throws {
    let decision = LiveRegistry.decide(
      binaryInstalled: false, environment: ["REGSH_REQUIRE_REGISTRY": "1"])
    #expect(decision.enabled, "the suites must run, so that they fail")
    #expect(decision.message?.contains("will fail") == true)
    let trait: ConditionTrait = .enabled(if: decision.enabled, LiveRegistry.skipReason)
    #expect(try await trait.evaluate())
    // What each live test then meets when it starts its registry.
    #expect {
      try LiveRegistry.requireBinary(nil)
    } throws: { "\($0)".contains("docker-registry is not installed") }
    #expect(
      try LiveRegistry.requireBinary("/usr/bin/docker-registry") == "/usr/bin/docker-registry")
  }

  @Test func theProcessDecisionFollowsThePureOne() {
    #expect(
      LiveRegistry.enabled
        == LiveRegistry.decide(
          binaryInstalled: LiveRegistry.binary != nil,
          environment: ProcessInfo.processInfo.environment
        ).enabled)
    #expect(LiveRegistry.required == LiveRegistry.isRequired(ProcessInfo.processInfo.environment))
  }
}
