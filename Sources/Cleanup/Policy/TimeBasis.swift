import MetadataCache

/// Which time a tag's or manifest's age is measured from.
public enum TimeBasis: String, Sendable, CaseIterable {
  /// ACR's `lastUpdateTime` where the registry reports it; elsewhere the time the cache
  /// first saw the tag point at its digest (for a manifest: first saw the manifest).
  case updated
  /// The image config's `created` (what the image says about itself; an index has none).
  case created
}

extension TimeBasis {
  /// A tag's time; nil when there is no readable one. `manifest` is the manifest it points
  /// at, for the `created` basis.
  func time(of tag: TagFact, manifest: ManifestFact?) -> String? {
    switch self {
    case .updated: readable(tag.registryUpdated) ?? readable(tag.since)
    case .created: readable(manifest?.configCreated)
    }
  }

  func time(of manifest: ManifestFact) -> String? {
    switch self {
    case .updated: readable(manifest.registryUpdated) ?? readable(manifest.firstSeen)
    case .created: readable(manifest.configCreated)
    }
  }

  /// Stored times have one shape (`Timestamp`), so they compare as strings; anything else
  /// is no time at all, never a guess.
  func readable(_ text: String?) -> String? {
    // Read through the string's own storage: the generic `utf8.last` showed in profiles of
    // a million-manifest plan.
    guard let text,
      text.utf8.withContiguousStorageIfAvailable({
        $0.count == 28 && $0[27] == UInt8(ascii: "Z")
      }) ?? (text.utf8.count == 28 && text.utf8.last == UInt8(ascii: "Z"))
    else { return nil }
    return text
  }
}

/// Whether ACR's lock attributes forbid deleting or overwriting (`deleteEnabled` or
/// `writeEnabled` false).
func isLocked(_ changeableAttributes: String?) -> Bool {
  guard let attributes = changeableAttributes, attributes.contains("false") else { return false }
  let compact = attributes.filter { !$0.isWhitespace }
  return compact.contains("\"deleteEnabled\":false") || compact.contains("\"writeEnabled\":false")
}
