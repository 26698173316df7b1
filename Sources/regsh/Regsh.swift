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
      With no command it reads commands from standard input, one per line.

      Examples:
        regsh registry add myregistry localhost:5000
        regsh -c 'use myregistry; sync; manifests acr-helloworld --query "[?tags==null].digest"'
        regsh az acr repository show-manifests -n myregistry --repository acr-helloworld --query "[?tags==null].digest" -o tsv
      """,
    subcommands: [
      QueryCommandLine.self, RegistryCommand.self, UseCommand.self, SyncCommand.self, RepositoriesCommand.self,
      TagsCommand.self, ManifestsCommand.self, BenchCommand.self, AzCommand.self,
    ]
  )

  @Option(name: .customShort("c"), help: "Run these commands (separated by ';') and exit.")
  var commands: String?

  mutating func run() async throws {
    let session = Session()
    let script: String
    if let commands {
      script = commands
    } else {
      // No terminal REPL yet: commands come from standard input, one per line, no prompt.
      script = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
    let status = await session.runScript(script)
    if status != 0 { throw ExitCode(status) }
  }
}
