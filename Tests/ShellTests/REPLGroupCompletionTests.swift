import Testing

@testable import Shell

/// Tab completion in the REPL for the command groups `registry`, `protect` and `bench`:
/// their subcommands and their subcommands' flags and values.
struct REPLGroupCompletionTests {
  let completer = Completer(source: REPLCompletionTests.FakeSource())

  func candidates(_ line: String) -> [String] { completer.complete(line).candidates }

  @Test(arguments: [
    ("registry ", ["add", "list", "remove"]),
    ("registry re", ["remove"]),
    ("protect ", ["add", "list", "remove"]),
    ("bench ", ["populate"]),
    ("registry add x localhost:5000 --fl", ["--flavor"]),
    ("registry add x localhost:5000 --flavor a", ["acr", "automatic"]),
    ("protect add v1 --rea", ["--reason"]),
    ("bench populate --rep", ["--repositories"]),
  ])
  func offers(line: String, expected: [String]) {
    #expect(candidates(line) == expected, "line: \(line)")
  }

  /// Completer.positionalValues still matches the old one-command `registry` by name; now
  /// that `registry remove` is a subcommand named `remove`, it offers repositories there
  /// (Completer.swift is being changed by another engineer: the fix is requested there).
  @Test func registryRemoveOffersRegistryNames() {
    #expect(candidates("registry remove p") == ["prod"])
  }
}
