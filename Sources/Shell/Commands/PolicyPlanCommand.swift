import ArgumentParser
import Cleanup
import Foundation
import JMESPath

/// `policy plan FILE`: every candidate, its action, the rules that chose and kept it, its
/// time and the bytes freed, and the totals. Changes nothing.
public struct PolicyPlanCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Print what a policy would untag, delete and keep, and why (changes nothing).")

  @Argument(help: "The policy file (YAML or JSON).")
  var file: String?

  @OptionGroup var source: PolicySourceOptions

  @Option(help: "Also save the plan here, for `policy apply --plan`.")
  var out: String?

  @Flag(help: "Exit 0 when there is nothing to do, 2 when changes are planned, 1 on error.")
  var detailedExitcode = false

  @OptionGroup var outputOptions: OutputOptions

  public init() {}

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    try await plan(in: session, printsDirectly: false)
  }

  /// From the system command line (`regsh policy plan …`): nothing reads the result after
  /// it is printed, so `-o none` builds no document and `-o json` is written as it is made.
  public mutating func run() async throws {
    let session = Session()
    session.keepsIntermediateResults = true
    let status: Int32
    do {
      let result = try await plan(in: session, printsDirectly: true)
      try session.emit(result)
      status = result.status
    } catch {
      session.report(error)
      status = 1
    }
    if status != 0 { throw ExitCode(status) }
  }

  /// With `printsDirectly` (no stage, `_` or `--query` will read the document), the plan
  /// is printed here when its output needs no document, and the result carries none.
  func plan(in session: Session, printsDirectly: Bool) async throws -> CommandResult {
    let file = self.file
    let source = self.source
    let out = self.out
    let detailed = detailedExitcode
    let outputOptions = self.outputOptions
    return try await session.policyCommand {
      let policy = try source.load(file: file)
      let (_, plan) = try await source.plan(policy, in: session)
      if let out { try Self.save(plan, to: out) }
      let status: Int32 = detailed && plan.decisions.contains(where: \.goes) ? 2 : 0
      if printsDirectly, outputOptions.query == nil,
        try Self.printed(plan, format: outputOptions.output, in: session)
      {
        // A run that exits now has no use for freeing a million decisions first.
        if session.keepsIntermediateResults {
          BackgroundRelease.keep(consume plan)
        } else {
          BackgroundRelease.release(consume plan)
        }
        return CommandResult(nil, output: outputOptions, status: status)
      }
      let document = plan.document
      // A plan of a million decisions is freed while the process goes on (or exits); a
      // one-shot run keeps its document until exit, as the session keeps its last result.
      BackgroundRelease.release(consume plan)
      if session.keepsIntermediateResults { ProcessLifetime.keep(document) }
      return CommandResult(document, output: outputOptions, status: status)
    }
  }

  /// The plan's document written to `path` as it is made (the bytes of
  /// `JSONWriter().string(plan.document)`), for `policy apply --plan`.
  static func save(_ plan: PolicyPlan, to path: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else {
      throw ShellError.failed(
        "cannot write the plan to \(path): \(String(cString: strerror(errno)))")
    }
    let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
    defer { close(fd) }
    do {
      try plan.writeDocument { try handle.write(contentsOf: Data($0)) }
    } catch {
      throw ShellError.failed("cannot write the plan to \(path): \(error.localizedDescription)")
    }
  }

  /// Prints the plan without a document where `format` allows (`none`: nothing; `json`,
  /// and `jsonc` without colour: the text as `OutputRenderer` renders it, a piece at a
  /// time); false when the caller must render a document.
  static func printed(_ plan: PolicyPlan, format: String, in session: Session) throws -> Bool {
    let renderer = try session.renderer(format: format, fromQuery: false)
    switch renderer.format {
    case .none:
      return true
    case .json,
      .jsonc where !renderer.color:
      // Escaped a piece at a time, as the renderer escapes the whole text: the escape maps
      // each character alone, and a piece ends after a whole candidate.
      plan.writeDocument { piece in
        if OutputRenderer.holdsDELOrC1(piece) {
          ByteIO.write(
            Array(TerminalSafeText.escapeJSON(String(decoding: piece, as: UTF8.self)).utf8))
        } else {
          ByteIO.write(piece)
        }
      }
      ByteIO.write([UInt8(ascii: "\n")])
      return true
    default:
      return false
    }
  }
}
