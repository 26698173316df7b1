import Foundation
import SeededRandom

/// Random `--query` expressions over a listing (manifests, tag records, names): mostly shapes the store may
/// answer (filters, projections, counts, sorts and slices), some it must decline, and
/// literals drawn from the cache's own tags and timestamps so comparisons meet equal,
/// smaller and larger values.
struct PushdownExpressionGenerator {
  var random: SeededRandom
  let cache: PushdownCache
  /// Which listing's documents the expressions are over.
  var listing: Listing = .manifests

  enum Listing {
    /// `{digest, [repository], tags, timestamp}`
    case manifests
    /// `tags REPO --detail`: `{name, digest, createdTime, lastUpdateTime, [signed],
    /// [changeableAttributes]}`
    case tagRecords
    /// `tags REPO`, `repositories`: strings.
    case names
  }

  init(random: SeededRandom, cache: PushdownCache, listing: Listing = .manifests) {
    self.random = random
    self.cache = cache
    self.listing = listing
  }

  mutating func expression() -> String {
    switch random.below(10) {
    case 0: return "length(\(rows()))"
    case 1 where listing == .names:
      return "sort(\(random.below(2) == 0 ? "@" : filter("")))\(slice())\(projection())"
    case 1:
      return
        "sort_by(\(random.below(2) == 0 ? "@" : filter("")), &\(sortKey()))\(slice())\(projection())"
    case 2: return "\(rows()) | \(rest())"
    case 3: return "\(slice())\(projection())"
    default: return rows()
    }
  }

  mutating func rows() -> String {
    switch random.below(6) {
    case 0: return "[]" + projection()
    case 1: return "[*]" + projection()
    case 2: return "@"
    default: return filter(projection())
    }
  }

  mutating func filter(_ projection: String) -> String { "[?\(condition(depth: 0))]\(projection)" }

  mutating func condition(depth: Int) -> String {
    let choice = depth > 2 ? 4 + random.below(6) : random.below(10)
    switch choice {
    case 0: return "\(condition(depth: depth + 1)) && \(condition(depth: depth + 1))"
    case 1: return "\(condition(depth: depth + 1)) || \(condition(depth: depth + 1))"
    case 2: return "!(\(condition(depth: depth + 1)))"
    case 3: return "(\(condition(depth: depth + 1)))"
    case 4:
      switch listing {
      case .manifests:
        return random.pick(["tags", "!tags", "tags[0]", "digest", "foo", "`true`", "`0`"])
      case .tagRecords:
        return random.pick(["name", "signed", "!signed", "changeableAttributes", "foo", "`0`"])
      case .names:
        return random.pick(["@", "!@", "foo", "@[0]", "`true`", "`0`"])
      }
    case 5:
      switch listing {
      case .manifests:
        return random.pick([
          "tags==null", "tags!=null", "tags[0]==null", "null==tags", "tags==`[]`", "foo==null",
          "tags==timestamp", "digest==digest", "timestamp<digest", "tags[0]<=`\"v\"`",
        ])
      case .tagRecords:
        return random.pick([
          "signed==`true`", "signed==null", "name==digest", "createdTime<lastUpdateTime",
          "createdTime==lastUpdateTime", "changeableAttributes==null", "foo==null",
          "name==name", "tags==null",
        ])
      case .names:
        return random.pick(["@==@", "@==null", "@!=null", "foo==null", "@<`\"m\"`", "@==`1`"])
      }
    case 6:
      let subject =
        switch listing {
        case .manifests: random.pick(["tags", "tags", "digest", "repository", "timestamp"])
        case .tagRecords: random.pick(["name", "name", "digest", "lastUpdateTime", "signed"])
        case .names: "@"
        }
      // Half the time a piece of a real value: found inside it, at its start or not.
      let search = random.below(2) == 0 ? fragment() : literal()
      if subject != "tags", random.below(3) == 0 {
        return "starts_with(\(subject), \(search))"
      }
      let guarded = subject == "tags" && random.below(2) == 0 ? "tags && " : ""
      return "\(guarded)contains(\(subject), \(search))"
    case 7:
      switch listing {
      case .manifests:
        return random.below(5) == 0
          ? "contains(join(',', tags || `[]`), 'rc')"
          : "starts_with(digest, 'sha256:0')"
      case .tagRecords:
        return random.pick(["contains(keys(@), 'signed')", "starts_with(name, 'r')"])
      case .names:
        return random.pick(["length(@) > `2`", "starts_with(@, 'r')", "ends_with(@, 'c')"])
      }
    default:
      let field =
        switch listing {
        case .manifests:
          random.pick(["digest", "timestamp", "repository", "tags", "tags[0]", "foo"])
        case .tagRecords:
          random.pick(["name", "digest", "createdTime", "lastUpdateTime", "signed", "foo"])
        case .names: random.pick(["@", "@", "@", "foo"])
        }
      let op = random.pick(["==", "!=", "<", "<=", ">", ">="])
      return random.below(4) == 0 ? "\(literal()) \(op) \(field)" : "\(field) \(op) \(literal())"
    }
  }

