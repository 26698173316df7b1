import JMESPath
import RegistryAPI

/// What a delete did, item by item: the summary people and scripts read afterwards.
public struct DeleteOutcome: Sendable {
  public struct Item: Sendable, Hashable {
    public var repository: String
    public var digest: Digest
    public var tags: [String]
    public var bytesFreed: Int
    public var reason: FailureReason?
  }
  public var registry: String
  public var deleted: [Item] = []
  public var alreadyGone: [Item] = []
  public var skipped: [SkippedTarget] = []
  public var failed: [Item] = []
  /// Deletions the registry confirmed whose audit entry could not be settled: said loudly
  /// (the entry stays pending, with the bytes restore needs).
  public var unrecorded: [String] = []
  /// ACR's answer to a whole-repository DELETE (`manifestsDeleted`, `tagsDeleted`), as served.
  public var repositoryAnswer: JSON?
  /// A whole-repository delete went manifest by manifest, because something in the
  /// repository had to stay.
  public var repositoryDeleteWithheld = false
  /// Digests ACR's repository DELETE reports deleted that the plan did not hold (pushed
  /// after the sync): gone without an audit entry.
  public var deletedUnplanned: [Digest] = []

  public var bytesFreed: Int { deleted.saturatedSum(\.bytesFreed) }

  public init(registry: String) { self.registry = registry }

  public var document: JSON {
    func items(_ list: [Item]) -> JSON {
      .array(
        list.map { item in
          var object: JSONObject = [
            "repository": .string(item.repository), "digest": .string(item.digest.description),
            "tags": item.tags.isEmpty ? .null : .array(item.tags.map(JSON.string)),
          ]
          if let reason = item.reason {
            object["reason"] = .string(reason.description)
          } else {
            object["bytesFreed"] = .int(item.bytesFreed)
          }
          return .object(object)
        })
    }
    return .object([
      "registry": .string(registry), "deleted": items(deleted),
      "alreadyGone": items(alreadyGone),
      "skipped": .array(skipped.map(\.document)), "failed": items(failed),
      "bytesFreed": .int(bytesFreed), "unrecorded": .array(unrecorded.map(JSON.string)),
    ])
  }
}
