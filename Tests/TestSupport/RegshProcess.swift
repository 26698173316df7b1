import Foundation

/// Runs the built `regsh` executable as a user would, and captures what it prints.
public struct RegshProcess {
  public struct Result {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// The bytes exactly as written, for checks that decoding would hide (raw control bytes).
    public var stdoutData = Data()
    public var stderrData = Data()
  }

  /// `regsh` sits next to the test bundle in the build directory (or at $REGSH_BINARY).
  public static let executable: URL = {
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

  /// - Parameters:
  ///   - executable: another program to run instead of regsh, with the same capture (a
  ///     wrapper that runs regsh itself).
  ///   - timeout: seconds after which regsh is killed (SIGKILL) and the result has status
  ///     -9, for a command that must fail but might hang instead.
  public static func run(
    _ arguments: [String], stdin: Data = Data(), environment: [String: String] = [:],
    executable program: URL? = nil, timeout: TimeInterval? = nil
  )
    throws -> Result
  {
    var env = ProcessInfo.processInfo.environment
    env.merge(environment) { _, new in new }
    let run = try PipedRun.run(
      (program ?? executable).path, arguments, environment: env, stdin: stdin, timeout: timeout)
    return Result(
      status: run.killed ? -9 : run.status,
      stdout: String(decoding: run.stdout, as: UTF8.self),
      stderr: String(decoding: run.stderr, as: UTF8.self), stdoutData: run.stdout,
      stderrData: run.stderr)
  }

  public static func run(_ arguments: [String], stdin: String, environment: [String: String] = [:])
    throws -> Result
  {
    try run(arguments, stdin: Data(stdin.utf8), environment: environment)
  }

  /// Starts regsh without waiting for it; its output goes nowhere. For kill and concurrency tests.
  /// - Parameter stderr: a file that receives its standard error (otherwise discarded).
  public static func start(
    _ arguments: [String], environment: [String: String] = [:], stderr: URL? = nil
  ) throws -> Process {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    if let stderr {
      FileManager.default.createFile(atPath: stderr.path, contents: nil)
      process.standardError = try FileHandle(forWritingTo: stderr)
    } else {
      process.standardError = FileHandle.nullDevice
    }
    try process.run()
    return process
  }
}
