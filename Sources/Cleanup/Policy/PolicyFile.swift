import Foundation
import Yams

/// Reads a retention policy file (YAML, or JSON, which YAML reads too) into a
/// `RetentionPolicy`. Strict: an unknown key, a wrong type or an invalid pattern is an
/// error naming the file, line and key — a typo in a cleanup policy must not quietly
/// widen what it deletes. The schema is in docs/cleanup.md.
public struct PolicyFile {
  let file: String
  /// Where relative paths in the policy (the in-use list) are read from.
  let directory: URL

  /// Reads and checks the policy at `path`.
  public static func load(path: String) throws -> RetentionPolicy {
    let url = URL(fileURLWithPath: path)
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw PolicyFileError(
        file: path, line: 0, key: "", problem: "cannot be read (\(error.localizedDescription))")
    }
    return try PolicyFile(file: path, directory: url.deletingLastPathComponent()).parse(text)
  }

  public init(file: String, directory: URL) {
    self.file = file
    self.directory = directory
  }

  public func parse(_ text: String) throws -> RetentionPolicy {
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw fail(nil, "", "is not valid YAML or JSON: \(error)")
    }
    guard let root else { throw fail(nil, "", "is empty: a policy needs at least `rules`") }
    let top = try mapping(
      root, "", keys: ["version", "timeBasis", "combine", "scope", "protect", "rules", "limits"])
    if let version = top["version"], try integer(version, "version") != 1 {
      throw fail(version, "version", "only version 1 is known")
    }
    var timeBasis: TimeBasis?
    if let node = top["timeBasis"] {
      let name = try string(node, "timeBasis")
      guard let basis = TimeBasis(rawValue: name) else {
        throw fail(node, "timeBasis", "must be updated or created, not '\(name)'")
      }
      timeBasis = basis
    }
    var combination = RetentionPolicy.Combination.keepWins
    if let node = top["combine"] {
      let name = try string(node, "combine")
      guard let value = RetentionPolicy.Combination(rawValue: name) else {
        throw fail(node, "combine", "must be keep-wins or priority, not '\(name)'")
      }
      combination = value
    }
    var scope = Scope()
    if let node = top["scope"] {
      let fields = try mapping(node, "scope", keys: ["repositories", "exclude"])
      scope.repositories =
        try fields["repositories"].map { try patterns($0, "scope.repositories") } ?? []
      scope.exclude = try fields["exclude"].map { try patterns($0, "scope.exclude") } ?? []
    }
    let protect = try top["protect"].map { try protections($0, "protect") } ?? []
    guard let rulesNode = top["rules"] else { throw fail(root, "rules", "is missing") }
    let rules = try self.rules(rulesNode, combination: combination)
    var limits = Limits()
    if let node = top["limits"] {
      let fields = try mapping(node, "limits", keys: ["maxDeletes", "maxPerRepository"])
      limits.maxDeletes = try fields["maxDeletes"].map { try count($0, "limits.maxDeletes") }
      limits.maxPerRepository = try fields["maxPerRepository"].map {
        try count($0, "limits.maxPerRepository")
      }
    }
    return RetentionPolicy(
      source: file, scope: scope, protect: protect, rules: rules, combination: combination,
      limits: limits, timeBasis: timeBasis)
  }

  // MARK: sections

  func rules(_ node: Node, combination: RetentionPolicy.Combination) throws -> [Rule] {
    let items = try sequence(node, "rules")
    guard !items.isEmpty else { throw fail(node, "rules", "needs at least one rule") }
    var rules: [Rule] = []
    var ids: Set<String> = []
    var priorities: Set<Int> = []
    for (n, item) in items.enumerated() {
      let key = "rules[\(n)]"
      let fields = try mapping(
        item, key, keys: ["id", "priority", "select", "keep", "groupBy", "action"])
      let id = try fields["id"].map { try string($0, key + ".id") } ?? "rule-\(n + 1)"
      guard ids.insert(id).inserted else {
        throw fail(fields["id"], key + ".id", "'\(id)' is used twice")
      }
      var priority = n + 1
      if let node = fields["priority"] {
        priority = try integer(node, key + ".priority")
        guard priorities.insert(priority).inserted else {
          throw fail(
            node, key + ".priority", "\(priority) is used twice; priorities must be unique")
        }
      } else if combination == .priority {
        throw fail(item, key + ".priority", "is required with combine: priority")
      }
      guard let selectNode = fields["select"] else {
        throw fail(item, key + ".select", "is missing")
      }
      let selection = try self.selection(selectNode, key + ".select")
      guard let actionNode = fields["action"] else {
        throw fail(item, key + ".action", "is missing")
      }
      let actionName = try string(actionNode, key + ".action")
      guard let action = Rule.Action(rawValue: actionName) else {
        throw fail(actionNode, key + ".action", "must be untag or delete, not '\(actionName)'")
      }
      if case .tags = selection {
      } else if action == .untag {
        throw fail(
          actionNode, key + ".action",
          "untag needs a tag selection; untagged manifests can only be deleted")
      }
      var rule = Rule(id: id, priority: priority, selection: selection, action: action)
      if let keepNode = fields["keep"] {
        let keep = try mapping(keepNode, key + ".keep", keys: ["newest", "within"])
        rule.keepNewest = try keep["newest"].map { try count($0, key + ".keep.newest") }
        rule.keepWithin = try keep["within"].map { try duration($0, key + ".keep.within") }
      }
      if let node = fields["groupBy"] {
        let name = try string(node, key + ".groupBy")
        guard let grouping = Rule.Grouping(rawValue: name) else {
          throw fail(node, key + ".groupBy", "must be semver.major or semver.minor, not '\(name)'")
        }
        rule.groupBy = grouping
      }
      rules.append(rule)
    }
    return rules
  }

  func selection(_ node: Node, _ key: String) throws -> Rule.Selection {
    let fields = try mapping(node, key, keys: ["tags", "untagged", "any"])
    guard fields.count == 1 else {
      throw fail(node, key, "needs exactly one of tags, untagged or any")
    }
    if let tags = fields["tags"] { return .tags(try matcher(tags, key + ".tags")) }
    if let untagged = fields["untagged"] {
      guard try boolean(untagged, key + ".untagged") else {
        throw fail(untagged, key + ".untagged", "can only be true")
      }
      return .untagged
    }
    guard try boolean(fields["any"]!, key + ".any") else {
      throw fail(fields["any"], key + ".any", "can only be true")
    }
    return .any
  }

  func protections(_ node: Node, _ key: String) throws -> [Protection] {
    var out: [Protection] = []
    for (n, item) in try sequence(node, key).enumerated() {
      let itemKey = "\(key)[\(n)]"
      let fields = try mapping(item, itemKey, keys: ["tags", "digests", "locked", "inUse"])
      guard fields.count == 1 else {
        throw fail(item, itemKey, "needs exactly one of tags, digests, locked or inUse")
      }
      if let tags = fields["tags"] {
        out.append(.tags(try matcher(tags, itemKey + ".tags")))
      } else if let digests = fields["digests"] {
        let values = try strings(digests, itemKey + ".digests")
        for value in values where !value.hasPrefix("sha256:") && !value.hasPrefix("sha512:") {
          throw fail(digests, itemKey + ".digests", "'\(value)' is not a digest (sha256:…)")
        }
        out.append(.digests(Set(values)))
      } else if let locked = fields["locked"] {
        if try boolean(locked, itemKey + ".locked") { out.append(.locked) }
      } else if let inUse = fields["inUse"] {
        let path = try string(inUse, itemKey + ".inUse")
        let url =
          path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
          throw fail(inUse, itemKey + ".inUse", "cannot read the in-use list \(url.path)")
        }
        out.append(.inUse(InUseList(source: url.path, text: text)))
      }
    }
    return out
  }

  /// `{regex|glob|exact: one or a list, semver: RANGE}`.
  func matcher(_ node: Node, _ key: String) throws -> TagMatcher {
    let fields = try mapping(node, key, keys: ["regex", "glob", "exact", "semver"])
    guard !fields.isEmpty else { throw fail(node, key, "needs regex, glob, exact or semver") }
    var matcher = TagMatcher()
    for kind in [NamePattern.Kind.regex, .glob, .exact] {
      guard let value = fields[kind.rawValue] else { continue }
      for text in try strings(value, "\(key).\(kind.rawValue)") {
        matcher.patterns.append(try pattern(kind, text, value, "\(key).\(kind.rawValue)"))
      }
    }
    if let node = fields["semver"] {
      do {
        matcher.semver = try SemanticVersionRange(try string(node, key + ".semver"))
      } catch let error as SemanticVersionRange.Invalid {
        throw fail(node, key + ".semver", error.description)
      }
    }
    return matcher
  }

  /// Repository patterns: a plain string is a glob; `{regex|glob|exact: …}` says which.
  func patterns(_ node: Node, _ key: String) throws -> [NamePattern] {
    let items: [Node] = node.sequence.map(Array.init) ?? [node]
    var out: [NamePattern] = []
    for (n, item) in items.enumerated() {
      let itemKey = node.sequence == nil ? key : "\(key)[\(n)]"
      if item.scalar != nil {
        out.append(try pattern(.glob, try string(item, itemKey), item, itemKey))
        continue
      }
      let fields = try mapping(item, itemKey, keys: ["regex", "glob", "exact"])
      guard fields.count == 1, let (name, value) = fields.first,
        let kind = NamePattern.Kind(rawValue: name)
      else { throw fail(item, itemKey, "needs exactly one of regex, glob or exact") }
      out.append(
        try pattern(kind, try string(value, "\(itemKey).\(name)"), value, "\(itemKey).\(name)"))
    }
    return out
  }

  func pattern(_ kind: NamePattern.Kind, _ text: String, _ node: Node, _ key: String) throws
    -> NamePattern
  {
    do {
      return try NamePattern(kind, text)
    } catch {
      throw fail(node, key, error.description)
    }
  }

  // MARK: typed reads

  func fail(_ node: Node?, _ key: String, _ problem: String) -> PolicyFileError {
    PolicyFileError(file: file, line: node?.mark?.line ?? 0, key: key, problem: problem)
  }

  func mapping(_ node: Node, _ key: String, keys: Set<String>) throws -> [String: Node] {
    guard let mapping = node.mapping else {
      throw fail(
        node, key,
        key.isEmpty
          ? "is not a mapping of keys to values (a policy is a mapping with `rules`)"
          : "must be a mapping")
    }
    var out: [String: Node] = [:]
    for (keyNode, value) in mapping {
      guard let name = keyNode.string else {
        throw fail(keyNode, key, "has a key that is not text")
      }
      let path = key.isEmpty ? name : "\(key).\(name)"
      guard keys.contains(name) else {
        throw fail(
          keyNode, path, "unknown key; known here: \(keys.sorted().joined(separator: ", "))")
      }
      guard out[name] == nil else { throw fail(keyNode, path, "appears twice") }
      out[name] = value
    }
    return out
  }

  func sequence(_ node: Node, _ key: String) throws -> [Node] {
    guard let sequence = node.sequence else { throw fail(node, key, "must be a list") }
    return Array(sequence)
  }

  func string(_ node: Node, _ key: String) throws -> String {
    guard let scalar = node.scalar else { throw fail(node, key, "must be text") }
    return scalar.string
  }

  func strings(_ node: Node, _ key: String) throws -> [String] {
    if node.scalar != nil { return [try string(node, key)] }
    return try sequence(node, key).enumerated().map { try string($1, "\(key)[\($0)]") }
  }

  func integer(_ node: Node, _ key: String) throws -> Int {
    guard node.scalar != nil, let value = node.int else {
      throw fail(node, key, "must be a whole number")
    }
    return value
  }

  func count(_ node: Node, _ key: String) throws -> Int {
    let value = try integer(node, key)
    guard value >= 0 else { throw fail(node, key, "must be 0 or more") }
    return value
  }

  func boolean(_ node: Node, _ key: String) throws -> Bool {
    guard node.scalar != nil, let value = node.bool else {
      throw fail(node, key, "must be true or false")
    }
    return value
  }

  /// acr's `--ago` grammar: `[N]d` then a Go duration (`7d`, `12h`, `1d12h`).
  func duration(_ node: Node, _ key: String) throws -> Double {
    let text = try string(node, key)
    let parsed: PurgeAgo
    do {
      parsed = try PurgeAgo.parse(text)
    } catch {
      throw fail(node, key, "\(error.description) (write it as 7d, 12h or 1d12h)")
    }
    guard parsed.seconds >= 0, !parsed.capped, !text.isEmpty else {
      throw fail(node, key, "must be a duration from 0 to 150 years (7d, 12h, 1d12h)")
    }
    return parsed.seconds
  }
}
