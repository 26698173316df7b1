import MetadataCache
import RegistryAPI

/// What every workflow acts with: the store that plans and records, the registry, and one
/// client for it (its connections and tokens serve every step).
public struct ActionContext: Sendable {
  public let store: MetadataStore
  public let registry: RegistryInfo
  public let client: RegistryClient
  /// Called as a step advances with (step, done, total), e.g. ("deleting", 3, 10): the
  /// caller draws it, the workflow never prints.
  public var progress: (@Sendable (String, Int, Int) -> Void)?
  /// Called with a line the user should see that is no step's progress, e.g. that pending
  /// deletes were settled; the caller prints it (to stderr), the workflow never does.
  public var notice: (@Sendable (String) -> Void)?
  /// The registry's lease when the caller took it (`leased(wait:)`) before planning.
  public internal(set) var lease: ActionLease?

  public init(
    store: MetadataStore, registry: RegistryInfo, client: RegistryClient,
    progress: (@Sendable (String, Int, Int) -> Void)? = nil,
    notice: (@Sendable (String) -> Void)? = nil
  ) {
    self.store = store
    self.registry = registry
    self.client = client
    self.progress = progress
    self.notice = notice
  }

  var registryId: Int64 { registry.id }

  func progress(_ step: String) -> (@Sendable (Int, Int) -> Void)? {
    guard let progress else { return nil }
    return { done, total in progress(step, done, total) }
  }
}

/// The caller's answer to a plan before anything changes: a y/n question, `--yes`, or a
/// policy's own limits. Returning false cancels the workflow with `ActionError.cancelled`.
public typealias Confirmation<Plan> = (Plan) async throws -> Bool
