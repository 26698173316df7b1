import Testing

@testable import Shell

/// Tab completion, without a terminal: what `Completer` offers for the line up to the cursor.
struct REPLCompletionTests {
  struct FakeSource: CompletionSource {
    func registryNames() -> [String] { ["bench", "prod"] }
    func repositoryNames() -> [String] {
      ["team0/service-0", "team1/service-1", "team2/service-2"]
    }
    func tags(of repository: String) -> [String] {
      repository == "team1/service-1" ? ["v1", "v2", "latest"] : []
    }
    func digests(of repository: String) -> [String] {
      repository == "team1/service-1" ? ["sha256:aa11", "sha256:bb22"] : []
    }
    func lastResultFields() -> [String] { ["digest", "tags", "timestamp", "layers", "size"] }
  }

  let completer = Completer(source: FakeSource())

  func candidates(_ line: String) -> [String] { completer.complete(line).candidates }

  @Test(arguments: [
    // Command names at the start of a stage.
    ("man", ["manifests"]),
    ("he", ["help"]),
    ("manifests team1/service-1 | ta", ["tags"]),
    // Repository names.
    ("manifests team1/ser", ["team1/service-1"]),
    ("tags team", ["team0/service-0", "team1/service-1", "team2/service-2"]),
    // Tags and digests of the repository the word names.
    ("tags team1/service-1:v", ["team1/service-1:v1", "team1/service-1:v2"]),
    ("manifests team1/service-1@sha256:a", ["team1/service-1@sha256:aa11"]),
    // Registry names.
    ("use p", ["prod"]),
    ("manifests --all --name b", ["bench"]),
    // Flags, and values of flags with a known set.
    ("manifests --al", ["--all"]),
    ("manifests x -o ts", ["tsv"]),
    ("az acr repository show-m", ["show-manifests"]),
    ("az acr repository show-manifests --repository team2", ["team2/service-2"]),
    ("help mani", ["manifests"]),
    // JMESPath: function names, and fields of the last result.
    ("[?starts_w", ["starts_with("]),
    ("[?ti", ["timestamp"]),
    ("[0].dig", [".digest"]),
    ("len", ["length("]),
    ("items[*].si", [".size"]),
    ("manifests x --query \"[?tags==null].dig", [".digest"]),
    ("sort_by(@, &time", ["timestamp"]),
    // JMESPath Community's functions and regsh's registry functions.
    ("[?timestamp < ag", ["ago("]), ("spli", ["split("]), ("semver_c", ["semver_compare("]),
    // A later stage completes from the shape of what the command stage produces, before
    // anything has run (not from `_`: `size` and `layers` are only in the last result).
    ("manifests acr-helloworld | [?tags==null].dig", [".digest"]),
    ("manifests acr-helloworld | [?tags==null].siz", []),
    ("manifests acr-helloworld --detail | [?tags==null].media", [".mediaType"]),
    ("manifests --all | [0].repo", [".repository"]),
    (
      "az acr repository show-manifests -n prod --repository x | [?tags==null].time", [".timestamp"]
    ),
    ("manifests x | [?tags==null] | [0].dig", [".digest"]),
    ("tags x --detail | [0].na", [".name"]),
    // A stage that queries `_` still completes from the last result.
    ("[?tags==null] | [0].siz", [".size"]),
    // The `$` variables a `let` binds, and only those.
    ("let $repo = repository, $n = `3` in [?starts_with(name, $re", ["$repo"]),
    ("let $a = tags in [?$a == $", ["$a"]),
    ("[?tags == $", []),
    // The dialect setting.
    ("set d", ["dialect"]), ("set dialect c", ["community"]),
  ])
  func offers(line: String, expected: [String]) {
    #expect(candidates(line) == expected, "line: \(line)")
  }

  @Test func commandWordsGetASpaceAndExpressionsDoNot() {
    #expect(completer.complete("manifests team1/ser").appendSpace)
    #expect(!completer.complete("[0].dig").appendSpace)
    #expect(!completer.complete("len").appendSpace)
  }

  @Test func flagsComeFromTheCommandsHelp() {
    let flags = Completer.flags(of: ManifestsCommand.self)
    for flag in ["--all", "--detail", "--orderby", "--top", "--query", "--output", "-o", "--help"] {
      #expect(flags.contains(flag), "\(flag) in \(flags)")
    }
  }

  /// libedit breaks words at `@`; the candidates are cut to the part it replaces.
  @Test func candidatesFollowLibeditsWord() {
    #expect(
      LineEditor.adjust(
        "team1/service-1@sha256:aa11", from: "team1/service-1@sha256:a", to: "sha256:a")
        == "sha256:aa11")
    #expect(LineEditor.adjust("timestamp", from: "ti", to: "ti") == "timestamp")
    #expect(LineEditor.adjust(".digest", from: ".dig", to: "[0].dig") == "[0].digest")
  }
}
