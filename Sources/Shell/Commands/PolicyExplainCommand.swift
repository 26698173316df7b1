import ArgumentParser
import Cleanup
import Foundation
import JMESPath

/// `policy explain FILE REF`: why a tag or manifest stays or goes under the policy.
public struct PolicyExplainCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "explain",
    abstract: "Say why a tag or digest stays or goes under a policy.",
    discussion: """
      REF is repository:tag, repository@digest, or a bare tag or digest (every repository
      in scope). With --ecr, give REF alone.
      """)

  @Argument(help: "The policy file (omit with --ecr), then the reference.")
  var arguments: [String] = []

  @OptionGroup var source: PolicySourceOptions

  @OptionGroup var outputOptions: OutputOptions

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let arguments = self.arguments
    let source = self.source
    let outputOptions = self.outputOptions
    return try await session.policyCommand {
      let expected = source.ecr == nil ? 2 : 1
      guard arguments.count == expected else {
        throw PolicyUsage(
          description: source.ecr == nil
            ? "give the policy file and one reference: policy explain FILE REF"
            : "with --ecr, give one reference: policy explain --ecr FILE --repository R REF")
      }
      let reference = arguments.last!
      let policy = try source.load(file: source.ecr == nil ? arguments[0] : nil)
      let (_, plan) = try await source.plan(policy, in: session, countBytes: false)
      let found = plan.decisions.filter { Self.names($0, reference) }
      guard !found.isEmpty else {
        var why =
          "no rule of the policy selects it (or it is not in the policy's scope, or not in the cache)"
        if let protected = try Self.protection(of: reference, policy: policy, source, session),
          !protected.isEmpty
        {
          why = "stays: no rule selects it, and " + protected.joined(separator: "; ")
        }
        let document: JSON = .object([
          "reference": .string(reference), "action": .string("keep"), "why": .string(why),
        ])
        return CommandResult(document, output: outputOptions)
      }
      return CommandResult(
        found.count == 1 ? Self.explanation(found[0]) : .array(found.map(Self.explanation)),
        output: outputOptions)
    }
  }

  static func names(_ decision: PolicyDecision, _ reference: String) -> Bool {
    if reference == decision.name { return true }
    if decision.kind == .tag {
      return reference == decision.reference
        || reference == "\(decision.repository)@\(decision.digest)"
        || reference == decision.digest
    }
    return reference == decision.digest
      || decision.tags.contains { reference == $0 || reference == "\(decision.repository):\($0)" }
  }

  static func explanation(_ decision: PolicyDecision) -> JSON {
    let why: String
    switch decision.action {
    case .keep:
      why = "stays: " + decision.keptBy.joined(separator: "; ")
    case .untag, .delete:
      why =
        "goes (\(decision.action.rawValue)): chosen by " + decision.chosenBy.joined(separator: ", ")
        + ", and nothing keeps it"
    }
    var document = decision.document
    if case .object(var object) = document {
      object["why"] = .string(why)
      document = .object(object)
    }
    return document
  }

  /// What protects `repository:tag` or `repository@digest` under the policy (nil when the
  /// reference names no repository in scope).
  static func protection(
    of reference: String, policy: RetentionPolicy, _ source: PolicySourceOptions,
    _ session: Session
  ) throws -> [String]? {
    let separator = reference.firstIndex(of: "@") ?? reference.lastIndex(of: ":")
    guard let separator, reference[separator...].count > 1 else { return nil }
    let repository = String(reference[..<separator])
    guard policy.covers(repository: repository) else { return nil }
    let info = try session.resolveRegistry(source.registry)
    let facts = try session.store().retentionFacts(
      registryId: info.id, repository: repository, manifests: true)
    return PolicyEvaluation(policy: policy, now: Date()).protectionReasons(
      facts, reference: String(reference[reference.index(after: separator)...]))
  }
}
