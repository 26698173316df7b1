import ArgumentParser
import Foundation
import Shell
import Testing

@testable import regsh

/// Keeps the command reference (docs/commands.md) and the man page (docs/regsh.1) in step
/// with the program: every command of `Session.commandList` (and `query`), with its
/// subcommands, has a heading in the reference, and every long flag its ArgumentParser
/// definition declares appears in both documents.
struct ReferenceDocsTests {
  /// A command and the words that name it (`["az", "acr", "repository", "show-tags"]`).
  struct Command {
    var path: [String]
    var type: any ParsableCommand.Type
    var name: String { path.joined(separator: " ") }
  }

  static let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static func document(_ path: String) throws -> String {
    try String(contentsOf: repository.appendingPathComponent(path), encoding: .utf8)
  }

  /// The reference as written.
  static func reference() throws -> String { try document("docs/commands.md") }

  /// The man page with roff's escaped hyphens (`\-`) unescaped, so `\-\-dry\-run` reads
  /// `--dry-run`.
  static func manPage() throws -> String {
    try document("docs/regsh.1").replacingOccurrences(of: "\\-", with: "-")
  }

  /// Every command regsh runs, groups and their subcommands included. `query` is a command
  /// of the executable only (Sources/regsh/QueryCommandLine.swift); `missingFlags` and the
  /// heading test add it.
  static var commands: [Command] {
    var result: [Command] = []
    func visit(_ type: any ParsableCommand.Type, _ parent: [String]) {
      let path = parent + [type.configuration.commandName!]
      result.append(Command(path: path, type: type))
      for sub in type.configuration.subcommands { visit(sub, path) }
    }
    for type in Session.commandList { visit(type, []) }
    return result
  }

  /// The long names (`--dry-run`) a command's help lists: its options, flags and the
  /// ones its discussion mentions.
  static func longNames(_ type: any ParsableCommand.Type) -> Set<String> {
    names(in: type.helpMessage(columns: 10_000))
  }

  static func names(in text: String) -> Set<String> {
    var names: Set<String> = []
    let scalars = Array(text.unicodeScalars)
    var index = 0
    while index + 2 < scalars.count {
      if scalars[index] == "-", scalars[index + 1] == "-", ("a"..."z").contains(scalars[index + 2]),
        index == 0 || !isNamePart(scalars[index - 1])
      {
        var end = index + 2
        while end < scalars.count, isNamePart(scalars[end]) { end += 1 }
        var name = String(String.UnicodeScalarView(scalars[index..<end]))
        while name.hasSuffix("-") { name.removeLast() }
        names.insert(name)
        index = end
      } else {
        index += 1
      }
    }
    return names
  }

  static func isNamePart(_ scalar: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
  }

  /// Whether `text` holds `name` as a whole flag: `--dry` is not found in `--dry-run`, nor
  /// `--run` in `---run`. (What comes before may be a letter: roff writes `\fB--yes`.)
  static func mentions(_ text: String, _ name: String) -> Bool {
    var searchRange = text.startIndex..<text.endIndex
    while let found = text.range(of: name, range: searchRange) {
      let before =
        found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
      let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
      let startsWord = before != "-"
      let endsWord = after.map { !($0.isLowercase || $0.isNumber || $0 == "-") } ?? true
      if startsWord && endsWord { return true }
      searchRange = found.upperBound..<text.endIndex
    }
    return false
  }

  /// The flags each command declares that `text` never mentions, as "command: --flag".
  static func missingFlags(in text: String) -> [String] {
    var missing: [String] = []
    var declared = commands.map { ($0.name, longNames($0.type)) }
    declared.append(("regsh", ["--generate-completion-script", "--help"]))
    declared.append(("query", longNames(QueryCommandLine.self)))
    for (command, names) in declared {
      for name in names.sorted() where !mentions(text, name) {
        missing.append("\(command): \(name)")
      }
    }
    return missing
  }

  /// The markdown headings of the reference.
  static func headings(_ text: String) -> [String] {
    text.split(separator: "\n").filter { $0.hasPrefix("#") }.map(String.init)
  }

  @Test func theCommandListIsWalked() {
    let names = Set(Self.commands.map(\.name))
    for name in [
      "registry", "delete", "az", "az acr", "az acr repository", "az acr repository show-tags",
      "az acr repository untag", "exit",
    ] {
      #expect(names.contains(name), "\(name) is not among the commands walked")
    }
    #expect(Self.longNames(DeleteCommand.self).isSuperset(of: ["--dry-run", "--yes", "--backup"]))
    #expect(Self.longNames(QueryCommandLine.self).isSuperset(of: ["--file", "--strict"]))
  }

  @Test func everyCommandHasAHeadingInTheReference() throws {
    let headings = try Self.headings(Self.reference())
    let names = Self.commands.map(\.name) + ["regsh", "query"]
    for name in names {
      #expect(
        headings.contains { $0.contains("`\(name)`") },
        "docs/commands.md has no heading with `\(name)`")
    }
  }

  @Test func everyFlagIsInTheReference() throws {
    let missing = Self.missingFlags(in: try Self.reference())
    #expect(
      missing.isEmpty, "docs/commands.md does not mention: \(missing.joined(separator: ", "))")
  }

  @Test func everyCommandAndFlagIsInTheManPage() throws {
    let page = try Self.manPage()
    let missing = Self.missingFlags(in: page)
    #expect(missing.isEmpty, "docs/regsh.1 does not mention: \(missing.joined(separator: ", "))")
    for command in Self.commands where !Self.mentions(page, command.name) {
      Issue.record("docs/regsh.1 does not mention the command \(command.name)")
    }
  }

  /// The check itself can fail: a reference without a flag is caught.
  @Test func aMissingFlagIsCaught() throws {
    let reference = try Self.reference()
    let withoutFlag = reference.replacingOccurrences(of: "--include-referrers", with: "")
    let caught = Set(Self.missingFlags(in: withoutFlag)).subtracting(
      Self.missingFlags(in: reference))
    #expect(caught == ["delete: --include-referrers"])
    #expect(!Self.mentions("--dry-run", "--dry"))
    #expect(Self.mentions("`--dry-run`", "--dry-run"))
  }
}
