/// The fields of the documents a listing command produces, as DESIGN.md and the cache's
/// document views define them: what completion offers in a later pipeline stage when the
/// cache has no documents to look at yet.
enum DocumentShapes {
  static let manifestSummary = ["digest", "tags", "timestamp"]
  static let manifestDetail = [
    "digest", "mediaType", "imageSize", "manifestSize", "createdTime", "lastUpdateTime",
    "timestampSource", "tags", "architecture", "os", "variant", "configDigest", "artifactType",
    "layers", "size", "children", "subject", "referencedBy", "firstSeen", "lastSeen",
    "changeableAttributes",
  ]
  static let tagDetail = [
    "name", "digest", "createdTime", "lastUpdateTime", "signed", "changeableAttributes",
  ]

  /// What a command stage's documents hold; `[]` for a command whose result is not a list
  /// of objects.
  static func fields(of command: [String]) -> [String] {
    let listing = ListingWords(command)
    switch listing.kind {
    case .manifests:
      if listing.detail { return manifestDetail + (listing.all ? ["repository"] : []) }
      return manifestSummary + (listing.all ? ["repository"] : [])
    case .tags: return listing.detail ? tagDetail : []
    case .none: return []
    }
  }
}

/// The words of a listing command (`manifests REPO --detail`, `az acr repository
/// show-manifests --repository REPO`), read as far as completion needs.
struct ListingWords {
  enum Kind { case manifests, tags, none }

  var kind = Kind.none
  var repository: String?
  var detail = false
  var all = false

  init(_ words: [String]) {
    let words = words.first == "acr" ? ["az"] + words : words
    guard let first = words.first else { return }
    var index = 1
    switch first {
    case "manifests": kind = .manifests
    case "tags": kind = .tags
    case "az":
      if words.contains("show-manifests") {
        kind = .manifests
      } else if words.contains("show-tags") {
        kind = .tags
      }
      index = words.count
    default: return
    }
    detail = words.contains("--detail")
    all = words.contains("--all")
    if let flag = words.firstIndex(of: "--repository"), flag + 1 < words.count {
      repository = words[flag + 1]
    }
    // The first word after the command that is neither a flag nor a flag's value.
    let takesValue: Set<String> = [
      "--name", "-n", "--registry", "--orderby", "--top", "--query", "--output", "-o",
    ]
    while index < words.count, repository == nil {
      let word = words[index]
      if takesValue.contains(word) {
        index += 2
      } else if word.hasPrefix("-") {
        index += 1
      } else {
        repository = word
      }
    }
  }
}
