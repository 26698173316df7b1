import ArgumentParser
import Cleanup
import Foundation
import JMESPath
import MetadataCache

/// `policy plan|explain|apply`: retention policy files (and ECR lifecycle documents)
/// evaluated over the cache as plans, applied through the workflows. docs/cleanup.md.
public struct PolicyCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "policy",
    abstract: "Plan, explain and apply retention policies (YAML/JSON or ECR lifecycle).",
    discussion: """
      A policy file names the repositories in scope, what is protected, and rules that
      select tags (regex, glob, exact, semver) or untagged manifests, keep the newest N or
      those within a duration (optionally per semver group) and untag or delete the rest.
      `--ecr lifecycle.json --repository R` evaluates an AWS ECR lifecycle policy instead,
      with ECR's semantics. The schema and examples are in docs/cleanup.md.

      Examples:
        policy plan retention.yaml -r myregistry
        policy plan retention.yaml --out plan.json
        policy explain retention.yaml app:v1.2.3
        policy apply retention.yaml --yes --detailed-exitcode
        policy apply --plan plan.json --yes
        policy plan --ecr lifecycle.json --repository 'team/*'
      """,
    subcommands: [PolicyPlanCommand.self, PolicyExplainCommand.self, PolicyApplyCommand.self])
  public init() {}
}

/// Which policy, which registry, which time: shared by the three subcommands.
public struct PolicySourceOptions: ParsableArguments {
  @Option(help: "An AWS ECR lifecycle policy document to evaluate instead of a policy file.")
  var ecr: String?

  @Option(
    help:
      "With --ecr: a repository (or glob) the lifecycle policy belongs to; repeatable.")
  var repository: [String] = []

  @Option(
    name: [.customShort("r"), .customLong("registry")],
    help: "The registry (default: the one chosen with `use`).",
    transform: ArgumentCheck.registryName)
  var registry: String?

  @Option(
    help:
      "The time a tag or manifest is aged by: updated or created (default: the policy's, else updated)."
  )
  var timeBasis: String?

  @Flag(help: "Plan from the cache as it is, without syncing first.")
  var cached = false

  public init() {}
}

/// A policy command's failure that is the caller's to fix: printed, exit status 64 (as
/// regsh's other usage errors), nothing ran.
struct PolicyUsage: Error, CustomStringConvertible {
  let description: String
}

extension PolicySourceOptions {
  /// The policy, checked whole before anything is asked of a registry.
  func load(file: String?) throws -> RetentionPolicy {
    if let basis = timeBasis, TimeBasis(rawValue: basis) == nil {
      throw PolicyUsage(description: "--time-basis must be updated or created, not '\(basis)'")
    }
    switch (file, ecr) {
    case (nil, nil):
      throw PolicyUsage(
        description: "name a policy file, or an ECR lifecycle policy with --ecr FILE --repository R"
      )
    case (.some, .some):
      throw PolicyUsage(description: "give a policy file or --ecr, not both")
    case (let file?, nil):
      guard repository.isEmpty else {
        throw PolicyUsage(
          description:
            "--repository belongs to --ecr; a policy file names its repositories in `scope`")
      }
      return try PolicyFile.load(path: file)
    case (nil, let ecr?):
      guard !repository.isEmpty else {
        throw PolicyUsage(
          description:
            "an ECR lifecycle policy belongs to a repository: add --repository R (repeatable, or a glob)"
        )
      }
      let patterns = try repository.map {
        do {
          return try NamePattern(.glob, $0)
        } catch {
          throw PolicyUsage(description: "--repository '\($0)': \(error)")
        }
      }
      return try LifecyclePolicyDocument.load(path: ecr, repositories: patterns)
    }
  }

  /// Synced (unless --cached) and evaluated now.
  func plan(_ policy: RetentionPolicy, in session: Session, countBytes: Bool = true) async throws
    -> (RegistryInfo, PolicyPlan)
  {
    let info = try session.resolveRegistry(registry)
    if !cached { try await session.sync(info, repositories: nil) }
    let evaluation = PolicyEvaluation(
      policy: policy, now: Date(), timeBasis: timeBasis.flatMap(TimeBasis.init(rawValue:)))
    var planner = PolicyPlanner(store: try session.store(), registry: info, evaluation: evaluation)
    // The last command of a run that then exits (the session keeps its results for that
    // reason too): its facts are not worth freeing.
    planner.keepsFactsUntilExit = session.keepsIntermediateResults
    var plan = try planner.plan(countBytes: countBytes)
    if ecr != nil { plan.ecrRepositories = repository }
    return (info, plan)
  }
}

extension Session {
  /// Runs a policy command's body; a bad policy file or flag is exit status 64, as every
  /// usage error of regsh.
  func policyCommand(_ body: () async throws -> CommandResult) async throws -> CommandResult {
    do {
      return try await body()
    } catch let error as PolicyFileError {
      printError("error: " + TerminalSafeText.escapeLines(error.description))
      return CommandResult(nil, status: 64)
    } catch let error as PolicyUsage {
      printError("error: " + TerminalSafeText.escapeLines(error.description))
      return CommandResult(nil, status: 64)
    } catch let error as PolicyPlan.Unreadable {
      printError("error: " + TerminalSafeText.escapeLines(error.description))
      return CommandResult(nil, status: 64)
    }
  }
}
