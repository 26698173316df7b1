import ArgumentParser
import Shell

@main
struct Regsh: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "regsh",
    abstract: "A query shell for container-registry metadata.",
    discussion: """
      regsh keeps a local cache of what a registry holds and lets you query it with JMESPath.
      This build provides the query engine; see `regsh help query`.
      """,
    subcommands: [QueryCommandLine.self]
  )
}
