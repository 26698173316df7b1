import Cleanup
import Foundation
import Testing

/// Bad policy files and ECR documents: each error names the file, the line and the key.
@Suite struct PolicyFileTests {
  static let cases: [(text: String, line: Int, key: String, problem: String)] = [
    ("", 0, "", "is empty"),
    ("- a\n- b\n", 1, "", "is not a mapping"),
    ("just text", 1, "", "is not a mapping"),
    (
      "rules:\n  - id: a\n    select: {tags: {regex: x}}\n    action: untag\n    kep: {newest: 1}\n",
      5,
      "rules[0].kep", "unknown key"
    ),
    (
      "rules:\n  - select: {tags: {regex: '(unclosed'}}\n    action: untag\n", 2,
      "rules[0].select.tags.regex", "invalid regular expression"
    ),
    (
      "rules:\n  - select: {untagged: true}\n    keep: {newest: three}\n    action: delete\n", 3,
      "rules[0].keep.newest", "must be a whole number"
    ),
    (
      "rules:\n  - select: {untagged: true}\n    keep: {within: 7x}\n    action: delete\n", 3,
      "rules[0].keep.within", "unknown unit"
    ),
    (
      "rules:\n  - select: {untagged: true}\n    action: untag\n", 3, "rules[0].action",
      "untag needs a tag selection"
    ),
    ("rules: {a: 1}\n", 1, "rules", "must be a list"),
    (
      "protect:\n  - tags: {semver: '>=1.x.y'}\nrules:\n  - {select: {any: true}, action: delete}\n",
      2,
      "protect[0].tags.semver", "invalid semver range"
    ),
    (
      "scope: {repositories: [{regex: '[a'}]}\nrules:\n  - {select: {any: true}, action: delete}\n",
      1,
      "scope.repositories[0].regex", "invalid regular expression"
    ),
    (
      "combine: priority\nrules:\n  - {select: {any: true}, action: delete}\n", 3,
      "rules[0].priority",
      "is required"
    ),
    (
      "{\"rules\": [{\"select\": {\"untagged\": \"yes\"}, \"action\": \"delete\"}]}", 1,
      "rules[0].select.untagged", "must be true or false"
    ),
  ]

  @Test(arguments: cases)
  func refused(_ text: String, _ line: Int, _ key: String, _ problem: String) {
    do {
      _ = try PolicyFile(file: "bad.yaml", directory: URL(fileURLWithPath: "/")).parse(text)
      Issue.record("accepted: \(text)")
    } catch let error as PolicyFileError {
      #expect(error.file == "bad.yaml")
      #expect(error.line == line, "\(error)")
      #expect(error.key == key, "\(error)")
      #expect(error.problem.contains(problem), "\(error)")
      #expect(error.description.hasPrefix(line > 0 ? "bad.yaml:\(line): " : "bad.yaml: "))
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  static func ecr(_ selection: String, priority: Int = 1) -> String {
    #"{"rulePriority": \#(priority), "selection": {\#(selection)}, "action": {"type": "expire"}}"#
  }

  static let ecrCases: [(rules: [String], key: String, problem: String)] = [
    (
      [
        ecr(
          #""tagStatus": "tagged", "tagPatternList": ["*a*b*c*d*e"], "countType": "imageCountMoreThan", "countNumber": 1"#
        )
      ],
      "rules[0].selection.tagPatternList", "more than 4 wildcards"
    ),
    (
      [ecr(#""tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 0"#)],
      "rules[0].selection.countNumber", "positive integer"
    ),
    (
      [ecr(#""tagStatus": "tagged", "countType": "imageCountMoreThan", "countNumber": 1"#)],
      "rules[0].selection", "tagPrefixList or tagPatternList is required"
    ),
    (
      [
        ecr(#""tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1"#),
        ecr(
          #""tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1"#,
          priority: 2),
      ],
      "rules[1].selection.tagStatus", "only one rule can select untagged images"
    ),
    (
      [ecr(#""tagStatus": "untagged", "countType": "sinceImagePushed", "countNumber": 1"#)],
      "rules[0].selection.countUnit", "countUnit must be days"
    ),
  ]

  @Test(arguments: ecrCases)
  func ecrValidation(_ rules: [String], _ key: String, _ problem: String) {
    do {
      _ = try LifecyclePolicyDocument.parse(
        #"{"rules": [\#(rules.joined(separator: ","))]}"#, file: "lc.json", repositories: [])
      Issue.record("accepted")
    } catch let error as PolicyFileError {
      #expect(error.key == key, "\(error)")
      #expect(error.problem.hasPrefix("Lifecycle policy validation failure: "), "\(error)")
      #expect(error.problem.contains(problem), "\(error)")
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  /// Four `*` are allowed, as ECR allows them.
  @Test func fourWildcardsAreAllowed() throws {
    let policy = try LifecyclePolicyDocument.parse(
      #"{"rules": [\#(Self.ecr(#""tagStatus": "tagged", "tagPatternList": ["*test*1*2*3"], "countType": "imageCountMoreThan", "countNumber": 1"#))]}"#,
      file: "lc.json", repositories: [])
    #expect(policy.rules.count == 1)
    #expect(policy.combination == .priority)
  }
}
