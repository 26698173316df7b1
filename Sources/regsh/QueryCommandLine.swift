import ArgumentParser
import Shell

/// `regsh query`: flags and exit codes as `jp` has them (DESIGN.md, command-line contract).
struct QueryCommandLine: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "query",
    abstract: "Filter a JSON document with a JMESPath expression, like jp.",
    discussion: """
      Reads JSON from standard input (or -f FILE) and prints the result as JSON indented by 2.
      Exit status: 0 on success, 1 for an expression error (error: KIND: message on stderr),
      2 for input that is not JSON.

      Example:
        regsh query -f manifests.json '[?tags==null].digest'
      """
  )

  @Option(name: .shortAndLong, help: "Read the JSON document from FILE instead of standard input.")
  var file: String?

  @Flag(name: .shortAndLong, help: "Print compact JSON on one line.")
  var compact = false

  @Flag(name: .shortAndLong, help: "Print a string result without quotes.")
  var unquoted = false

  @Flag(
    help:
      "Follow the JMESPath specification exactly: no extensions, no ordering comparisons between strings."
  )
  var strict = false

  @Option(
    help: ArgumentHelp(
      "The JMESPath edition: default (jmespath.py's results, as az) or community (JMESPath Community's where they differ).",
      valueName: "dialect"))
  var dialect: String = "default"

  @Argument(help: "The JMESPath expression, e.g. \"[?tags==null].digest\".")
  var expression: String

  func validate() throws {
    guard dialect == "default" || dialect == "community" else {
      throw ValidationError(
        "--dialect takes default or community (--strict is the specification alone)")
    }
    if strict && dialect != "default" {
      throw ValidationError("--strict and --dialect \(dialect) cannot be combined")
    }
  }

  func run() throws {
    let status = QueryCommand(
      expression: expression, file: file, compact: compact, unquoted: unquoted, strict: strict,
      dialect: dialect == "community" ? .community : .default
    ).run()
    if status != .success { throw ExitCode(status.rawValue) }
  }
}
