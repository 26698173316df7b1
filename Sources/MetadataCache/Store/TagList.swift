import JMESPath

/// The tags of a manifest as the cache keeps them beside it (`manifest.tagList`): sorted,
/// separated by a tab (which no tag may contain), NULL when the manifest is untagged — so
/// `[?tags==null]` is a column test. The one codec for that column.
enum TagList {
  /// The stored form of `tags`; nil (NULL) for none.
  static func encode(_ tags: some Sequence<String>) -> String? {
    let sorted = tags.sorted()
    return sorted.isEmpty ? nil : sorted.joined(separator: "\t")
  }

  /// The tags of a stored list; none for NULL.
  static func decode(_ stored: String?) -> [String] {
    stored.map { $0.split(separator: "\t").map(String.init) } ?? []
  }

  /// A stored list as a document's JSON array, split on bytes: no grapheme breaking for a
  /// million rows.
  static func document(_ stored: String) -> JSON {
    .array(stored.utf8.split(separator: UInt8(ascii: "\t")).map { .string(String(Substring($0))) })
  }
}
