import JMESPath
import MetadataCache
import RegistryAPI
import Testing

@testable import ImageActions

/// What an action accepts as input, and how it refuses the rest.
struct ActionTargetTests {
  static let digest = "sha256:" + String(repeating: "ab", count: 32)

  @Test(
    arguments: [
      (
        "sha256:" + String(repeating: "ab", count: 32), "acr-helloworld", "acr-helloworld@" + digest
      ),
      ("acr-helloworld@" + digest, nil, "acr-helloworld@" + digest),
      ("marketing/campaign10-18/web:v2", nil, "marketing/campaign10-18/web:v2"),
      ("v1", "acr-helloworld", "acr-helloworld:v1"),
    ] as [(String, String?, String)])
  func stringsNameManifestsAndTags(text: String, repository: String?, expected: String) throws {
    #expect(try ActionTarget(parsing: text, repository: repository).description == expected)
  }

  @Test(arguments: [
    (
      "sha256:" + String(repeating: "ab", count: 32), nil as String?,
      "does not say which repository"
    ),
    ("sha256:xyz", "r", "not a digest"),
    ("acr-helloworld", nil, "name a tag"),
    ("registry.example.com/app:v1", nil, "not a repo@digest or repo:tag"),
    ("v1 v2", "r", "not a tag"),
  ])
  func malformedStringsAreRefusedWithTheReason(text: String, repository: String?, reason: String) {
    #expect {
      try ActionTarget(parsing: text, repository: repository)
    } throws: { error in
      "\(error)".contains(reason)
    }
  }

  @Test func documentsFromListingsAreTargets() throws {
    let input = try JSONReader.parse(
      """
      [{"digest": "\(Self.digest)", "tags": null, "repository": "a/b"},
       {"digest": "\(Self.digest)", "tags": ["x"]},
       {"name": "v3", "digest": "\(Self.digest)"},
       "c:latest"]
      """)
    let targets = try ActionTarget.targets(from: input, repository: "ctx")
    #expect(
      targets.map(\.description) == [
        "a/b@\(Self.digest)", "ctx@\(Self.digest)", "ctx@\(Self.digest)", "c:latest",
      ])
    // untag reads tag documents by their name.
    let tags = try ActionTarget.targets(from: input, repository: "ctx", preferTags: true)
    #expect(tags[2].description == "ctx:v3")
  }

  @Test func oneBadElementRefusesTheWholeInputNamingIt() throws {
    let input = try JSONReader.parse(#"["\#(Self.digest)", 42, "x:y"]"#)
    #expect {
      try ActionTarget.targets(from: input, repository: "r")
    } throws: { error in
      "\(error)".hasPrefix("element 1 of the input (42) cannot be acted on")
        && "\(error)".hasSuffix("nothing was done")
    }
    #expect(try ActionTarget.targets(from: .null, repository: "r").isEmpty)
    #expect(try ActionTarget.targets(from: .string("x:y"), repository: nil).count == 1)
  }

  @Test(
    arguments: [
      (#"{"deleteEnabled":false,"writeEnabled":true}"#, "deleteEnabled=false"),
      (#"{"deleteEnabled":true,"writeEnabled":false}"#, "writeEnabled=false"),
      (#"{"deleteEnabled":true,"writeEnabled":true}"#, nil),
      ("not json", nil),
    ] as [(String, String?)])
  func acrLocksAreReadFromChangeableAttributes(attributes: String, lock: String?) {
    let manifest = CachedManifest(
      repository: "r", digest: try! Digest(Self.digest), mediaType: "m", raw: nil, size: 1,
      tags: [],
      subjectDigest: nil, changeableAttributes: attributes, blobs: [], children: [])
    #expect(manifest.lock == lock)
  }

  @Test(arguments: [(0, "0 B"), (999, "999 B"), (1000, "1.0 kB"), (12_345_678, "12.3 MB")])
  func byteCountsReadAsPeopleReadThem(bytes: Int, text: String) {
    #expect(ByteCount.format(bytes) == text)
  }
}

/// Sizes come from registries: sums never overflow.
struct SaturatingSumTests {
  @Test func sumsStopAtTheLargestValueAndIgnoreNegativeSizes() {
    #expect([Int.max / 2, Int.max / 2, 5].saturatedSum { $0 } == Int.max)
    #expect([3, -7, 4].saturatedSum { $0 } == 7)
  }
}

extension ActionTargetTests {
  @Test func aFieldOfTheWrongTypeIsRefusedNotGuessedAround() throws {
    let input = try JSONReader.parse(#"[{"repository": 5, "digest": "\#(Self.digest)"}]"#)
    #expect {
      try ActionTarget.targets(from: input, repository: "ctx")
    } throws: { error in
      "\(error)".contains("its repository is a number, not a string")
    }
  }
}
