import ArgumentParser
import Foundation
import ImageActions
import JMESPath

/// `export FILE`: writes the current result to a file, in a format chosen by the file's
/// extension or `--format`. `export --oci DIR`: copies the images themselves into OCI
/// image layouts, one per repository (`DIR/REPO`), which skopeo and umoci read and regsh
/// can use as a registry (`registry add backup oci:DIR`, `restore --from DIR`).
public struct ExportCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write the current result to a file, or copy images into OCI layouts (--oci).",
    discussion: """
      As a pipeline stage it writes what the previous stage produced; alone, the last result.
      With --oci DIR it copies the images named as arguments or by the previous stage
      (digests, repo@digest, repo:tag, manifest documents) — manifests, configs, layers and
      index children, with their tags — into DIR/REPO, an OCI image layout per repository.

      Examples:
        manifests acr-helloworld | [?tags==null] | export untagged.csv
        manifests --all --detail | export everything.jsonl
        export --oci ./backup acr-helloworld:v1
        manifests acr-helloworld | [?tags==null] | export --oci ./backup
      """)

  @Argument(help: "The file to write (replaced if it exists); with --oci, the images to copy.")
  var arguments: [String] = []

  @Option(help: "Copy images into OCI layouts under this directory instead.")
  var oci: String?

  @OptionGroup var registry: RegistryOption

  @OptionGroup public var output: OutputOptions

  @Option(help: "json, jsonl, csv, tsv or yaml (default: from the file's extension).")
  var format: String?

  public init() {}

  static let formatsByExtension: [String: OutputFormat] = [
    "json": .json, "jsonl": .jsonl, "ndjson": .jsonl, "csv": .csv, "tsv": .tsv, "yaml": .yaml,
    "yml": .yaml,
  ]

  /// The document's format and the file name are checked as the command line is parsed.
  public func validate() throws {
    if let format, Self.formatsByExtension[format] == nil {
      throw ValidationError("--format must be json, jsonl, csv, tsv or yaml, not '\(format)'")
    }
    guard oci == nil else { return }
    guard arguments.count == 1, let file = arguments.first else {
      throw ValidationError("usage: export FILE, or export --oci DIR [IMAGE…]")
    }
    if format == nil,
      Self.formatsByExtension[URL(fileURLWithPath: file).pathExtension.lowercased()] == nil
    {
      throw ValidationError(
        "cannot tell the format of '\(file)': pass --format json, jsonl, csv, tsv or yaml")
    }
  }

  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    if let oci { return try await exportImages(to: oci, in: session, input: input) }
    guard arguments.count == 1, let file = arguments.first else {
      throw ShellError.usage("usage: export FILE, or export --oci DIR [IMAGE…]")
    }
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

  /// `--oci DIR`: the images, not the document.
  func exportImages(to directory: String, in session: Session, input: JSON?) async throws
    -> CommandResult
  {
    let info = try session.resolveRegistry(registry.name)
    let targets = try session.actionTargets(
      arguments: arguments, input: input, repository: nil, verb: "export")
    try await session.prepareCache(info, for: targets)
    let (resolved, skipped) = try ActionTarget.resolve(
      targets, store: try session.store(), registryId: info.id)
    let layout = try LayoutBackup(directory: directory, create: true)
    let (copied, failed) = try await layout.copy(
      resolved.map(\.manifest), from: try session.client(for: info),
      progress: session.actionProgress("exporting"))
    let problems = skipped + failed
    for line in session.describe(skipped: problems) { session.printError(line) }
    session.printError(
      "exported \(copied.count) image\(copied.count == 1 ? "" : "s") to \(directory)")
    let document: JSON = .object([
      "directory": .string(directory),
      "exported": .array(
        copied.map {
          .object([
            "repository": .string($0.repository), "digest": .string($0.digest.description),
            "tags": .array($0.tags.map(JSON.string)),
          ])
        }),
      "skipped": .array(
        problems.map {
          .object(["reference": .string($0.reference), "reason": .string($0.reason.description)])
        }),
    ])
    return CommandResult(document, output: output, status: problems.isEmpty ? 0 : 1)
  }
}