  mutating func literal() -> String {
    switch random.below(9) {
    case 0: return "`null`"
    case 1: return random.pick(["`1`", "`true`", "`[\"v1\"]`", "`{}`", "''"])
    case 2: return "ago('30d')"
    case 3, 4: return quoted(cache.timestamps.isEmpty ? "2024" : random.pick(cache.timestamps))
    case 5:
      return quoted(
        random.pick(
          ["2024-06", "2024-01-01T00:00:00", "sha256:0", "team", "b", "", "ca"]
            + cache.repositories))
    default: return quoted(cache.tags.isEmpty ? "v1" : random.pick(cache.tags))
    }
  }

  /// Some consecutive code points of a tag or repository name the cache holds (a string
  /// literal): a prefix, a middle or an end, so substring and prefix tests differ.
  mutating func fragment() -> String {
    let values = cache.tags + cache.repositories
    guard !values.isEmpty else { return quoted("b") }
    let scalars = Array(random.pick(values).unicodeScalars)
    let start = random.below(scalars.count)
    let end = start + 1 + random.below(scalars.count - start)
    return quoted(String(String.UnicodeScalarView(scalars[start..<end])))
  }

  /// A string literal every dialect reads the same: a JSON literal in backticks.
  func quoted(_ text: String) -> String {
    let json = String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    return "`" + json.replacingOccurrences(of: "`", with: "\\`") + "`"
  }

  mutating func projection() -> String {
    switch listing {
    case .manifests: break
    case .tagRecords:
      return random.pick([
        "", "", "", ".name", ".[name, lastUpdateTime]", ".{n: name, d: digest}", ".signed",
        ".{n: name, s: signed}", ".createdTime", ".foo",
      ])
    case .names:
      return random.pick(["", "", "", "", ".foo", ".to_string(@)", ".length(@)", ".@"])
    }
    switch random.below(7) {
    case 0: return ".digest"
    case 1: return ".tags"
    case 2: return ".[digest, timestamp]"
    case 3: return ".{d: digest, t: tags, r: repository}"
    case 4:
      return random.pick([".repository", ".{n: length(tags || `[]`), t: tags[0]}", ".to_string(@)"])
    default: return ""
    }
  }

  mutating func sortKey() -> String {
    switch listing {
    case .manifests: random.pick(["timestamp", "timestamp", "digest", "repository", "tags"])
    case .tagRecords: random.pick(["lastUpdateTime", "createdTime", "name", "digest", "signed"])
    case .names: "@"
    }
  }

  mutating func slice() -> String {
    random.pick(["", "[:3]", "[-3:]", "[1:4]", "[-100:]", "[5:2]", "[::2]", "[:0]"])
  }

  mutating func rest() -> String {
    random.pick([
      "length(@)", "[0]", "[-1]", "sort_by(@, &timestamp)", "[:2]", "@", "$",
      // Read only some fields of documents built whole (compact documents).
      "max_by(@, &digest).repository", "[0].keys(@)", "sort_by(@, &digest)[:3].[digest, tags]",
      "min_by(@, &timestamp).digest",
    ])
  }
}
