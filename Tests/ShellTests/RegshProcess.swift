import Foundation

/// Runs the built `regsh` executable as a user would, and captures what it prints.
struct RegshProcess {
  struct Result {
    let status: Int32
    let stdout: String
    let stderr: String
  }

  /// `regsh` sits next to the test bundle in the build directory (or at $REGSH_BINARY).
  static let executable: URL = {
    if let path = ProcessInfo.processInfo.environment["REGSH_BINARY"] {
      return URL(fileURLWithPath: path)
    }
    let bundle = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
      .resolvingSymlinksInPath()
    var directory = bundle.deletingLastPathComponent()
    // On some platforms the runner sits inside NAME.xctest/Contents/MacOS.
    while !FileManager.default.isExecutableFile(
      atPath: directory.appendingPathComponent("regsh").path),
      directory.path != "/"
    {
      directory = directory.deletingLastPathComponent()
    }
    return directory.appendingPathComponent("regsh")
  }()

  static func run(_ arguments: [String], stdin: Data = Data(), environment: [String: String] = [:])
    throws -> Result
  {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env.merge(environment) { _, new in new }
    process.environment = env
    let input = Pipe()
    let output = Pipe()
    let error = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = error
    try process.run()
    // Read both pipes while the process runs so a large output cannot fill a pipe and block.
    let group = DispatchGroup()
    nonisolated(unsafe) var out = Data()
    nonisolated(unsafe) var err = Data()
    DispatchQueue.global().async(group: group) {
      out = output.fileHandleForReading.readDataToEndOfFile()
    }
    DispatchQueue.global().async(group: group) {
      err = error.fileHandleForReading.readDataToEndOfFile()
    }
    try input.fileHandleForWriting.write(contentsOf: stdin)
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    group.wait()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
      stderr: String(decoding: err, as: UTF8.self))
  }

  static func run(_ arguments: [String], stdin: String) throws -> Result {
    try run(arguments, stdin: Data(stdin.utf8))
  }
}
