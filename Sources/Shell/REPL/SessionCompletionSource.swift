import JMESPath
import MetadataCache

/// Completion data from the session: the cache for the registry chosen with `use`, and
/// the last result. Reads only; a cache that cannot be opened offers nothing.
struct SessionCompletionSource: CompletionSource {
  let session: Session

  private func registryId() -> Int64? {
    guard let name = session.currentRegistry else { return nil }
    return (try? session.store().registry(named: name))?.flatMap(\.id)
  }

  func registryNames() -> [String] {
    ((try? session.store().registries()) ?? []).map(\.name)
  }

  func repositoryNames() -> [String] {
    guard let id = registryId() else { return [] }
    return (try? session.store().repositoryNames(registryId: id)) ?? []
  }

  func tags(of repository: String) -> [String] {
    guard let id = registryId(),
      let document = try? session.store().tagDocuments(registryId: id, repository: repository),
      case .array(let items) = document
    else { return [] }
    return items.compactMap { if case .string(let tag) = $0 { tag } else { nil } }
  }

  func digests(of repository: String) -> [String] {
    guard let id = registryId(),
      let document = try? session.store().manifestDocuments(
        registryId: id, repository: repository),
      case .array(let items) = document
    else { return [] }
    return items.compactMap {
      if case .object(let fields) = $0, case .string(let digest)? = fields["digest"] {
        digest
      } else {
        nil
      }
    }
  }

  /// The fields of the cached documents the command would list (its first 50), so a later
  /// stage completes from real data; the documented shape when the cache has none.
  func fields(producedBy command: [String]) -> [String] {
    let listing = ListingWords(command)
    if let id = registryId(), listing.kind != .none {
      let options = DocumentOptions(top: 50, detail: listing.detail)
      let documents: JSON?
      switch listing.kind {
      case .manifests:
        documents = try? session.store().manifestDocuments(
          registryId: id, repository: listing.all ? nil : listing.repository, options: options)
      case .tags:
        documents = listing.repository.flatMap {
          try? session.store().tagDocuments(registryId: id, repository: $0, options: options)
        }
      case .none:
        documents = nil
      }
      var names: Set<String> = []
      if let documents { Self.collectFields(documents, into: &names, depth: 0) }
      if !names.isEmpty { return names.sorted() }
    }
    return DocumentShapes.fields(of: command)
  }

  func lastResultFields() -> [String] {
    guard let value = session.lastResult else { return [] }
    var names: Set<String> = []
    Self.collectFields(value, into: &names, depth: 0)
    return names.sorted()
  }

  /// Keys at any depth; only the first elements of a long array are looked at, since the
  /// items of a listing share their shape.
  static func collectFields(_ value: JSON, into names: inout Set<String>, depth: Int) {
    guard depth < 6 else { return }
    switch value {
    case .object(let fields):
      for (key, child) in fields {
        names.insert(key)
        collectFields(child, into: &names, depth: depth + 1)
      }
    case .array(let items):
      for item in items.prefix(50) { collectFields(item, into: &names, depth: depth + 1) }
    default:
      break
    }
  }
}
