import ArgumentParser
import Foundation
import Shell

@main
struct Regsh: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "regsh",
    abstract: "A query shell for container-registry metadata.",
    discussion: """
      regsh keeps a local cache of what a registry holds and lets you query it with JMESPath.
      With no command it reads commands from standard input, one per line;
      `regsh -c 'COMMAND; COMMAND'` runs the commands given and exits.

      Examples:
        regsh registry add myregistry localhost:5000
        regsh -c 'use myregistry; sync; manifests acr-helloworld --query "[?tags==null].digest"'
        regsh az acr repository show-manifests -n myregistry --repository acr-helloworld --query "[?tags==null].digest" -o tsv
      """,
    subcommands: [QueryCommandLine.self] + Session.commandList
  )

  /// Read by `main` before ArgumentParser, for every command of the process (also `-c` and
  /// `az`); declared here so that help and the completion scripts show it.
  @Option(
    help: ArgumentHelp(
      "Registry request timeouts in seconds: idle, and the total per request (default 30,120; also REGSH_TIMEOUT).",
      valueName: "IDLE[,TOTAL]"))
  var timeout: String?

  /// `regsh -c 'CMD; CMD'` is read here, before ArgumentParser: declared as an option of
  /// the root command, `-c` would also swallow `regsh query -c` (compact), since
  /// ArgumentParser lets a parent's options follow a subcommand.
  static func main() async {
    let arguments: [String]
    switch Session.takeTimeoutOption(Array(CommandLine.arguments.dropFirst())) {
    case .success(let rest): arguments = rest
    case .failure(let problem):
      FileHandle.standardError.write(Data("error: \(problem)\n".utf8))
      Foundation.exit(64)
    }
    if arguments.first == "-c" {
      guard arguments.count == 2 else {
        FileHandle.standardError.write(Data("usage: regsh -c 'COMMAND; COMMAND'\n".utf8))
        Foundation.exit(2)
      }
      let session = Session()
      session.keepsIntermediateResults = true
      Foundation.exit(await session.runScript(arguments[1]))
    }
    if arguments.first == "az" { await runAz(arguments) }
    // `regsh acr purge …` is `regsh purge …`: acr-cli's command line, unchanged after `regsh`.
    if arguments.starts(with: ["acr", "purge"]) {
      await main(Array(arguments.dropFirst()))
      return
    }
    await main(arguments)
  }

  /// az exits 2 for a command line it cannot parse (ArgumentParser's default is 64), and
  /// scripts written for az test for that.
  static func runAz(_ arguments: [String]) async -> Never {
    do {
      var command = try parseAsRoot(arguments)
      if var asynchronous = command as? any AsyncParsableCommand {
        try await asynchronous.run()
      } else {
        try command.run()
      }
      Foundation.exit(0)
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        print(fullMessage(for: error))
        Foundation.exit(0)
      }
      if code == .validationFailure {
        // The message quotes what was typed, which may have been pasted from a registry.
        let message = Session.escapedMessage(fullMessage(for: error))
        FileHandle.standardError.write(Data((message + "\n").utf8))
        Foundation.exit(2)
      }
      Foundation.exit(code.rawValue)
    }
  }

  mutating func run() async throws {
    if isatty(STDIN_FILENO) == 1 {
      let status = await REPL(session: Session()).run()
      if status != 0 { throw ExitCode(status) }
      return
    }
    // Not a terminal: commands come from standard input, one per line, no prompt.
    let script = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    let status = await Session().runScript(script)
    if status != 0 { throw ExitCode(status) }
  }
}
