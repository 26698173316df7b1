import Cleanup
import Foundation
import MetadataCache

/// Cache facts written by hand, for the pure evaluation tests: times in days before a fixed now.
enum Facts {
  static let now = Date(timeIntervalSince1970: 1_750_000_000)

  static func time(daysAgo days: Double) -> String {
    Timestamp.format(now.addingTimeInterval(-days * 86_400))
  }

  static func digest(_ name: String) -> String {
    "sha256:" + String(repeating: "0", count: 64 - name.count) + name
  }

  static func tag(
    _ name: String, on digest: String, daysAgo: Double?, locked: Bool = false
  ) -> TagFact {
    TagFact(
      name: name, digest: Self.digest(digest), registryUpdated: daysAgo.map { time(daysAgo: $0) },
      since: daysAgo.map { time(daysAgo: $0) } ?? "not a time",
      changeableAttributes: locked ? #"{"deleteEnabled":false,"writeEnabled":true}"# : nil)
  }

  static func manifest(
    _ name: String, daysAgo: Double?, tags: [String] = [], children: [String] = [],
    subject: String? = nil, locked: Bool = false, index: Bool = false
  ) -> ManifestFact {
    ManifestFact(
      digest: digest(name),
      mediaType: index
        ? "application/vnd.oci.image.index.v1+json" : "application/vnd.oci.image.manifest.v1+json",
      tags: tags, registryUpdated: daysAgo.map { time(daysAgo: $0) },
      firstSeen: daysAgo.map { time(daysAgo: $0) } ?? "not a time",
      subjectDigest: subject.map(digest),
      changeableAttributes: locked ? #"{"deleteEnabled":true,"writeEnabled":false}"# : nil,
      children: children.map(digest))
  }

  /// A purge policy as the flags give it, at the fixed now.
  static func policy(
    _ filters: [String], ago: String = "7d", keep: Int = 0, untagged: Bool = false,
    untaggedOnly: Bool = false, includeLocked: Bool = false
  ) throws -> PurgePolicy {
    var options = PurgeOptions()
    options.filters = filters
    options.ago = ago
    options.keep = keep
    options.untagged = untagged
    options.untaggedOnly = untaggedOnly
    options.includeLocked = includeLocked
    return try options.check(now: now).policy
  }
}
