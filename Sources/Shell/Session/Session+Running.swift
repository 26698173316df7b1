import ArgumentParser
import JMESPath

/// Running commands: one from the command line, or a script of them (`-c`, piped stdin).
extension Session {
  /// Every command the shell knows, in the order `help` lists them. The one list: the
  /// command line (`regsh NAME`), the REPL and scripts all take their commands from it.
  public static let commandList: [any ParsableCommand.Type] = [
    RegistryCommand.self, UseCommand.self, SyncCommand.self, RepositoriesCommand.self,
    TagsCommand.self,
    ManifestsCommand.self, DeleteCommand.self, UntagCommand.self, PurgeCommand.self,
    PolicyCommand.self,
    RestoreCommand.self,
    ExportCommand.self, ProtectCommand.self, AuditCommand.self,
    AzCommand.self, GCCommand.self, DemoCommand.self,
    LoginCommand.self, LogoutCommand.self, BenchCommand.self, SetCommand.self, HelpCommand.self,
    HistoryCommand.self, ExitCommand.self, StoreCommand.self,
  ]

  /// The commands by their first word.
  public static let commandTypes: [String: any ParsableCommand.Type] = Dictionary(
    uniqueKeysWithValues: commandList.map { ($0.configuration.commandName!, $0) })

  /// Runs one parsed command and prints its result; returns the exit status.
  public func run(_ command: some SessionCommand) async -> Int32 {
    var command = command
    do {
      let result = try await command.execute(in: self, input: lastResult)
      try emit(result)
      return result.status
    } catch {
      report(error)
      return 1
    }
  }

  /// The command language, knowing every command name.
  static let language = CommandLanguage(commandNames: Set(commandTypes.keys).union(["acr"]))

