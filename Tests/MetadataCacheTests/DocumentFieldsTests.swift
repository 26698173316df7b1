import Foundation
import JMESPath
import MetadataCache
import TestSupport
import Testing

/// Issue 15's compact documents: a listing built whole for the interpreter builds `tags` and
/// `timestamp` only when the query can observe them, and the answer is the same either way.
@Suite struct DocumentFieldsTests {
  static func fields(_ source: String) throws -> DocumentFields {
    DocumentFields(readBy: try Expression(source).part)
  }

  @Test(arguments: [
    "sort_by(@, &digest)[0].digest", "[?mediaType=='x'] | length(@)", "length(@)",
    "max_by(@, &digest).repository", "reverse(sort_by(@, &digest))[:3].[digest, repository]",
    "map(&digest, @)", "[?starts_with(digest, 'sha256:0')].digest | sort(@)",
    "length(sort_by(@, &repository))", "[0].keys(@)", "length([0])",
  ])
  func aQueryThatReadsNeitherBuildsNeither(_ source: String) throws {
    #expect(try Self.fields(source) == DocumentFields(tags: false, timestamp: false))
  }

  @Test(arguments: [
    ("sort_by(@, &digest)[?tags][0].digest", true, false),
    ("max_by(@, &timestamp).digest", false, true),
    ("[?contains(join(',', tags || `[]`), 'rc')].digest", true, false),
    ("sort_by(@, &timestamp)[:2].{d: digest, t: tags}", true, true),
  ])
  func aQueryBuildsWhatItNames(_ source: String, tags: Bool, timestamp: Bool) throws {
    #expect(try Self.fields(source) == DocumentFields(tags: tags, timestamp: timestamp))
  }

  /// Every way a whole document reaches something that may look at all of it.
  @Test(arguments: [
    "@", "[0]", "sort_by(@, &digest)", "max_by(@, &digest)", "[?digest == 'x']",
    "[?@ == `{}`].digest", "[*].values(@)", "[].[@]", "[].{d: @}", "map(&@, @)",
    "[*].to_string(@)", "[].*", "$[0].digest", "let $a = @ in $a[0].digest",
    "[0] || [1]", "sort_by(@, &@)[0].digest", "[0].[digest, @][0]", "[?`true`] | [0]",
    "[].merge(@, `{}`).digest", "group_by(@, &digest)", "[0] == [1]", "[0].*",
  ])
  func aWholeDocumentNeedsEveryField(_ source: String) throws {
    #expect(try Self.fields(source) == .all, "\(source)")
  }

  /// The answer over documents built with only what the query reads is, byte for byte, the
  /// answer over whole documents, on a real cache.
  @Test func theAnswerIsTheWholeDocumentsAnswer() throws {
    let directory = try TemporaryDirectory()
    defer { withExtendedLifetime(directory) {} }  // removed only after the store is done
    let store = try MetadataStore(url: directory.url.appendingPathComponent("cache.sqlite"))
    try store.populateBenchmark(manifests: 300, repositories: 3)
    let registryId = try #require(try store.registries().first { $0.name == "bench" }).id
    let whole = try store.manifestDocuments(registryId: registryId, repository: nil)
    let writer = JSONWriter(style: .compact)
    var sparse = 0
    for source in [
      "sort_by(@, &digest)[0].digest", "length(@)", "[0].keys(@)", "length([0])",
      "sort_by(@, &digest)[?tags][:5].digest", "max_by(@, &timestamp).digest",
      "[?contains(join(',', tags || `[]`), 'rc')].digest", "sort_by(@, &timestamp)[:2]",
      "reverse(sort_by(@, &digest))[:3].[digest, repository]", "map(&timestamp, @)[:4]",
      "[0].values(@)", "[*].to_string(@)[:2]", "[0] == [1]", "[?tags == null] | [0]",
    ] {
      let expression = try Expression(source)
      let fields = DocumentFields(readBy: expression.part)
      if fields != .all { sparse += 1 }
      let built = try store.manifestDocuments(
        registryId: registryId, repository: nil, options: DocumentOptions(fields: fields))
      #expect(
        writer.string(try expression.evaluate(built))
          == writer.string(try expression.evaluate(whole)), "\(source)")
    }
    #expect(sparse >= 8)
    // The fields really are left out when nothing reads them.
    let bare = try store.manifestDocuments(
      registryId: registryId, repository: nil,
      options: DocumentOptions(fields: DocumentFields(tags: false, timestamp: false)))
    #expect(try search("[?timestamp != null] | length(@)", in: bare) == 0)
    #expect(try search("length([?tags])", in: whole) != 0)
  }
}
