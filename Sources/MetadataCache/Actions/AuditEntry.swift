import Foundation
import RegistryAPI

/// One line of the audit log: a change regsh made, with what is needed to undo it.
public struct AuditEntry: Sendable, Hashable {
  public enum Action: String, Sendable {
    case delete, untag, restore
    /// ACR attributes (locks) changed; `detail` says which. Nothing for restore to undo.
    case update
  }
  public var id: Int64?
  public var time: String
  public var registry: String
  public var repository: String
  public var action: Action
  public var digest: Digest?
  public var tags: [String]
  public var mediaType: String?
  /// The manifest's exact bytes: `restore` pushes these back.
  public var manifest: Data?
  public var bytesFreed: Int?
  public var user: String
  public var detail: String?
  /// Whether the change happened: `pending` until the registry answered (a process killed
  /// meanwhile leaves it so), then `done` or `failed`.
  public var state: State = .done

  public enum State: String, Sendable {
    case pending, done, failed
  }

  public init(
    registry: String, repository: String, action: Action, digest: Digest?, tags: [String],
    mediaType: String?, manifest: Data?, bytesFreed: Int? = nil, detail: String? = nil
  ) {
    self.time = Timestamp.now()
    self.registry = registry
    self.repository = repository
    self.action = action
    self.digest = digest
    self.tags = tags
    self.mediaType = mediaType
    self.manifest = manifest
    self.bytesFreed = bytesFreed
    self.user = Self.localUser
    self.detail = detail
  }

  /// Who ran regsh: the login name, not anything from a registry credential.
  public static var localUser: String {
    if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name {
      return String(cString: name)
    }
    return ProcessInfo.processInfo.environment["USER"] ?? "uid \(getuid())"
  }
}
