import Foundation
import TestSupport
import Testing

@testable import Shell

/// The REPL as a person uses it, on a real terminal (tmux).
@Suite(.serialized, .enabled(if: REPLTerminal.enabled, REPLTerminal.skipReason))
struct REPLTerminalTests {
  /// `regsh bench populate`: registry `bench` with team0/service-0 … team2/service-2.
  static func populatedHome() throws -> TemporaryDirectory {
    let home = try TemporaryDirectory()
    let result = try RegshProcess.run(
      ["bench", "populate", "--manifests", "20", "--repositories", "3"],
      environment: ["REGSH_HOME": home.url.path])
    #expect(result.status == 0, "bench populate: \(result.stderr)")
    return home
  }

  @Test func tabCompletesARepositoryNameFromTheCache() throws {
    let home = try Self.populatedHome()
    let terminal = try REPLTerminal(home: home.url)
    defer { terminal.stop() }
    try terminal.waitFor("regsh> ")
    try terminal.type("use bench")
    try terminal.press("Enter")
    try terminal.waitFor("regsh(bench)> ")
    try terminal.type("manifests team1/ser")
    try terminal.press("Tab")
    try terminal.waitFor("regsh(bench)> manifests team1/service-1")
    try terminal.press("Enter")
    try terminal.waitFor("\"digest\": \"sha256:")
  }

  /// Before anything has run, a later stage completes a field of the command stage's
  /// documents, and a `$` completes to a variable its `let` binds.
  @Test func tabCompletesFieldsInAPipelineAndLetVariables() throws {
    let home = try Self.populatedHome()
    let terminal = try REPLTerminal(home: home.url)
    defer { terminal.stop() }
    try terminal.waitFor("regsh> ")
    try terminal.type("use bench")
    try terminal.press("Enter")
    try terminal.waitFor("regsh(bench)> ")
    try terminal.type("manifests team1/service-1 | [?tags==null].dig")
    try terminal.press("Tab")
    try terminal.waitFor("regsh(bench)> manifests team1/service-1 | [?tags==null].digest")
    try terminal.press("C-u")
    try terminal.type("manifests team1/service-1 | let $newest = max_by(@, &timestamp) in $new")
    try terminal.press("Tab")
    try terminal.waitFor("in $newest")
  }

  @Test func upRecallsALineFromBeforeARestart() throws {
    let home = try TemporaryDirectory()
    let first = try REPLTerminal(home: home.url)
    defer { first.stop() }
    try first.waitFor("regsh> ")
    try first.type("'remember me'")
    try first.press("Enter")
    try first.waitFor("\"remember me\"")
    try first.press("C-d")
    try first.waitForExit()

    let file = home.url.appendingPathComponent("history")
    let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
    #expect((attributes[.posixPermissions] as? Int) == 0o600)

    let second = try REPLTerminal(home: home.url)
    defer { second.stop() }
    try second.waitFor("regsh> ")
    try second.press("Up")
    try second.waitFor("regsh> 'remember me'")
    try second.press("Enter")
    try second.waitFor("the line to run twice") {
      $0.components(separatedBy: "\"remember me\"").count == 2
    }

    second.stop()

    // Ctrl-R finds it by a piece of it.
    let third = try REPLTerminal(home: home.url)
    defer { third.stop() }
    try third.waitFor("regsh> ")
    try third.press("C-r")
    try third.type("member")
    try third.waitFor("'remember me'")
    try third.press("Enter")
    try third.waitFor("\"remember me\"")

    // `history` lists it, numbered, in the REPL and from a script.
    let listed = try RegshProcess.run(
      ["-c", "history"], environment: ["REGSH_HOME": home.url.path])
    #expect(listed.stdout == "1  'remember me'\n2  'remember me'\n3  'remember me'\n")
  }

  @Test func ctrlCDropsTheHalfTypedLineAndTheShellCarriesOn() throws {
    let home = try TemporaryDirectory()
    let terminal = try REPLTerminal(home: home.url)
    defer { terminal.stop() }
    try terminal.waitFor("regsh> ")
    try terminal.type("'half typed")
    try terminal.waitFor("regsh> 'half typed")
    try terminal.press("C-c")
    try terminal.waitFor("a fresh prompt") { screen in
      REPLTerminal.lines(screen).last { !$0.isEmpty } == "regsh>"
    }
    try terminal.type("'after'")
    try terminal.press("Enter")
    let screen = try terminal.waitFor("\"after\"")
    // The dropped text was not run, nor kept in front of the next line.
    #expect(!screen.contains("half typed'after'"))
    #expect(!screen.contains("error"))
    #expect(terminal.isRunning)
  }

