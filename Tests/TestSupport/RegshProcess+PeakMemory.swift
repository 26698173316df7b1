import Foundation

extension RegshProcess {
  /// Peak resident memory (KiB) of `regsh ARGUMENTS`, its output discarded: measured by a
  /// python3 parent as `ru_maxrss` of its one child, so other tests' processes do not
  /// count. Throws when regsh fails.
  public static func peakResidentKiB(_ arguments: [String], environment: [String: String])
    throws -> Int
  {
    let measure = """
      import resource, subprocess, sys
      status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
      print(status, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
      """
    let result = try run(
      ["-c", measure, executable.path] + arguments, environment: environment,
      executable: URL(fileURLWithPath: "/usr/bin/python3"))
    let fields = result.stdout.split(separator: " ").compactMap {
      Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    guard result.status == 0, fields.count == 2, fields[0] == 0 else {
      throw TestFailure("regsh failed: \(result.stdout)\(result.stderr)")
    }
    return fields[1]
  }
}
