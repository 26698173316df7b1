import Foundation
import RegistryAPI
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Runs a program to completion and returns its status and standard output as text.
@discardableResult
public func run(_ executable: String, _ arguments: [String]) throws -> (
  status: Int32, output: String
) {
  let (status, data) = try runRaw(executable, arguments)
  return (status, String(decoding: data, as: UTF8.self))
}

/// Runs a short-lived program to completion and returns its status and raw standard output.
public func runRaw(_ executable: String, _ arguments: [String]) throws -> (
  status: Int32, output: Data
) {
  let directory = try TemporaryDirectory()
  let output = directory.url.appendingPathComponent("stdout")
  let pid = try spawn(executable, arguments, stdout: output.path, stderr: "/dev/null")
  var status: Int32 = 0
  _ = waitpid(pid, &status, 0)
  let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  return (exitCode, (try? Data(contentsOf: output)) ?? Data())
}

/// Runs a short-lived program and returns its status, standard output and standard error.
public func runCapturing(_ executable: String, _ arguments: [String]) throws -> (
  status: Int32, output: String, error: String
) {
  let directory = try TemporaryDirectory()
  let output = directory.url.appendingPathComponent("stdout")
  let error = directory.url.appendingPathComponent("stderr")
  let pid = try spawn(executable, arguments, stdout: output.path, stderr: error.path)
  var status: Int32 = 0
  _ = waitpid(pid, &status, 0)
  let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  let read = { (file: URL) in
    String(decoding: (try? Data(contentsOf: file)) ?? Data(), as: UTF8.self)
  }
  return (exitCode, read(output), read(error))
}
