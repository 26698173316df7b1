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
