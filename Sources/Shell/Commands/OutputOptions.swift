import ArgumentParser
import JMESPath

/// `--query` and `--output/-o`, on every command that returns a document.
public struct OutputOptions: ParsableArguments {
  @Option(
    name: .long, help: "A JMESPath expression applied to the result, e.g. \"[?tags==null].digest\"."
  )
  public var query: String?

  @Option(
    name: [.customShort("o"), .long],
    help: "Output format: json, jsonc, tsv, table, yaml, yamlc, jsonl, csv or none.")
  public var output: String = "json"

  public init() {}

  /// Both are checked as the command line is parsed, before the command runs: a command
  /// that changes a registry must not act and only then find it cannot print its outcome.
  public func validate() throws {
    guard OutputFormat(rawValue: output) != nil else {
      let names = OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
      throw ValidationError("unknown output format '\(output)'; use one of \(names)")
    }
    if let query {
      do {
        // With the registry functions, or `--query "[?timestamp < ago('30d')]"` would be
        // refused here although the session runs it.
        _ = try Expression(query, functions: Session.queryFunctions)
      } catch {
        var message = "--query: \(error.kind.rawValue): \(error.message)"
        if let diagram = error.caretDiagram(for: query) { message += "\n" + diagram }
        throw ValidationError(message)
      }
    }
  }
}

/// The values of `OutputOptions`, as a plain value that can be made without parsing.
public struct OutputSettings: Sendable {
  public var query: String?
  public var format: String

  public init(query: String? = nil, format: String = "json") {
    self.query = query
    self.format = format
  }
}

/// `--registry/-n/--name`: which registry a command addresses (az spells it `--name`).
public struct RegistryOption: ParsableArguments {
  @Option(
    name: [.customLong("registry"), .customShort("n"), .customLong("name")],
    help: "The registry (default: the one chosen with `use`).",
    transform: ArgumentCheck.registryName)
  public var name: String?

  public init() {}
}
