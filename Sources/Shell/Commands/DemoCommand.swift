import ArgumentParser
import Foundation
import JMESPath

/// `demo`: a registry to try regsh on, with nothing to set up.
public struct DemoCommand: SessionCommand {
  public static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Build a local demo registry, use it, and open the shell on it.",
    discussion: """
      Builds a local (oci:) registry under regsh's state directory
      ($REGSH_HOME/demo-registry) with the repositories of Azure's "Delete
      container images" article: acr-helloworld (v1, v2, latest and v3, and one
      untagged manifest left behind by pushing latest again),
      marketing/campaign10-18/{web,api,email-sender} and
      product-returns/{web-submission,legacy-integrator}. It registers it as
      myregistry, syncs it and uses it. On a terminal it then opens the shell;
      otherwise it runs the commands on standard input. A finished demo
      registry is reused; --reset builds it again.

      Examples:
        regsh demo
        echo 'manifests acr-helloworld --query "[?tags==null].digest"' | regsh demo
      """)

  @Flag(help: "Build the demo registry again from scratch.")
  var reset = false

  public init() {}

  /// Inside the shell or a script: builds (or reuses) the demo registry and uses it.
  public mutating func execute(in session: Session, input: JSON?) async throws -> CommandResult {
    let info = try await DemoRegistry(session: session).prepare(reset: reset)
    session.currentRegistry = info.name
    session.printError("demo: using \(info.name) (\(info.url))")
    return .nothing
  }

  /// `regsh demo`: then the shell on a terminal, else the commands read from standard input
  /// (with nothing else on standard output, so the demo works in pipelines).
  public mutating func run() async throws {
    let session = Session()
    var status = await session.run(self)
    guard status == 0 else { throw ExitCode(status) }
    if isatty(STDIN_FILENO) == 1 {
      session.print(Self.banner)
      status = await REPL(session: session).run()
    } else {
      let script = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
      status = await session.runScript(script)
    }
    if status != 0 { throw ExitCode(status) }
  }

  static let banner = """

    regsh demo: myregistry is a local registry with the images of Azure's "Delete container
    images" article. acr-helloworld's first `latest` was left untagged when latest was pushed
    again. Things to try:

      repositories
      manifests acr-helloworld --orderby time_desc
      az acr repository show-manifests --name myregistry --repository acr-helloworld --query "[?tags==null].digest" -o tsv
      manifests --all | [?tags==null] | length(@)
      tags marketing/campaign10-18/api
      gc --dry-run
      help

    Ctrl-D or `exit` leaves; `regsh demo --reset` builds the registry again.

    """
}
