import ArgumentParser
import Cleanup
import Foundation
import ImageActions
import JMESPath
import MetadataCache
import RegistryAPI

/// `purge` (also `acr purge`): `acr purge`'s flags and output, run through regsh's workflows,
/// so every deletion gets the live re-check, protection, the audit log and restore.
public struct PurgeCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "purge",
    abstract: "Delete old tags and untagged manifests, as `acr purge` does (unattended).",
    discussion: """
      A drop-in for `acr purge`: the same flags, defaults and output lines. Tags that match
      a filter and are older than --ago are removed, newest first, skipping the --keep
      newest eligible ones per repository; with --untagged, manifests no tag points at then
      go too (--untagged-only: only those). Tagged manifests, manifests newer than the
      cutoff or without a readable time, referrers (signatures, SBOMs), locked manifests
      and everything a kept index lists stay; --keep never splits an index from its
      children. Nothing is asked; --max-deletes refuses a plan that is too big. Two purges
      of one registry never run at once. See docs/cleanup.md.

      Examples:
        purge -r myregistry --filter 'hello-world:.*' --ago 1d --untagged --dry-run
        purge -r myregistry --filter 'app:^v1' --ago 30d --keep 5 --max-deletes 500
        acr purge --untagged-only --ago 7d
      """)

  @Option(
    name: [.customShort("r"), .customLong("registry")],
    help:
      "The registry (a registry name or login server; default: ACR_DEFAULT_REGISTRY, else the one chosen with `use`).",
    transform: ArgumentCheck.registryName)
  var registry: String?

  @Option(
    name: [.customShort("f"), .customLong("filter")],
    help: ArgumentHelp(
      "Repository and tag regular expressions, REPO_REGEX:TAG_REGEX (repeatable); the repository part is matched whole, the tag part anywhere in the tag.",
      valueName: "filter"))
  var filter: [String] = []

  // The value is taken whatever it starts with, as acr's flag parser does: `--ago -1d`.
  @Option(
    parsing: .unconditional,
    help: "Delete what is older than this: [N]d followed by a Go duration (15m, 3d, 1d1h3m).")
  var ago: String = ""

  @Option(
    help: "Keep this many of the newest eligible tags (and untagged manifests) per repository.")
  var keep: Int = 0

  @Flag(help: "Also delete manifests no tag points at, after the tags.")
  var untagged = false

  @Flag(help: "Delete only manifests no tag points at; no tags are removed.")
  var untaggedOnly = false

  @Flag(help: "Show what would be deleted, checked live, and change nothing.")
  var dryRun = false

  @Flag(help: "Also consider locked tags and manifests (protection rules still apply).")
  var includeLocked = false

  @Option(help: "How many deletes run at once (1-32; default: the number of processors).")
  var concurrency: Int?

  // acr's default is 100; regsh lets the registry choose unless the flag is given, since
  // the client's page size also pages tag lists.
  @Option(
    help:
      "Repositories per catalog page when the registry is listed (also pages tag lists; default: the registry's)."
  )
  var repositoryPageSize: Int32?

  @Option(
    help: "Accepted for acr purge's command lines; regsh's regular expressions need no timeout.")
  var filterTimeoutSeconds: Int64 = 60

  @Option(help: "Refuse the whole run when the plan deletes more tags and manifests than this.")
  var maxDeletes: Int?

  @Option(help: "The time a tag or manifest is aged by: updated (default) or created.")
  var timeBasis: String = "updated"

  @Flag(
    help:
      "Plan from the cache as it is, without syncing first; with --dry-run nothing is asked of the registry."
  )
  var cached = false

  @Flag(
    help:
      "Exit 0 when there is nothing to delete, 2 when deletions are planned (dry run) or made, 1 on error."
  )
  var detailedExitcode = false

  @Option(
    name: [.customShort("o"), .long],
    help:
      "Print the plan (dry run) or outcome document in this format (json, yaml, …) instead of acr's lines."
  )
  var output: String?

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    // Everything about the flags is checked before the registry is touched, as acr does.
    var options = PurgeOptions()
    options.filters = filter
    options.ago = ago
    options.keep = keep
    options.untagged = untagged
    options.untaggedOnly = untaggedOnly
    options.includeLocked = includeLocked
    guard let basis = TimeBasis(rawValue: timeBasis) else {
      throw ShellError.usage("--time-basis must be updated or created, not '\(timeBasis)'")
    }
    options.timeBasis = basis
    if let output, OutputFormat(rawValue: output) == nil {
      throw ShellError.usage("unknown output format '\(output)'")
    }
    if let maxDeletes, maxDeletes < 0 {
      throw ShellError.usage("--max-deletes must be 0 or more, not \(maxDeletes)")
    }
    let checked: PurgeOptions.Checked
    do {
      checked = try options.check(now: Date())
    } catch {
      throw ShellError.failed(error.description)
    }
    if let repositoryPageSize, repositoryPageSize <= 0 {
      throw ShellError.failed("--repository-page-size must be at least 1")
    }
    let text = output == nil
    if text, dryRun {
      session.print(
        "DRY RUN: The following output shows what WOULD be deleted if the purge command was executed. Nothing is deleted."
      )
    }
    for warning in checked.warnings { session.print(warning) }
    let concurrency = effectiveConcurrency(text ? session.print : { _ in })

    let name =
      registry ?? session.environment["ACR_DEFAULT_REGISTRY"].flatMap { $0.isEmpty ? nil : $0 }
    guard name != nil || session.currentRegistry != nil else {
      throw ShellError.failed("unable to determine registry name, please use --registry flag")
    }
    let info = try session.resolveRegistry(name)
    // A dry run changes nothing, so only real runs take the registry's lease, before the
    // sync and the plan; a second purge of the registry fails at once, with who holds it.
    let leased =
      dryRun
      ? nil : try await session.actionContext(info, concurrency: concurrency).leased(wait: false)
    defer { withExtendedLifetime(leased) {} }
    if !cached { try await syncForPurge(session, info, checked.policy) }

    let planner = CleanupPlanner(store: try session.store(), registry: info, policy: checked.policy)
    // Only the dry run's plan document lists what stays.
    let plan = try planner.plan(listingKept: dryRun && !text)
    for missing in literalRepositoriesMissing(checked.policy, plan) where text {
      session.print("\(TerminalSafeText.escape(missing)) repository not found")
    }
    let log = PurgeLog(host: Self.loginServer(info), dryRun: dryRun, printing: text)
    defer { log.flush() }
    var counts = PurgeRunner.Counts()
    if dryRun && cached {
      // Nothing is asked of the registry: the plan as the cache has it.
      (counts.tags, counts.manifests) = planner.report(plan, onEvent: log.record)
    } else {
      let runner = PurgeRunner(
        context: try leased ?? session.actionContext(info, concurrency: concurrency),
        policy: checked.policy,
        maxDeletes: maxDeletes, concurrency: concurrency)
      counts = try await runner.run(plan, dryRun: dryRun, onEvent: log.record)
    }
    log.flush()
    if text {
      session.print(
        dryRun
          ? "\nNumber of tags to be deleted: \(counts.tags)\nNumber of manifests to be deleted: \(counts.manifests)"
          : "\nNumber of deleted tags: \(counts.tags)\nNumber of deleted manifests: \(counts.manifests)"
      )
      for line in session.describe(skipped: log.skipped) { session.printError(line) }
      // A plan of a million decisions is freed while the process goes on (or exits).
      BackgroundRelease.release(consume plan)
      return CommandResult(nil, status: status(counts))
    }
    let document = dryRun ? plan.document : log.outcomeDocument(registry: info.name, counts: counts)
    return CommandResult(document, output: nil, status: status(counts)).formatted(output ?? "json")
  }

  /// acr's 0 or 1; with --detailed-exitcode, 2 when anything was (or would be) deleted, so
  /// a scheduled job can tell "cleaned up" from "nothing to do".
  func status(_ counts: PurgeRunner.Counts) -> Int32 {
    if counts.failures > 0 { return 1 }
    return detailedExitcode && counts.tags + counts.manifests > 0 ? 2 : 0
  }

  /// acr's rule: 0 or less → the default, with its message; more than 32 → 32.
  func effectiveConcurrency(_ say: (String) -> Void) -> Int {
    let processors = max(1, ProcessInfo.processInfo.activeProcessorCount)
    guard let concurrency else { return min(processors, 32) }
    if concurrency <= 0 {
      say("Specified concurrency value invalid. Set to default value: \(min(processors, 32)) ")
      return min(processors, 32)
    }
    if concurrency > 32 {
      say("Specified concurrency value too large. Set to maximum value: 32 ")
      return 32
    }
    return concurrency
  }

  /// The repositories a purge may touch, synced first: those the cache knows and those a
  /// filter names literally (acr lists the registry; regsh plans from its cache).
  func syncForPurge(_ session: Session, _ info: RegistryInfo, _ policy: PurgePolicy) async throws {
    guard let repositoryPageSize else {
      try await session.sync(info, repositories: nil)
      return
    }
    // A client of its own, paging the catalog as asked (`n=`); the session's clients keep
    // the registry's page size for every other command.
    var options = try session.baseRegistryOptions()
    options.insecure = info.insecure
    options.pageSize = Int(repositoryPageSize)
    switch info.flavor {
    case "acr": options.flavor = .acr
    case "distribution": options.flavor = .distribution
    default: options.flavor = .automatic
    }
    let client = try RegistryClient(server: info.url, options: options)
    let report = try await Synchronizer(store: try session.store(), registry: info, client: client)
      .sync(repositories: nil)
    for skipped in report.skipped {
      session.printError(Session.describe(skipped, on: info.name))
    }
  }

  /// Filters whose repository part is a plain name the cache does not hold: acr's
  /// "R repository not found".
  func literalRepositoriesMissing(_ policy: PurgePolicy, _ plan: CleanupPlan) -> [String] {
    let known = Set(plan.repositories.map(\.repository))
    let special = Set("\\^$.|?*+()[]{}")
    return policy.filters.map(\.repositoryPattern).filter {
      !$0.contains(where: special.contains) && !known.contains($0)
    }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
  }

  /// The login server acr prints before each reference: the registry URL's host[:port].
  static func loginServer(_ info: RegistryInfo) -> String {
    guard !info.url.hasPrefix("oci:") else { return info.name }
    let text = info.url.contains("://") ? info.url : "https://" + info.url
    guard let url = URL(string: text), let host = url.host else { return info.name }
    return url.port.map { "\(host):\($0)" } ?? host
  }
}

extension CommandResult {
  func formatted(_ format: String) -> CommandResult {
    var result = self
    result.output = OutputSettings(query: nil, format: format)
    return result
  }
}
