/// Why a tag or manifest that the purge looked at stays. Every one is said, never silent.
public enum KeepReason: Sendable, Hashable, CustomStringConvertible {
  /// Newer than the cutoff (or exactly at it: acr's test is strictly older).
  case newerThanCutoff
  /// The registry reported no readable time for it (under the chosen basis).
  case noReadableTime
  /// ACR's `deleteEnabled`/`writeEnabled` is false and `--include-locked` was not given.
  case locked
  /// One of the `--keep N` newest eligible ones of its repository.
  case keptNewest(Int)
  /// A tag still points at it after the tag phase.
  case tagged
  /// A referrer (signature, SBOM): ACR removes those with their subject.
  case hasSubject(String)
  /// A kept index lists it (directly or through a nested index).
  case childOfKeptIndex(String)
  /// Kept by `--keep` together with the untagged index that lists it.
  case keptWithIndex(String)
  /// The cache knows no media type for it.
  case noMediaType

  public var description: String {
    switch self {
    case .newerThanCutoff: "not older than the cutoff"
    case .noReadableTime: "no readable time"
    case .locked: "locked (deleteEnabled or writeEnabled is false; --include-locked not given)"
    case .keptNewest(let n): "one of the \(n) newest eligible (--keep \(n))"
    case .tagged: "still tagged"
    case .hasSubject(let subject): "a referrer of \(subject)"
    case .childOfKeptIndex(let index): "listed by the kept index \(index)"
    case .keptWithIndex(let index): "kept by --keep with the index \(index) that lists it"
    case .noMediaType: "no media type"
    }
  }

  /// A stable name for scripts, as the workflows' skip codes.
  public var code: String {
    switch self {
    case .newerThanCutoff: "newer-than-cutoff"
    case .noReadableTime: "no-time"
    case .locked: "locked"
    case .keptNewest: "keep"
    case .tagged: "tagged"
    case .hasSubject: "referrer"
    case .childOfKeptIndex: "index-child"
    case .keptWithIndex: "keep-with-index"
    case .noMediaType: "no-media-type"
    }
  }
}
