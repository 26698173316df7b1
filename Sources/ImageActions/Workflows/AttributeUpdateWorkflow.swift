import Foundation
import MetadataCache
import RegistryAPI

/// Changes the attributes ACR keeps on a repository, tag or manifest (`deleteEnabled`,
/// `writeEnabled`, `readEnabled`, `listEnabled`: its locks), as `az acr repository update`
/// does.
///
/// A lock decides what a later delete may touch, so the change goes the way every change
/// does: under the registry's lease (never beside another client's delete), and into the
/// audit log, which says who locked or unlocked what and when.
public struct AttributeUpdateWorkflow: Sendable {
  let context: ActionContext

  public init(context: ActionContext) { self.context = context }

  /// Sends the update and logs it; returns ACR's answer (the record as it now is).
  /// Nothing is logged when ACR refuses the update: nothing changed.
  public func run(_ record: RegistryClient.ACRRecord, _ update: ACRChangeableAttributes)
    async throws -> Data
  {
    let lease = try await context.leaseForRun()
    defer { withExtendedLifetime(lease) {} }
    let answer = try await context.client.acrUpdateRecord(record, update)
    var digest: Digest?
    var tags: [String] = []
    switch record {
    case .repository: break
    case .tag(_, let tag): tags = [tag]
    case .manifest(_, let manifest): digest = manifest
    }
    try context.store.recordAudit(
      AuditEntry(
        registry: context.registry.name, repository: record.repository, action: .update,
        digest: digest, tags: tags, mediaType: nil, manifest: nil,
        detail: Self.describe(update)))
    return answer
  }

  /// The attributes set, in az's flag order, e.g. "deleteEnabled=false writeEnabled=false".
  static func describe(_ update: ACRChangeableAttributes) -> String {
    [
      ("deleteEnabled", update.deleteEnabled), ("writeEnabled", update.writeEnabled),
      ("readEnabled", update.readEnabled), ("listEnabled", update.listEnabled),
    ].compactMap { name, value in value.map { "\(name)=\($0)" } }.joined(separator: " ")
  }
}
