import Foundation
import TestSupport
import Testing

/// The bash completion script regsh generates, run by bash: the command groups offer their
/// subcommands (`registry add|list|remove`, `protect …`, `bench populate`).
struct CompletionScriptTests {
  static let bash = "/bin/bash"

  /// What the script offers for `regsh WORDS…` with the cursor after a blank.
  static func offers(_ words: [String], script: URL) throws -> Set<String> {
    let line = "regsh " + words.joined(separator: " ") + " "
    let program = """
      source "$1"
      COMP_WORDS=(regsh \(words.joined(separator: " ")) "")
      COMP_CWORD=\(words.count + 1)
      COMP_LINE='\(line)'
      COMP_POINT=${#COMP_LINE}
      _regsh
      printf '%s\\n' "${COMPREPLY[@]}"
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: bash)
    process.arguments = ["-c", program, "bash", script.path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    return Set(String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init))
  }

  @Test func theGroupsOfferTheirSubcommands() throws {
    let generated = try RegshProcess.run(["--generate-completion-script", "bash"])
    #expect(generated.status == 0, "\(generated.stderr)")
    let directory = try TemporaryDirectory()
    let script = directory.url.appendingPathComponent("regsh.bash")
    try Data(generated.stdout.utf8).write(to: script)
    let syntax = Process()
    syntax.executableURL = URL(fileURLWithPath: Self.bash)
    syntax.arguments = ["-n", script.path]
    try syntax.run()
    syntax.waitUntilExit()
    #expect(syntax.terminationStatus == 0, "bash -n rejects the script")

    #expect(
      try Self.offers(["registry"], script: script).isSuperset(of: ["add", "list", "remove"]))
    #expect(try Self.offers(["protect"], script: script).isSuperset(of: ["add", "list", "remove"]))
    #expect(try Self.offers(["bench"], script: script).contains("populate"))
    // The check can fail: a command with no subcommands offers none of them.
    #expect(try !Self.offers(["gc"], script: script).contains("add"))
  }
}
