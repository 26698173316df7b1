import ArgumentParser
import Foundation
import JMESPath

/// `export FILE`: writes the current result to a file, in a format chosen by the file's
/// extension or `--format`. (`export --oci DIR`, copying images, comes with the actions.)
public struct ExportCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write the current result to a file (json, jsonl, csv, tsv or yaml).",
    discussion: """
      As a pipeline stage it writes what the previous stage produced; alone, the last result.

      Examples:
        manifests acr-helloworld | [?tags==null] | export untagged.csv
        manifests --all --detail | export everything.jsonl
      """)

  @Argument(help: "The file to write (replaced if it exists).")
  var file: String

  @Option(help: "json, jsonl, csv, tsv or yaml (default: from the file's extension).")
  var format: String?

  public init() {}

  static let formatsByExtension: [String: OutputFormat] = [
    "json": .json, "jsonl": .jsonl, "ndjson": .jsonl, "csv": .csv, "tsv": .tsv, "yaml": .yaml,
    "yml": .yaml,
  ]

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    guard let value = input ?? session.lastResult else {
      throw ShellError.usage(
        "nothing to export: run a command first, or use export as a pipeline stage")
    }
    let url = URL(fileURLWithPath: file)
    let name = format ?? url.pathExtension.lowercased()
    guard let outputFormat = Self.formatsByExtension[name] else {
      throw ShellError.usage(
        "cannot tell the format of '\(file)': pass --format json, jsonl, csv, tsv or yaml")
    }
    let text = OutputRenderer(format: outputFormat, color: false, fromQuery: true).render(value)
    // Written beside the target and renamed, so a failure never leaves half a file.
    let temporary = url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.lastPathComponent).regsh-\(getpid())")
    do {
      try Data(text.utf8).write(to: temporary)
      guard rename(temporary.path, url.path) == 0 else {
        throw ShellError.failed(String(cString: strerror(errno)))
      }
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw ShellError.failed("cannot write \(file): \(error.localizedDescription)")
    }
    let count = value.arrayValue?.count ?? 1
    session.printError("exported \(count) item\(count == 1 ? "" : "s") to \(file)")
    return .nothing
  }
}
