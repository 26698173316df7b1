import ArgumentParser
import JMESPath

/// Running commands: one from the command line, or a script of them (`-c`, piped stdin).
extension Session {
  /// Every command the shell knows, by its first word.
  public static let commandTypes: [String: any ParsableCommand.Type] = {
    let types: [any ParsableCommand.Type] = [
      RegistryCommand.self, UseCommand.self, SyncCommand.self, RepositoriesCommand.self, TagsCommand.self,
      ManifestsCommand.self, BenchCommand.self, AzCommand.self,
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

  /// Runs the words of one command (`manifests acr-helloworld --query …`).
  public func run(words: [String]) async -> Int32 {
    guard let name = words.first else { return 0 }
    guard let commandType = Self.commandTypes[name] else {
      var message = "unknown command '\(name)'"
      if let near = Self.nearestCommand(to: name) { message += "; did you mean '\(near)'?" }
      printError("error: \(message) (try `help`)")
      return 1
    }
    let parsed: any ParsableCommand
    do {
      parsed = try commandType.parseAsRoot(Array(words.dropFirst()))
    } catch {
      let message = commandType.fullMessage(for: error)
      let status = commandType.exitCode(for: error)
      if status == .success {
        print(message)
        return 0
      }
      printError("error: \(message)")
      return 1
    }
    guard let command = parsed as? any SessionCommand else {
      // A command group named without its subcommand (`az acr`): show what it offers.
      print(commandType.helpMessage(for: Swift.type(of: parsed)))
      return 1
    }
    return await run(command)
  }

  /// Runs `;`- or newline-separated commands; the first failure stops the script.
  public func runScript(_ text: String) async -> Int32 {
    let commands: [[String]]
    do {
      commands = try ScriptWords.split(text)
    } catch {
      printError("error: \(error)")
      return 1
    }
    for words in commands where !words.isEmpty {
      let status = await run(words: words)
      if status != 0 { return status }
    }
    return 0
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
      row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    previous = row
  }
  return previous[b.count]
}