  /// Runs a script: `;`-separated pipelines per line; the first failure stops it.
  public func runScript(_ text: String) async -> Int32 {
    // A line with an open bracket or quote continues on the next, as in the REPL.
    var entries: [String] = []
    var entry = ""
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      entry += entry.isEmpty ? String(line) : "\n" + line
      if Self.language.needsContinuation(entry) { continue }
      entries.append(entry)
      entry = ""
    }
    if !entry.isEmpty { entries.append(entry) }
    while entries.last?.trimmingCharacters(in: .whitespaces).isEmpty == true {
      entries.removeLast()
    }
    for (index, entry) in entries.enumerated() {
      let status = await runLine(entry, isLastLine: index == entries.count - 1)
      if status != 0 { return status }
    }
    return 0
  }

  /// Runs one line: its pipelines in order, stopping at the first that fails.
  public func runLine(_ line: String, isLastLine: Bool = true) async -> Int32 {
    let pipelines: [Pipeline]
    do {
      pipelines = try Self.language.parse(line)
    } catch {
      printError("error: \(error.message)\n" + error.caretDiagram(for: line))
      return 1
    }
    // A one-shot run keeps only its last pipeline's documents until exit (freeing them is
    // slower than exiting); every earlier pipeline frees its own, so a long `-c` script
    // or a script of many lines keeps bounded memory.
    let keeps = keepsIntermediateResults
    defer { keepsIntermediateResults = keeps }
    for (index, pipeline) in pipelines.enumerated() {
      keepsIntermediateResults = keeps && isLastLine && index == pipelines.count - 1
      let status = await run(pipeline, line: line)
      if status != 0 { return status }
    }
    return 0
  }

  /// Runs the stages of a pipeline, each on the previous one's result; a pipeline that
  /// starts with an expression queries the last result (`_`).
  /// `line` is the text the pipeline came from: an error in an expression stage is shown
  /// on the whole line, with the caret under its column there.
  public func run(_ pipeline: Pipeline, line: String? = nil) async -> Int32 {
    // Spelled out: JSON is ExpressibleByNilLiteral, so a bare `nil` in a conditional
    // expression beside a JSON would become JSON.null, not "no input".
    var value: JSON?
    if pipeline.queriesPreviousResult {
      value = lastResult ?? .null
    } else {
      // A bare digest belongs to the repository of the listing it came from: one this
      // pipeline runs, or the last result's when the pipeline queries it; never an older one.
      contextRepository = nil
    }
    var output = OutputSettings()
    var status: Int32 = 0
    var fromQuery = false
    do {
      // Every stage is read before any runs: a bad argument, `--query` or expression in a
      // later stage must not let an earlier one change a registry first.
      var commands: [Int: any SessionCommand] = [:]
      var expressions: [Int: Expression] = [:]
      for (index, stage) in pipeline.stages.enumerated() {
        switch stage {
        case .command(let name, let arguments):
          guard let command = try parseCommand([name] + arguments) else { return 0 }
          if let query = Self.outputQuery(of: command) {
            do {
              _ = try compile(query)
            } catch {
              throw ExpressionFailure(error: error, expression: query)
            }
          }
          commands[index] = command
        case .expression(let source):
          do {
            expressions[index] = try compile(index == 0 ? Self.lastResultNamed(source) : source)
          } catch {
            throw expressionFailure(error, source: source, index: index, of: pipeline, line: line)
          }
        }
      }
      for (index, stage) in pipeline.stages.enumerated() {
        switch stage {
        case .expression(let source):
          if keepsIntermediateResults, let value { ProcessLifetime.keep(value) }
          do {
            value = try expressions[index]!.evaluate(value ?? .null)
          } catch {
            throw expressionFailure(error, source: source, index: index, of: pipeline, line: line)
          }
          fromQuery = true
        case .command:
          guard var command = commands[index] else { return 0 }
          let result = try await command.execute(in: self, input: value)
          value = result.value
          output = result.output
          status = result.status
          fromQuery = false
          if let query = output.query, let current = value {
            if !result.queryApplied { value = try queried(current, by: query) }
            fromQuery = true
          }
        }
      }
      guard let value else { return status }
      lastResult = value
      try print(value, format: output.format, fromQuery: fromQuery)
      return status
    } catch {
      report(error)
      return 1
    }
  }

  /// An expression stage's error as the user sees it: a command typo said as one, else the
  /// caret under its column on the whole line.
  func expressionFailure(
    _ error: JMESPathError, source: String, index: Int, of pipeline: Pipeline, line: String?
  ) -> any Error {
    // `manifets --all` is a command typo, though arithmetic reads it (as
    // `manifets - -all`) and fails only when evaluated.
    if error.kind == .syntax || Self.hasFlagAfterFirstWord(source),
      let word = Self.commandLikeWord(source)
    {
      return ShellError.usage(Self.unknownCommandMessage(word))
    }
    if let line, index < pipeline.stageColumns.count {
      return ExpressionFailure(error: error, expression: line, offset: pipeline.stageColumns[index])
    }
    return ExpressionFailure(error: error, expression: source)
  }

  /// A command's `--query`, read before it runs so that it is compiled in the session's
  /// dialect with the registry functions first.
  static func outputQuery(of command: any SessionCommand) -> String? {
    for child in Mirror(reflecting: command).children {
      if let group = child.value as? OptionGroup<OutputOptions> { return group.wrappedValue.query }
    }
    return nil
  }

  /// The command the words name, parsed; nil when they asked for help (printed here).
  func parseCommand(_ words: [String]) throws -> (any SessionCommand)? {
    // `acr purge …` is acr-cli's spelling of `purge` (as `az acr run --cmd` runs it); the
    // other az commands work without the `az` word too.
    let words =
      words.starts(with: ["acr", "purge"])
      ? Array(words.dropFirst()) : words.first == "acr" ? ["az"] + words : words
    let name = words[0]
    guard let commandType = Self.commandTypes[name] else {
      throw ShellError.usage(Self.unknownCommandMessage(name))
    }
    let parsed: any ParsableCommand
    do {
      parsed = try commandType.parseAsRoot(Array(words.dropFirst()))
    } catch {
      if commandType.exitCode(for: error) == .success {
        print(commandType.fullMessage(for: error))
        return nil
      }
      // "error: " is added when it is reported; ArgumentParser's own "Error: " would double it.
      var message = commandType.fullMessage(for: error)
      if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
      throw ShellError.usage(message)
    }
    guard let command = parsed as? any SessionCommand else {
      // A command group named without its subcommand (`az acr`): say what it offers.
      throw ShellError.usage(commandType.helpMessage(for: Swift.type(of: parsed)))
    }
    return command
  }

  /// `_` names the last result: a first stage `_` or `_ | …` is that result itself. (In
  /// JMESPath `_` alone would be a field name; as the whole first stage it never is one in
  /// practice.) The same length keeps error carets where they were.
  static func lastResultNamed(_ source: String) -> String {
    let trimmed = source.drop { $0 == " " || $0 == "\t" }
    guard trimmed.first == "_" else { return source }
    let rest = trimmed.dropFirst().drop { $0 == " " || $0 == "\t" }
    guard rest.isEmpty || rest.first == "|" else { return source }
    let offset = source.count - trimmed.count
    return String(source.prefix(offset)) + "@" + String(trimmed.dropFirst())
  }

  static func unknownCommandMessage(_ name: String) -> String {
    var message = "unknown command '\(name)'"
    if let near = nearestCommand(to: name) { message += "; did you mean '\(near)'?" }
    return message + " (try `help`)"
  }

  /// A stage that failed to parse as JMESPath but reads like `word arguments…` was meant as
  /// a command: a bare word followed by a blank (no JMESPath expression is two bare words).
  static func commandLikeWord(_ source: String) -> String? {
    let trimmed = source.drop { $0 == " " || $0 == "\t" }
    let word = trimmed.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    guard let first = word.first, first.isLetter, word.count < trimmed.count,
      trimmed[word.endIndex] == " " || trimmed[word.endIndex] == "\t"
    else { return nil }
    return String(word)
  }

  /// `word -x…` or `word --x…`: what a command with a flag looks like.
  static func hasFlagAfterFirstWord(_ source: String) -> Bool {
    guard let word = commandLikeWord(source) else { return false }
    let trimmed = source.drop { $0 == " " || $0 == "\t" }
    let rest = trimmed.dropFirst(word.count).drop { $0 == " " || $0 == "\t" }
    guard rest.first == "-" else { return false }
    let next = rest.dropFirst().first
    return next == "-" || (next?.isLetter ?? false)
  }

  static func nearestCommand(to name: String) -> String? {
    JMESPath.nearestName(to: name, among: commandTypes.keys)
  }

  func report(_ error: any Error) {
    if let failure = error as? ExpressionFailure {
      printError(failure.description)
    } else if let error = error as? ShellError, error.isAzMessage {
      // az's own wording, as az prints it.
      printError("ERROR: " + TerminalSafeText.escapeLines("\(error)"))
    } else {
      // Errors quote registry answers (error bodies, names): escaped, safety rule 5.
      printError("error: " + TerminalSafeText.escapeLines("\(error)"))
    }
  }
}
