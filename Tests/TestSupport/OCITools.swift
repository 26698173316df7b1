import Foundation
import RegistryAPI
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// skopeo and umoci, the OCI-layout tools the local-registry tests cross-check against.
public enum OCITools {
  public static let skopeo = findOnPath("skopeo")
  public static let umoci = findOnPath("umoci")

  /// Whether the cross-check tests run: both tools found, or REGSH_REQUIRE_REGISTRY=1 (then they fail without them).
  public static let enabled: Bool = {
    if skopeo != nil && umoci != nil { return true }
    if LiveRegistry.required {
      FileHandle.standardError.write(
        Data(
          "REGSH_REQUIRE_REGISTRY=1 but skopeo or umoci is not on PATH: the OCI-layout cross-checks will fail\n"
            .utf8))
      return true
    }
    FileHandle.standardError.write(
      Data(
        "SKIPPING OCI-layout cross-checks: skopeo or umoci is not on PATH (apt-get install skopeo umoci) and REGSH_REQUIRE_REGISTRY is unset\n"
          .utf8))
    return false
  }()

  public static let skipReason: Comment =
    "skopeo or umoci is not on PATH (apt-get install skopeo umoci); set REGSH_REQUIRE_REGISTRY=1 to make this a failure"

  /// The tool's path, or the failure a test reports when it is missing.
  public static func require(_ name: String, _ path: String?) throws -> String {
    guard let path else {
      throw TestFailure("\(name) is not on PATH (REGSH_REQUIRE_REGISTRY=1 requires it)")
    }
    return path
  }

  /// The first executable `name` in a PATH directory.
  public static func findOnPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }
}
