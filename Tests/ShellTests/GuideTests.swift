import Foundation
import TestSupport
import Testing

/// docs/guide.md cannot drift from the program: every command it shows runs, in order,
/// against a fresh demo registry, and must print what the guide shows (digests and times
/// aside). `REGSH_GUIDE_RECORD=1` rewrites the guide's outputs from a run instead.
@Suite(.serialized) struct GuideTests {
  static let guide = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("docs/guide.md")

  @Test(arguments: StoreUnderTest.available)
  func everyCommandInTheGuidePrintsWhatTheGuideShows(_ store: StoreUnderTest) throws {
    try GuideStep.checkDocument(Self.guide, atLeast: 15, environment: try store.environment())
  }

  @Test func normalizingSetsAsideDigestsTimesAndTheHomeDirectoryOnly() {
    let digest = "sha256:" + String(repeating: "0f", count: 32)
    #expect(
      GuideStep.normalized("\(digest)  2018-07-12T15:52:00.0000000Z \n\n")
        == "sha256:<digest>  <time>")
    #expect(GuideStep.normalized("deleting [##] 1/1\r\u{1B}[Kdone") == "done")
    #expect(GuideStep.normalized("v1") != GuideStep.normalized("v2"))
  }
}

/// One `$ command` of a ```console block and the output shown under it.
struct GuideStep {
  var command: String
  var expected: String
  /// Where the command starts in the guide (1-based), for failure messages.
  var line: Int

  /// Runs every step of the document at `url` in order, in a fresh REGSH_HOME, and expects
  /// each to print what the document shows (normalized). With `REGSH_GUIDE_RECORD=1` it
  /// rewrites the document's outputs from the run instead.
  static func checkDocument(
    _ url: URL, atLeast minimum: Int, environment: [String: String] = [:]
  ) throws {
    let text = try String(contentsOf: url, encoding: .utf8)
    let steps = parse(text)
    let name = "docs/" + url.lastPathComponent
    #expect(steps.count >= minimum, "\(name) lost its commands")
    let home = try TemporaryDirectory()
    let record = ProcessInfo.processInfo.environment["REGSH_GUIDE_RECORD"] == "1"
    var outputs: [String] = []
    for step in steps {
      let actual = try step.run(home: home.url, environment: environment)
      outputs.append(actual)
      if !record {
        #expect(
          normalized(actual) == normalized(step.expected),
          "\(name) line \(step.line): \(step.command)")
      }
    }
    if record {
      try rewrite(text, with: outputs).write(to: url, atomically: true, encoding: .utf8)
    }
  }

  static func parse(_ text: String) -> [GuideStep] {
    var steps: [GuideStep] = []
    var inBlock = false
    var continuing = false
    for (index, line) in text.components(separatedBy: "\n").enumerated() {
      if line.hasPrefix("```") {
        inBlock = line == "```console"
        continuing = false
        continue
      }
      guard inBlock else { continue }
      if continuing, var last = steps.popLast() {
        last.command += "\n" + line
        continuing = line.hasSuffix("\\")
        steps.append(last)
      } else if line.hasPrefix("$ ") {
        steps.append(GuideStep(command: String(line.dropFirst(2)), expected: "", line: index + 1))
        continuing = line.hasSuffix("\\")
      } else if var last = steps.popLast() {
        last.expected += line + "\n"
        steps.append(last)
      }
    }
    return steps
  }

  /// Runs the command with bash, standard output and error together as a terminal shows
  /// them; a command whose output shows `(y/n): ANSWER` runs on a pseudo-terminal that
  /// types the answers.
  func run(home: URL, environment extra: [String: String] = [:]) throws -> String {
    let answers = expected.components(separatedBy: "\n").compactMap { line -> String? in
      guard let range = line.range(of: "(y/n): ") else { return nil }
      return String(line[range.upperBound...])
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
      answers.isEmpty
      ? ["bash", "-c", command] : ["python3", "-c", Self.ptyRunner, command] + answers
    var environment = ProcessInfo.processInfo.environment
    environment["PATH"] =
      RegshProcess.executable.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "")
    environment["REGSH_HOME"] = home.path
    environment["NO_COLOR"] = "1"
    environment["LC_ALL"] = "C.UTF-8"
    environment.merge(extra) { $1 }
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle.nullDevice
    // Paths in the guide (docs/examples/…) are relative to the repository's root.
    process.currentDirectoryURL = GuideTests.guide.deletingLastPathComponent()
      .deletingLastPathComponent()
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).replacingOccurrences(
      of: home.path, with: "$REGSH_HOME")
  }

  /// What a terminal would show, with digests and times set aside: carriage returns
  /// overwrite, escape sequences vanish, trailing blanks and blank lines go.
  static func normalized(_ text: String) -> String {
    var result = text.replacingOccurrences(
      of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
    result = result.components(separatedBy: "\n").map { line in
      let visible = line.components(separatedBy: "\r").last ?? ""
      return String(visible.reversed().drop { $0 == " " }.reversed())
    }.joined(separator: "\n")
    result = result.replacingOccurrences(
      of: "sha256:[0-9a-f]{64}", with: "sha256:<digest>", options: .regularExpression)
    result = result.replacingOccurrences(
      of: "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z?", with: "<time>", options: .regularExpression)
    return result.trimmingCharacters(in: .newlines)
  }

  /// The guide with each step's output replaced by `outputs` (record mode).
  static func rewrite(_ text: String, with outputs: [String]) -> String {
    var lines: [String] = []
    var inBlock = false
    var continuing = false
    var step = -1
    for line in text.components(separatedBy: "\n") {
      if line.hasPrefix("```") {
        inBlock = line == "```console"
        continuing = false
        lines.append(line)
        continue
      }
      guard inBlock else {
        lines.append(line)
        continue
      }
      if continuing || line.hasPrefix("$ ") {
        if !continuing { step += 1 }
        lines.append(line)
        continuing = line.hasSuffix("\\")
        if !continuing, step < outputs.count {
          let output = outputs[step].components(separatedBy: "\n").map { line in
            line.components(separatedBy: "\r").last ?? ""
          }.joined(separator: "\n").replacingOccurrences(
            of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
          let trimmed = output.trimmingCharacters(in: .newlines)
          if !trimmed.isEmpty { lines.append(trimmed) }
        }
      }
    }
    return lines.joined(separator: "\n")
  }

  /// Runs `bash -c COMMAND` on a pseudo-terminal, typing each answer after a `(y/n): `.
  static let ptyRunner = """
    import os, pty, select, sys
    command, answers = sys.argv[1], sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp("bash", ["bash", "-c", command])
    out = b""
    while True:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        out += data
        if answers and out.endswith(b"(y/n): "):
            os.write(fd, (answers.pop(0) + "\\n").encode())
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(out.replace(b"\\r\\n", b"\\n"))
    sys.exit(os.waitstatus_to_exitcode(status))
    """
}
