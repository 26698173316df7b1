import Foundation
import RegistryAPI
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Whether the live-registry tests can run, and why not.
public enum LiveRegistry {
  /// Debian's distribution 2.8 binary.
  public static let binary: String? = [
    "/usr/bin/docker-registry", "/usr/local/bin/docker-registry",
  ]
  .first { FileManager.default.isExecutableFile(atPath: $0) }

  /// `.ci/run` sets REGSH_REQUIRE_REGISTRY=1: then a missing registry fails the tests instead of skipping them.
  public static let required = isRequired(ProcessInfo.processInfo.environment)

  public static let enabled: Bool = {
    let decision = decide(
      binaryInstalled: binary != nil, environment: ProcessInfo.processInfo.environment)
    if let message = decision.message {
      FileHandle.standardError.write(Data("\(message)\n".utf8))
    }
    return decision.enabled
  }()

  public static let skipReason: Comment =
    "docker-registry is not installed (apt-get install docker-registry); set REGSH_REQUIRE_REGISTRY=1 to make this a failure"
}

extension LiveRegistry {
  /// Whether the live suites run, and what to tell the person running them.
  public struct Decision: Equatable, Sendable {
    /// Whether `.enabled(if: LiveRegistry.enabled, …)` lets the suites run; without the binary they then fail in `TestRegistry`.
    public var enabled: Bool
    /// The line written to standard error when docker-registry is missing.
    public var message: String?

    public init(enabled: Bool, message: String?) {
      self.enabled = enabled
      self.message = message
    }
  }

  /// Whether `environment` asks for a missing registry to be a failure.
  public static func isRequired(_ environment: [String: String]) -> Bool {
    environment["REGSH_REQUIRE_REGISTRY"] == "1"
  }

  /// The decision `enabled` makes, as a pure function of whether the binary is installed and the environment.
  public static func decide(binaryInstalled: Bool, environment: [String: String]) -> Decision {
    if binaryInstalled { return Decision(enabled: true, message: nil) }
    if isRequired(environment) {
      return Decision(
        enabled: true,
        message:
          "REGSH_REQUIRE_REGISTRY=1 but docker-registry is not installed: the live-registry tests will fail"
      )
    }
    return Decision(
      enabled: false,
      message:
        "SKIPPING live-registry tests: docker-registry (Debian package docker-registry) is not installed and REGSH_REQUIRE_REGISTRY is unset"
    )
  }

  /// The registry binary, or the failure a live test reports when it is missing.
  public static func requireBinary(_ binary: String?) throws -> String {
    guard let binary else {
      throw TestFailure("docker-registry is not installed (REGSH_REQUIRE_REGISTRY=1 requires it)")
    }
    return binary
  }
}
