import ArgumentParser
import JMESPath

/// Running commands: one from the command line, or a script of them (`-c`, piped stdin).
extension Session {
  /// Every command the shell knows, by its first word.
  public static let commandTypes: [String: any ParsableCommand.Type] = {
    let types: [any ParsableCommand.Type] = [
      RegistryCommand.self, UseCommand.self, SyncCommand.self, RepositoriesCommand.self,
      TagsCommand.self,
      ManifestsCommand.self, BenchCommand.self, AzCommand.self, HelpCommand.self,
      HistoryCommand.self, ExitCommand.self,
    ]
    return Dictionary(uniqueKeysWithValues: types.map { ($0.configuration.commandName!, $0) })
  }()

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
  static let language = CommandLanguage(commandNames: Set(commandTypes.keys))

  /// Runs a script: `;`-separated pipelines per line; the first failure stops it.
  public func runScript(_ text: String) async -> Int32 {
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let status = await runLine(String(line))
      if status != 0 { return status }
    }
    return 0
  }

  /// Runs one line: its pipelines in order, stopping at the first that fails.
  public func runLine(_ line: String) async -> Int32 {
    let pipelines: [Pipeline]
    do {
      pipelines = try Self.language.parse(line)
    } catch {
      printError("error: \(error.message)\n" + error.caretDiagram(for: line))
      return 1
    }
    for pipeline in pipelines {
      let status = await run(pipeline)
      if status != 0 { return status }
    }
    return 0
  }

  /// Runs the stages of a pipeline, each on the previous one's result; a pipeline that
  /// starts with an expression queries the last result (`_`).
  public func run(_ pipeline: Pipeline) async -> Int32 {
    var value: JSON? = pipeline.queriesPreviousResult ? (lastResult ?? .null) : nil
    var status: Int32 = 0
    var fromQuery = false
    do {
      // Parsed, not `OutputOptions()`: ArgumentParser traps on reading an unparsed option.
      var output = try OutputOptions.parse([])
      for stage in pipeline.stages {
        switch stage {
        case .expression(let source):
          let expression: Expression
          do {
            expression = try Expression(source)
            value = try expression.evaluate(value ?? .null)
          } catch {
            throw ExpressionFailure(error: error, expression: source)
          }
          fromQuery = true
        case .command(let name, let arguments):
          guard var command = try parseCommand([name] + arguments) else { return 0 }
          let result = try await command.execute(in: self, input: value)
          value = result.value
          output = result.output
          status = result.status
          fromQuery = false
          if let current = value, let query = output.query {
            do {
              value = try Expression(query).evaluate(current)
            } catch {
              throw ExpressionFailure(error: error, expression: query)
            }
            fromQuery = true
          }
        }
      }
      guard let value else { return status }
      lastResult = value
      ByteIO.write(try render(value, format: output.output, fromQuery: fromQuery))
      return status
    } catch {
      report(error)
      return 1
    }
  }

  /// The command the words name, parsed; nil when they asked for help (printed here).
  func parseCommand(_ words: [String]) throws -> (any SessionCommand)? {
    let name = words[0]
    guard let commandType = Self.commandTypes[name] else {
      var message = "unknown command '\(name)'"
      if let near = Self.nearestCommand(to: name) { message += "; did you mean '\(near)'?" }
      throw ShellError.usage("\(message) (try `help`)")
    }
    let parsed: any ParsableCommand
    do {
      parsed = try commandType.parseAsRoot(Array(words.dropFirst()))
    } catch {
      if commandType.exitCode(for: error) == .success {
        print(commandType.fullMessage(for: error))
        return nil
      }
      throw ShellError.usage(commandType.fullMessage(for: error))
    }
    guard let command = parsed as? any SessionCommand else {
      // A command group named without its subcommand (`az acr`): say what it offers.
      throw ShellError.usage(commandType.helpMessage(for: Swift.type(of: parsed)))
    }
    return command
  }

  static func nearestCommand(to name: String) -> String? {
    let scored = commandTypes.keys.map { ($0, levenshtein($0, name)) }.min { $0.1 < $1.1 }
    guard let (best, distance) = scored, distance <= max(2, name.count / 3) else { return nil }
    return best
  }

  func report(_ error: any Error) {
    if let failure = error as? ExpressionFailure {
      printError(QueryCommand.describe(failure.error, in: failure.expression))
    } else {
      printError("error: \(error)")
    }
  }
}

func levenshtein(_ a: String, _ b: String) -> Int {
  let a = Array(a)
  let b = Array(b)
  if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
  var previous = Array(0...b.count)
  for i in 1...a.count {
    var row = [i] + Array(repeating: 0, count: b.count)
    for j in 1...b.count {
      row[j] = min(
        previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    previous = row
  }
  return previous[b.count]
}
