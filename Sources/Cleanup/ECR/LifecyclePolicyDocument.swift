import Foundation
import Yams

/// An AWS ECR lifecycle policy document, read as ECR reads it and checked with ECR's
/// rules, then turned into a `RetentionPolicy` with ECR's priority semantics: an image is
/// expired by at most one rule, the first by `rulePriority` whose tag selection it matches;
/// lower rules still count it. A list of several tag prefixes or patterns selects only the
/// images that have all of them; age is push time. Only `expire` is evaluated (regsh has no
/// archive storage class).
public enum LifecyclePolicyDocument {
  /// ECR's refusal, in the words of ECR's validation where it has them.
  static func invalid(_ reader: PolicyFile, _ node: Node?, _ key: String, _ problem: String)
    -> PolicyFileError
  {
    reader.fail(node, key, "Lifecycle policy validation failure: \(problem)")
  }

  public static func load(path: String, repositories: [NamePattern]) throws -> RetentionPolicy {
    let url = URL(fileURLWithPath: path)
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw PolicyFileError(
        file: path, line: 0, key: "", problem: "cannot be read (\(error.localizedDescription))")
    }
    return try parse(text, file: path, repositories: repositories)
  }

  public static func parse(_ text: String, file: String, repositories: [NamePattern]) throws
    -> RetentionPolicy
  {
    let reader = PolicyFile(file: file, directory: URL(fileURLWithPath: "."))
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch {
      throw reader.fail(nil, "", "is not valid JSON: \(error)")
    }
    guard let root else {
      throw reader.fail(nil, "", "is empty: an ECR lifecycle policy has `rules`")
    }
    let top = try reader.mapping(root, "", keys: ["rules"])
    guard let rulesNode = top["rules"] else { throw reader.fail(root, "rules", "is missing") }
    let items = try reader.sequence(rulesNode, "rules")
    guard !items.isEmpty else {
      throw invalid(reader, rulesNode, "rules", "at least one rule is required")
    }
    var rules: [Rule] = []
    var priorities: Set<Int> = []
    var untaggedRule: String?
    var anyPriority: Int?
    for (n, item) in items.enumerated() {
      let key = "rules[\(n)]"
      let fields = try reader.mapping(
        item, key, keys: ["rulePriority", "description", "selection", "action"])
      guard let priorityNode = fields["rulePriority"] else {
        throw invalid(reader, item, key + ".rulePriority", "rulePriority is required")
      }
      let priority = try reader.integer(priorityNode, key + ".rulePriority")
      guard priority >= 1 else {
        throw invalid(
          reader, priorityNode, key + ".rulePriority", "rulePriority must be a positive integer")
      }
      guard priorities.insert(priority).inserted else {
        throw invalid(
          reader, priorityNode, key + ".rulePriority", "rulePriority \(priority) is not unique")
      }
      if let description = fields["description"] {
        _ = try reader.string(description, key + ".description")
      }
      guard let actionNode = fields["action"] else {
        throw invalid(reader, item, key + ".action", "action is required")
      }
      let action = try reader.mapping(
        actionNode, key + ".action", keys: ["type", "targetStorageClass"])
      let type = try action["type"].map { try reader.string($0, key + ".action.type") }
      guard type == "expire" else {
        throw invalid(
          reader, action["type"] ?? actionNode, key + ".action.type",
          "action type '\(type ?? "")' is not evaluated by regsh; only expire is")
      }
      guard let selectionNode = fields["selection"] else {
        throw invalid(reader, item, key + ".selection", "selection is required")
      }
      let selectKey = key + ".selection"
      let selection = try reader.mapping(
        selectionNode, selectKey,
        keys: [
          "tagStatus", "tagPrefixList", "tagPatternList", "countType", "countUnit", "countNumber",
          "storageClass",
        ])
      guard let statusNode = selection["tagStatus"] else {
        throw invalid(reader, selectionNode, selectKey + ".tagStatus", "tagStatus is required")
      }
      let status = try reader.string(statusNode, selectKey + ".tagStatus")
      let prefixes = try selection["tagPrefixList"].map {
        try reader.strings($0, selectKey + ".tagPrefixList")
      }
      let patterns = try selection["tagPatternList"].map {
        try reader.strings($0, selectKey + ".tagPatternList")
      }
      var ruleSelection: Rule.Selection
      switch status {
      case "tagged":
        guard prefixes != nil || patterns != nil else {
          throw invalid(
            reader, selectionNode, selectKey,
            "tagPrefixList or tagPatternList is required when tagStatus is tagged")
        }
        guard prefixes == nil || patterns == nil else {
          throw invalid(
            reader, selectionNode, selectKey,
            "tagPrefixList and tagPatternList cannot both be given")
        }
        var matcher = TagMatcher(everyPattern: true)
        for prefix in prefixes ?? [] {
          guard !prefix.isEmpty else {
            throw invalid(
              reader, selection["tagPrefixList"], selectKey + ".tagPrefixList",
              "a tag prefix cannot be empty")
          }
          matcher.patterns.append(
            try reader.pattern(
              .regex, NSRegularExpression.escapedPattern(for: prefix) + ".*",
              selection["tagPrefixList"]!, selectKey + ".tagPrefixList"))
        }
        for pattern in patterns ?? [] {
          guard pattern.filter({ $0 == "*" }).count <= 4 else {
            throw invalid(
              reader, selection["tagPatternList"], selectKey + ".tagPatternList",
              "tag pattern '\(pattern)' has more than 4 wildcards (*)")
          }
          let expression = pattern.split(separator: "*", omittingEmptySubsequences: false)
            .map { NSRegularExpression.escapedPattern(for: String($0)) }.joined(separator: ".*")
          matcher.patterns.append(
            try reader.pattern(
              .regex, expression, selection["tagPatternList"]!, selectKey + ".tagPatternList"))
        }
        guard !matcher.patterns.isEmpty else {
          throw invalid(
            reader, selectionNode, selectKey, "the tag list of a tagged rule cannot be empty")
        }
        ruleSelection = .tags(matcher)
      case "untagged", "any":
        guard prefixes == nil, patterns == nil else {
          throw invalid(
            reader, selectionNode, selectKey,
            "tagPrefixList and tagPatternList are not allowed when tagStatus is \(status)")
        }
        if let other = untaggedRule {
          throw invalid(
            reader, statusNode, selectKey + ".tagStatus",
            "only one rule can select untagged images (\(other) already does)")
        }
        untaggedRule = "rulePriority \(priority)"
        if status == "any" { anyPriority = priority }
        ruleSelection = status == "any" ? .any : .untagged
      default:
        throw invalid(
          reader, statusNode, selectKey + ".tagStatus",
          "tagStatus must be tagged, untagged or any, not '\(status)'")
      }
      if let storage = selection["storageClass"],
        try reader.string(storage, selectKey + ".storageClass") != "standard"
      {
        throw invalid(
          reader, storage, selectKey + ".storageClass",
          "only the standard storage class is evaluated by regsh")
      }
      guard let countTypeNode = selection["countType"] else {
        throw invalid(reader, selectionNode, selectKey + ".countType", "countType is required")
      }
      guard let numberNode = selection["countNumber"] else {
        throw invalid(reader, selectionNode, selectKey + ".countNumber", "countNumber is required")
      }
      let number = try reader.integer(numberNode, selectKey + ".countNumber")
      guard number >= 1 else {
        throw invalid(
          reader, numberNode, selectKey + ".countNumber",
          "countNumber must be a positive integer, not \(number)")
      }
      var rule = Rule(
        id: "rulePriority \(priority)", priority: priority, selection: ruleSelection,
        action: .delete)
      switch try reader.string(countTypeNode, selectKey + ".countType") {
      case "imageCountMoreThan":
        if let unit = selection["countUnit"] {
          throw invalid(
            reader, unit, selectKey + ".countUnit",
            "countUnit is not allowed with imageCountMoreThan")
        }
        rule.keepNewest = number
      case "sinceImagePushed":
        guard let unit = selection["countUnit"],
          try reader.string(unit, selectKey + ".countUnit") == "days"
        else {
          throw invalid(
            reader, selection["countUnit"] ?? selectionNode, selectKey + ".countUnit",
            "countUnit must be days with sinceImagePushed")
        }
        rule.keepWithin = Double(number) * 86_400
      case let other:
        throw invalid(
          reader, countTypeNode, selectKey + ".countType",
          "countType '\(other)' is not evaluated by regsh; use imageCountMoreThan or sinceImagePushed"
        )
      }
      rules.append(rule)
    }
    if let anyPriority, rules.contains(where: { $0.priority > anyPriority }) {
      throw invalid(
        reader, rulesNode, "rules",
        "the rule with tagStatus any must have the highest rulePriority (it has \(anyPriority))")
    }
    return RetentionPolicy(
      source: file, scope: Scope(repositories: repositories), rules: rules,
      combination: .priority, timeBasis: .updated)
  }
}