  /// The release build once ended the shell here, exit status 0 (scripts/test runs this
  /// suite against the release binary too).
  @Test func ctrlCOnAnEmptyPromptGivesAFreshPrompt() throws {
    let home = try TemporaryDirectory()
    let terminal = try REPLTerminal(home: home.url)
    defer { terminal.stop() }
    try terminal.waitFor("regsh> ")
    try terminal.press("C-c")
    try terminal.waitFor("a second prompt") { screen in
      REPLTerminal.lines(screen).filter { $0.hasPrefix("regsh>") }.count == 2
    }
    try terminal.press("C-c")
    try terminal.waitFor("a third prompt") { screen in
      REPLTerminal.lines(screen).filter { $0.hasPrefix("regsh>") }.count == 3
    }
    #expect(terminal.isRunning)
    try terminal.type("`1`")
    try terminal.press("Enter")
    try terminal.waitFor("the result") { REPLTerminal.lines($0).contains("1") }
  }

  @Test func ctrlCCancelsARunningCommand() throws {
    // A registry that accepts connections and never answers: sync waits until cancelled.
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(listener) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    try withUnsafeMutablePointer(to: &address) { pointer in
      try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
        guard bind(listener, raw, length) == 0, listen(listener, 16) == 0,
          getsockname(listener, raw, &length) == 0
        else { throw TestFailure("cannot listen on loopback") }
      }
    }
    let port = Int(UInt16(bigEndian: address.sin_port))

    let home = try TemporaryDirectory()
    let terminal = try REPLTerminal(home: home.url)
    defer { terminal.stop() }
    try terminal.waitFor("regsh> ")
    try terminal.type("registry add silent 127.0.0.1:\(port); use silent")
    try terminal.press("Enter")
    try terminal.waitFor("regsh(silent)> ")
    try terminal.type("sync")
    try terminal.press("Enter")
    try terminal.waitFor("regsh(silent)> sync")
    Thread.sleep(forTimeInterval: 1)
    try terminal.press("C-c")
    try terminal.waitFor("cancelled")
    try terminal.waitFor("a fresh prompt") { screen in
      REPLTerminal.lines(screen).last { !$0.isEmpty } == "regsh(silent)>"
    }
    #expect(terminal.isRunning)
  }

  @Test func anOpenBracketContinuesOnTheNextLine() throws {
    let home = try TemporaryDirectory()
    let terminal = try REPLTerminal(home: home.url)
    defer { terminal.stop() }
    try terminal.waitFor("regsh> ")
    try terminal.type("`[\"héllo\",")
    try terminal.press("Enter")
    try terminal.waitFor("...> ")
    try terminal.type("2]` | length(@)")
    try terminal.press("Enter")
    let screen = try terminal.waitFor("the result") { screen in
      REPLTerminal.lines(screen).contains("2")
    }
    #expect(!screen.contains("error"))
    try terminal.type("`\"héllo wörld\"`")
    try terminal.press("Enter")
    try terminal.waitFor("\"héllo wörld\"\n")
  }

  @Test func aSyntaxErrorShowsTheLineWithACaret() throws {
    let home = try TemporaryDirectory()
    let terminal = try REPLTerminal(home: home.url)
    defer { terminal.stop() }
    try terminal.waitFor("regsh> ")
    try terminal.type("foo..bar")
    try terminal.press("Enter")
    let screen = try terminal.waitFor("error: syntax")
    let lines = REPLTerminal.lines(screen)
    let error = try #require(lines.firstIndex { $0.hasPrefix("error: syntax") })
    #expect(lines[error + 1] == "foo..bar")
    #expect(lines[error + 2] == "    ^")
    // A mistyped command gets the nearest name, and the shell carries on.
    try terminal.type("manifest team0/service-0")
    try terminal.press("Enter")
    try terminal.waitFor("did you mean 'manifests'?")
    #expect(terminal.isRunning)
  }
}

/// Without a terminal: plain lines, no prompt, no line editor.
struct REPLScriptTests {
  @Test func pipedStandardInputRunsWithoutAPrompt() throws {
    let home = try TemporaryDirectory()
    let result = try RegshProcess.run(
      [], stdin: "help\n`1`\nexit 3\n`2`\n", environment: ["REGSH_HOME": home.url.path])
    #expect(result.status == 3)
    #expect(result.stdout.hasPrefix("Commands (help COMMAND shows its flags and examples):\n"))
    #expect(result.stdout.hasSuffix("\n1\n"))
    #expect(!result.stdout.contains("regsh>"))
  }

  @Test func everyCommandsHelpHasAnExample() throws {
    for name in Session.commandTypes.keys.sorted() {
      let result = try RegshProcess.run(["-c", "help \(name)"])
      #expect(result.status == 0)
      #expect(result.stdout.contains("Example"), "help \(name)")
    }
  }
}
