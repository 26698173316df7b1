import ArgumentParser
import JMESPath

/// What Tab completion may offer, read from the cache and the session, never the network.
protocol CompletionSource {
  func registryNames() -> [String]
  func repositoryNames() -> [String]
  func tags(of repository: String) -> [String]
  func digests(of repository: String) -> [String]
  /// The field names found in the last result, at any depth.
  func lastResultFields() -> [String]
  /// The field names of the documents a command stage produces (`manifests REPO`), known
  /// before anything has run: from the cache, else from the documents' documented shape.
  func fields(producedBy command: [String]) -> [String]
}

extension CompletionSource {
  func fields(producedBy command: [String]) -> [String] { DocumentShapes.fields(of: command) }
}

/// Tab completion for a regsh line: given the text up to the cursor, the word being
/// completed and what it can become. Knows nothing of libedit, so it is tested directly.
struct Completer {
  /// The characters that end a word; `LineEditor` hands the same set to libedit, so the
  /// word libedit replaces is the word computed here.
  /// `$` is not one of them: `$name` (a `let` variable) is completed as one word.
  static let wordBreakCharacters = " \t\n\"'`|;[]{}(),=<>!&*?@"

  struct Completion: Equatable {
    /// The word under the cursor that the candidates replace.
    var word: String
    var candidates: [String]
    /// Whether a single candidate is followed by a space (not after a function name or
    /// a field, where the expression usually goes on).
    var appendSpace: Bool
  }

  let source: any CompletionSource
  let commandTypes: [String: any ParsableCommand.Type]
  let functionNames: [String]

  init(
    source: any CompletionSource,
    commandTypes: [String: any ParsableCommand.Type] = Session.commandTypes,
    functionNames: [String] = Session.functionTable(.community).names
  ) {
    self.source = source
    self.commandTypes = commandTypes
    self.functionNames = functionNames
  }

  func complete(_ before: String) -> Completion {
    let scan = LineParser.prefix(of: before, commandNames: Set(commandTypes.keys))
    let word = String(
      before.unicodeScalars.reversed().prefix {
        !Self.wordBreakCharacters.unicodeScalars.contains($0)
      }
      .reversed().map(Character.init))
    // `@` breaks a word for JMESPath, but `repo@digest` is one word of a command.
    let commandWord = scan.currentWord
    let words = scan.completedWords
    func result(_ candidates: [String], for word: String, space: Bool = true) -> Completion {
      let matching = Array(Set(candidates.filter { $0.hasPrefix(word) })).sorted()
      return Completion(word: word, candidates: matching, appendSpace: space)
    }
    if scan.inQueryValue || scan.isExpressionStage {
      return expressionCompletion(
        word, firstOfStage: scan.onFirstWord && !scan.inQueryValue, fields: fields(for: scan),
        variables: scan.boundVariables)
    }
    guard let name = words.first else {
      // The first word: a command, else the start of an expression over the last result.
      let commands = result(Array(commandTypes.keys), for: word)
      return commands.candidates.isEmpty
        ? expressionCompletion(
          word, firstOfStage: false, fields: fields(for: scan), variables: scan.boundVariables)
        : commands
    }
    guard let root = commandTypes[name] else { return result([], for: word) }
    // Walk subcommands (`az acr repository show-manifests`).
    let (command, index) = Self.innermostCommand(root, words: words)
    let subcommands = command.configuration.subcommands.compactMap { $0.configuration.commandName }
    let previous = words.count > index ? words.last : nil
    if let previous, previous.hasPrefix("-"), let values = optionValues(previous) {
      return result(values, for: commandWord)
    }
    if commandWord.hasPrefix("-") {
      return result(Self.flags(of: command), for: commandWord)
    }
    if !subcommands.isEmpty, index == words.count {
      return result(subcommands, for: commandWord)
    }
    return result(positionalValues(command, word: commandWord, words: words), for: commandWord)
  }

  /// The subcommand the words name, and how many words named it.
  static func innermostCommand(_ root: any ParsableCommand.Type, words: [String]) -> (
    any ParsableCommand.Type, Int
  ) {
    var command = root
    var index = 1
    while index < words.count {
      var next: (any ParsableCommand.Type)?
      for sub in command.configuration.subcommands
      where sub.configuration.commandName == words[index] {
        next = sub
      }
      guard let next else { break }
      command = next
      index += 1
    }
    return (command, index)
  }

  /// The fields an expression at the cursor sees: those of the documents the nearest
  /// command stage before it produces (`manifests REPO | [?tags==null].dig`), or, in a
  /// command's `--query`, that command's; else the last result's (`_`).
  func fields(for scan: LinePrefix) -> [String] {
    if scan.inQueryValue, let name = scan.completedWords.first, commandTypes[name] != nil {
      let fields = source.fields(producedBy: scan.completedWords)
      if !fields.isEmpty { return fields }
    }
    for words in scan.earlierStages.reversed() {
      guard let name = words.first else { continue }
      if commandTypes[name] != nil || name == "acr" {
        return source.fields(producedBy: words)
      }
    }
    return source.lastResultFields()
  }

