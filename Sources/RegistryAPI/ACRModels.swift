import Foundation

/// ACR's per-tag / per-manifest locks (`az acr repository update --delete-enabled …`).
public struct ACRChangeableAttributes: Codable, Hashable, Sendable {
  public var deleteEnabled: Bool?
  public var writeEnabled: Bool?
  public var readEnabled: Bool?
  public var listEnabled: Bool?

  /// Creates an attribute set; nil members are left unchanged by an update.
  public init(
    deleteEnabled: Bool? = nil, writeEnabled: Bool? = nil, readEnabled: Bool? = nil,
    listEnabled: Bool? = nil
  ) {
    self.deleteEnabled = deleteEnabled
    self.writeEnabled = writeEnabled
    self.readEnabled = readEnabled
    self.listEnabled = listEnabled
  }
}

/// One item of ACR's `_manifests` listing, exactly as ACR names its fields.
public struct ACRManifest: Codable, Hashable, Sendable {
  public var digest: Digest
  public var imageSize: Int64?
  /// ACR's timestamp text (7 fractional digits); `ACRTimestamp.parse` turns it into a `Date`.
  public var createdTime: String?
  public var lastUpdateTime: String?
  public var mediaType: String?
  /// Absent (nil) when the manifest is untagged.
  public var tags: [String]?
  /// Absent on indexes.
  public var architecture: String?
  public var os: String?
  public var changeableAttributes: ACRChangeableAttributes?
}

/// One item of ACR's `_tags` listing.
public struct ACRTag: Codable, Hashable, Sendable {
  public var name: String
  public var digest: Digest
  public var createdTime: String?
  public var lastUpdateTime: String?
  public var signed: Bool?
  public var changeableAttributes: ACRChangeableAttributes?
}

/// The order of ACR listings (`orderby=`).
public enum ACROrder: String, Sendable {
  case timeAscending = "timeasc"
  case timeDescending = "timedesc"
}

/// ACR's timestamps, e.g. `2018-07-27T21:38:33.4411424Z` (more fractional digits than ISO8601DateFormatter accepts).
public enum ACRTimestamp {
  /// The date, or nil when the text is not an RFC 3339 timestamp.
  public static func parse(_ text: String) -> Date? {
    var base = text
    var fraction = 0.0
    if let dot = text.firstIndex(of: ".") {
      let afterDot = text[text.index(after: dot)...]
      let digits = afterDot.prefix(while: \.isNumber)
      fraction = Double("0." + digits) ?? 0
      base = String(text[..<dot]) + afterDot.dropFirst(digits.count)
    }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: base).map { $0.addingTimeInterval(fraction) }
  }
}
