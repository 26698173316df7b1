import Testing

@testable import Shell

/// What the REPL keeps in its history file.
struct REPLHistoryTests {
  @Test(arguments: [
    ("login myregistry.azurecr.io -u me -p s3cret", true),
    ("login r -u me --password s3cret", true),
    ("login r -u me --password=s3cret", true),
    ("login r -u me -ps3cret", true),
    ("use r; login r -u me -p x", true),
    ("login r -u me --password-stdin", false),
    ("manifests team1/service-1 -o tsv", false),
  ])
  func passwordsAreNotKept(line: String, secret: Bool) {
    #expect(LineHistory.holdsSecret(line) == secret, "\(line)")
  }
}
