import Foundation
import TestSupport
import Testing

/// Everything a command that changes a registry could change, read back: the local (oci:)
/// registry's files, the cache (every table, dumped by Debian's sqlite3), the audit log as
/// `regsh audit` prints it, and the files an export would write.
struct UnchangedState: Equatable {
  var registryFiles: [String]
  var cacheDump: String
  var audit: String
  var scratchFiles: [String]

  static let sqlite3: String? = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  /// Reads the state of a regsh home whose registry is the layout directory `registry`.
  static func read(home: URL, registry: URL, scratch: URL) throws -> UnchangedState {
    guard let sqlite3 else {
      throw TestFailure("sqlite3 is not installed (scripts/install-deps test installs it)")
    }
    let dump = try run(sqlite3, [home.appendingPathComponent("cache.sqlite").path, ".dump"])
    let audit = try RegshProcess.run(["audit"], environment: ["REGSH_HOME": home.path])
    guard audit.status == 0 else { throw TestFailure("regsh audit failed: \(audit.stderr)") }
    return UnchangedState(
      registryFiles: try files(under: registry, contents: true),
      cacheDump: dump, audit: audit.stdout, scratchFiles: try files(under: scratch, contents: false)
    )
  }

  /// Each file under `directory` as "path size", and for an `index.json` (where tags and
  /// manifests are listed; blobs are named by their digest) its text too.
  static func files(under directory: URL, contents: Bool) throws -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: directory.path) else { return [] }
    var lines: [String] = []
    while let path = walker.nextObject() as? String {
      let url = directory.appendingPathComponent(path)
      let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
      var line =
        "\(path) \(attributes[.type] as? FileAttributeType == .typeDirectory ? "dir" : "\(attributes[.size] ?? 0)")"
      if contents, url.lastPathComponent == "index.json" {
        line += " " + (try String(contentsOf: url, encoding: .utf8))
      }
      lines.append(line)
    }
    return lines.sorted()
  }

  static func run(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw TestFailure("\(executable) \(arguments.joined(separator: " ")) failed")
    }
    return String(decoding: data, as: UTF8.self)
  }

  /// What differs, for a failure message.
  func differences(from other: UnchangedState) -> [String] {
    var found: [String] = []
    if registryFiles != other.registryFiles {
      found.append(
        "registry files: \(Set(registryFiles).symmetricDifference(other.registryFiles).sorted())")
    }
    if cacheDump != other.cacheDump {
      let before = cacheDump.split(separator: "\n")
      let after = other.cacheDump.split(separator: "\n")
      // Rows as sqlite3 prints them; blobs make them long, so each is cut short.
      let rows = Set(before).symmetricDifference(after).sorted().prefix(10).map { $0.prefix(200) }
      found.append("cache rows: \(rows)")
    }
    if audit != other.audit {
      found.append("audit log: \(audit.prefix(500)) → \(other.audit.prefix(500))")
    }
    if scratchFiles != other.scratchFiles {
      found.append("files written: \(Set(scratchFiles).symmetricDifference(other.scratchFiles))")
    }
    return found
  }
}
