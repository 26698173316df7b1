import JMESPath
import RegistryAPI

/// What an action is asked to act on: a manifest by digest, or an image by tag, in one repository.
public struct ActionTarget: Hashable, Sendable, CustomStringConvertible {
  public enum Selector: Hashable, Sendable {
    case digest(Digest)
    case tag(String)
  }
  public var repository: String
  public var selector: Selector

  public init(repository: String, selector: Selector) {
    self.repository = repository
    self.selector = selector
  }

  public var description: String {
    switch selector {
    case .digest(let digest): "\(repository)@\(digest)"
    case .tag(let tag): "\(repository):\(tag)"
    }
  }

  /// Parses `repo@digest`, `repo:tag`, or — when the repository is known from context — a bare
  /// digest or tag.
  public init(parsing text: String, repository: String?) throws(ActionError) {
    if text.hasPrefix("sha256:") || text.hasPrefix("sha512:") {
      guard let repository else { throw ActionError.noRepository(text) }
      guard let digest = try? Digest(text) else {
        throw ActionError.badTarget(text, why: "not a digest")
      }
      self.init(repository: repository, selector: .digest(digest))
      return
    }
    if !text.contains(":") && !text.contains("@") && !text.contains("/"), let repository {
      guard (try? Reference.validateTag(text)) != nil else {
        throw ActionError.badTarget(text, why: "not a tag")
      }
      self.init(repository: repository, selector: .tag(text))
      return
    }
    guard let reference = try? Reference(parsing: text), reference.registry == nil else {
      throw ActionError.badTarget(text, why: "not a repo@digest or repo:tag reference")
    }
    if let digest = reference.digest {
      self.init(repository: reference.repository, selector: .digest(digest))
    } else {
      guard text.contains(":") else {
        throw ActionError.badTarget(text, why: "name a tag (repo:tag) or a digest (repo@digest)")
      }
      self.init(repository: reference.repository, selector: .tag(reference.tag ?? "latest"))
    }
  }

  /// The targets a pipeline stage received: digests, `repo@digest`, `repo:tag`, tag names, or
  /// objects with `digest` (or, for tags, `name`) and `repository` where the source spans
  /// repositories. One element that is none of these fails the whole input: nothing is done.
  public static func targets(from value: JSON, repository: String?, preferTags: Bool = false)
    throws(ActionError) -> [ActionTarget]
  {
    let elements: [JSON]
    switch value {
    case .null: return []
    case .array(let items): elements = items
    default: elements = [value]
    }
    var targets: [ActionTarget] = []
    for (index, element) in elements.enumerated() {
      do {
        targets.append(try target(from: element, repository: repository, preferTags: preferTags))
      } catch {
        throw ActionError.badElement(
          index: index, element: JSONWriter(style: .compact).string(element),
          why: error.description)
      }
    }
    return targets
  }

  static func target(from element: JSON, repository: String?, preferTags: Bool)
    throws(ActionError) -> ActionTarget
  {
    switch element {
    case .string(let text):
      return try ActionTarget(parsing: text, repository: repository)
    case .object(let object):
      // A field of the wrong type is a mistake in the query, not a hint to guess around.
      for field in ["repository", "digest", "tag", "name"] {
        if let value = object[field], value != .null, value.stringValue == nil {
          throw ActionError.badTarget(
            "the object", why: "its \(field) is a \(value.typeName), not a string")
        }
      }
      var own = repository
      if case .string(let name)? = object["repository"] { own = name }
      guard let own else { throw ActionError.noRepository("the object") }
      let tag: String? = {
        if case .string(let tag)? = object["tag"] { return tag }
        if case .string(let name)? = object["name"] { return name }
        return nil
      }()
      if preferTags, let tag { return try ActionTarget(parsing: tag, repository: own) }
      if case .string(let digest)? = object["digest"] {
        guard digest.hasPrefix("sha") else {
          throw ActionError.badTarget(digest, why: "not a digest")
        }
        return try ActionTarget(parsing: digest, repository: own)
      }
      if let tag { return try ActionTarget(parsing: tag, repository: own) }
      throw ActionError.badTarget("the object", why: "it has no digest, tag or name field")
    default:
      throw ActionError.badTarget(
        "a \(element.typeName)", why: "expected a digest, repo@digest, repo:tag or an object")
    }
  }
}
