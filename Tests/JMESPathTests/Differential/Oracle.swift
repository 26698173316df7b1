import Foundation
import JMESPath

/// A reference JMESPath engine in Python (scripts/oracle/jmespath_driver.py under a
/// virtualenv that scripts/oracles creates), asked about a whole batch in one process.
struct Oracle {
  enum Answer: Equatable {
    case result(JSON)
    case error(String)
  }

  let name: String
  let python: URL

  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// jmespath.py, az's engine: `.build/venv-jmespath`, or $REGSH_ORACLE_JMESPATH (a python).
  static let jmespathPy = locate("jmespath.py", "venv-jmespath", env: "REGSH_ORACLE_JMESPATH")
  /// JMESPath Community's Python edition: `.build/venv-jmespath-community`, or
  /// $REGSH_ORACLE_JMESPATH_COMMUNITY.
  static let community = locate(
    "jmespath-community", "venv-jmespath-community", env: "REGSH_ORACLE_JMESPATH_COMMUNITY")

  static func locate(_ name: String, _ venv: String, env: String) -> Oracle? {
    let path =
      ProcessInfo.processInfo.environment[env]
      ?? packageRoot.appendingPathComponent(".build/\(venv)/bin/python3").path
    guard FileManager.default.isExecutableFile(atPath: path) else { return nil }
    return Oracle(name: name, python: URL(fileURLWithPath: path))
  }

  /// Why a missing oracle is not a failure here: outside CI it only skips, loudly.
  static var required: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

  static func missingMessage(_ name: String) -> String {
    "differential fuzz against \(name) SKIPPED: its virtualenv is missing; run scripts/oracles"
      + " (scripts/test does). In CI this is a failure."
  }

  func answers(_ cases: [(expression: String, document: JSON)]) throws -> [Answer] {
    var input = [UInt8]()
    for c in cases {
      let line: JSON = ["expression": .string(c.expression), "document": c.document]
      input += JSONWriter(style: .compact).bytes(line)
      input.append(UInt8(ascii: "\n"))
    }
    let process = Process()
    process.executableURL = python
    process.arguments = [
      Self.packageRoot.appendingPathComponent("scripts/oracle/jmespath_driver.py").path
    ]
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    try process.run()
    // Write from another thread so a full output pipe cannot deadlock the batch.
    let bytes = Data(input)
    let writer = Thread {
      stdin.fileHandleForWriting.write(bytes)
      try? stdin.fileHandleForWriting.close()
    }
    writer.start()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    var answers: [Answer] = []
    for line in output.split(separator: UInt8(ascii: "\n")) {
      let value = try JSONReader.parse([UInt8](line))
      if let kind = value["error"].stringValue {
        answers.append(.error(kind))
      } else {
        answers.append(.result(value["result"]))
      }
    }
    guard answers.count == cases.count else {
      throw OracleError(
        message:
          "\(name) answered \(answers.count) of \(cases.count) cases (exit \(process.terminationStatus))"
      )
    }
    return answers
  }
}

struct OracleError: Error, CustomStringConvertible {
  let message: String
  var description: String { message }
}
