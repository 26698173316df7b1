import Foundation
import SeededRandom

/// Random `--query` expressions over the manifest listing: mostly shapes the store may
/// answer (filters, projections, counts, sorts and slices), some it must decline, and
/// literals drawn from the cache's own tags and timestamps so comparisons meet equal,
/// smaller and larger values.
struct PushdownExpressionGenerator {
  var random: SeededRandom
  let cache: PushdownCache

  mutating func expression() -> String {
    switch random.below(10) {
    case 0: return "length(\(rows()))"
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
    case 4: return random.pick(["tags", "!tags", "tags[0]", "digest", "foo", "`true`", "`0`"])
    case 5:
      return random.pick([
        "tags==null", "tags!=null", "tags[0]==null", "null==tags", "tags==`[]`", "foo==null",
        "tags==timestamp", "digest==digest", "timestamp<digest", "tags[0]<=`\"v\"`",
      ])
    case 6:
      let subject = random.pick(["tags", "tags", "digest", "repository", "timestamp"])
      let guarded = subject == "tags" && random.below(2) == 0 ? "tags && " : ""
      return "\(guarded)contains(\(subject), \(literal()))"
    case 7:
      return random.below(5) == 0
        ? "contains(join(',', tags || `[]`), 'rc')"
        : "starts_with(digest, 'sha256:0')"
    default:
      let field = random.pick(["digest", "timestamp", "repository", "tags", "tags[0]", "foo"])
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
    case 5: return quoted(random.pick(["2024-06", "2024-01-01T00:00:00", "sha256:0", "team", "b"]))
    default: return quoted(cache.tags.isEmpty ? "v1" : random.pick(cache.tags))
    }
  }

  /// A string literal every dialect reads the same: a JSON literal in backticks.
  func quoted(_ text: String) -> String {
    let json = String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    return "`" + json.replacingOccurrences(of: "`", with: "\\`") + "`"
  }

  mutating func projection() -> String {
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
    random.pick(["timestamp", "timestamp", "digest", "repository", "tags"])
  }

  mutating func slice() -> String {
    random.pick(["", "[:3]", "[-3:]", "[1:4]", "[-100:]", "[5:2]", "[::2]", "[:0]"])
  }

  mutating func rest() -> String {
    random.pick(["length(@)", "[0]", "[-1]", "sort_by(@, &timestamp)", "[:2]", "@", "$"])
  }
}
