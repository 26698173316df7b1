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
}