  /// JMESPath: function names, field names (after a dot, the path before it is kept), and
  /// the `$` variables that an enclosing `let` binds.
  func expressionCompletion(
    _ word: String, firstOfStage: Bool, fields: [String], variables: [String] = []
  ) -> Completion {
    if word.hasPrefix("$") {
      let names = variables.map { "$" + $0 }
      return Completion(
        word: word, candidates: Array(Set(names.filter { $0.hasPrefix(word) })).sorted(),
        appendSpace: false)
    }
    if let dot = word.lastIndex(of: ".") {
      let path = String(word[...dot])
      let fields = fields.map { path + $0 }
      return Completion(
        word: word, candidates: Array(Set(fields.filter { $0.hasPrefix(word) })).sorted(),
        appendSpace: false)
    }
    var candidates = functionNames.map { $0 + "(" } + fields
    if firstOfStage { candidates += commandTypes.keys }
    return Completion(
      word: word, candidates: Array(Set(candidates.filter { $0.hasPrefix(word) })).sorted(),
      appendSpace: false)
  }

  /// The values an option takes, when they come from a known set.
  func optionValues(_ option: String) -> [String]? {
    switch option {
    case "--name", "-n", "--registry": source.registryNames()
    case "--repository": source.repositoryNames()
    case "--output", "-o": OutputFormat.allCases.map(\.rawValue)
    case "--orderby": ["time_asc", "time_desc"]
    case "--image", "-t": imageReferences(for: nil)
    case "--flavor": ["automatic", "acr", "distribution"]
    default: nil
    }
  }

  /// A positional argument: a registry for `use`, a command for `help`, otherwise a
  /// repository, or `repository:tag` / `repository@digest` once the separator is typed.
  func positionalValues(
    _ command: any ParsableCommand.Type, word: String, words: [String]
  ) -> [String] {
    // A subcommand of a group (`registry remove`, `bench populate`) names itself here.
    if words.first == "registry", words.dropFirst().first == "remove" {
      return source.registryNames()
    }
    switch command.configuration.commandName {
    case "use": return source.registryNames()
    case "help": return Array(commandTypes.keys)
    case "registry": return words.count == 1 ? ["add", "list", "remove"] : source.registryNames()
    case "bench": return ["populate"]
    case "set": return words.count == 1 ? ["dialect"] : Dialect.allCases.map(\.rawValue)
    case "history", "exit": return []
    default: break
    }
    if word.contains(":") || word.contains("@") { return imageReferences(for: word) }
    if word.hasPrefix("sha256:") || word.hasPrefix("sha512:") {
      let repository = words.dropFirst().first { source.repositoryNames().contains($0) }
      return repository.map { source.digests(of: $0) } ?? []
    }
    return source.repositoryNames()
  }

  /// `repository:tag` and `repository@digest` for the repository the word names.
  func imageReferences(for word: String?) -> [String] {
    guard let word else { return source.repositoryNames() }
    if let at = word.firstIndex(of: "@") {
      let repository = String(word[..<at])
      return source.digests(of: repository).map { "\(repository)@\($0)" }
    }
    if let colon = word.firstIndex(of: ":") {
      let repository = String(word[..<colon])
      return source.tags(of: repository).map { "\(repository):\($0)" }
    }
    return source.repositoryNames()
  }

  nonisolated(unsafe) private static var flagCache: [ObjectIdentifier: [String]] = [:]

  /// The long and short flags of a command, read from its help text: ArgumentParser has
  /// no public list of a command's arguments, and the help is generated from them.
  static func flags(of command: any ParsableCommand.Type) -> [String] {
    if let cached = flagCache[ObjectIdentifier(command)] { return cached }
    var flags: Set<String> = ["--help"]
    var inOptions = false
    for line in command.helpMessage(columns: 1000).split(separator: "\n") {
      if line.hasSuffix(":"), !line.hasPrefix(" ") {
        inOptions = line.hasPrefix("OPTIONS") || line.hasPrefix("FLAGS")
        continue
      }
      guard inOptions else { continue }
      // "  -o, --output <output>   help" — the flag names come before the help column.
      let head = line.drop { $0 == " " }.prefix { $0 != "<" }
      for token in head.split(whereSeparator: { $0 == " " || $0 == "," }) {
        guard token.hasPrefix("-"), token.count > 1 else { break }
        flags.insert(String(token))
      }
    }
    let sorted = flags.sorted()
    flagCache[ObjectIdentifier(command)] = sorted
    return sorted
  }
}

extension LinePrefix {
  /// The names a `let` in this stage binds (`let $a = …, $b = …`), in order.
  var boundVariables: [String] {
    let scalars = Array(stageText.unicodeScalars)
    var names: [String] = []
    var i = 0
    while i < scalars.count {
      guard scalars[i] == "$" else {
        i += 1
        continue
      }
      var j = i + 1
      while j < scalars.count,
        scalars[j].properties.isAlphabetic || scalars[j] == "_"
          || ("0"..."9").contains(scalars[j])
      {
        j += 1
      }
      let name = String(String.UnicodeScalarView(scalars[(i + 1)..<j]))
      var k = j
      while k < scalars.count, scalars[k] == " " { k += 1 }
      // `$name =` (one '=') binds; `$name ==` compares.
      if !name.isEmpty, k < scalars.count, scalars[k] == "=",
        k + 1 >= scalars.count || scalars[k + 1] != "=", !names.contains(name)
      {
        names.append(name)
      }
      i = j
    }
    return names
  }
}
