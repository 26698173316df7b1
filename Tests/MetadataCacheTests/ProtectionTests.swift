import Foundation
import MetadataCache
import RegistryAPI
import TestSupport
import Testing

/// Protection rules: what they cover, and how the cache keeps them.
struct ProtectionTests {
  static let digest = "sha256:0a2e01852872580b2c2fea9380ff8d7b637d3928783c55beb3f21a6e58d5d108"
  static let other = try! Digest("sha256:" + String(repeating: "1", count: 64))

  @Test(
    arguments: [
      ("v*", nil, "acr-helloworld", ["v1"], true),
      ("v*", nil, "acr-helloworld", ["latest"], false),
      ("v*", "marketing/*", "acr-helloworld", ["v1"], false),
      ("v*", "marketing/*", "marketing/campaign10-18/web", ["v2", "latest"], true),
      ("release-[0-9]*", nil, "api", ["release-7"], true),
      ("release-[0-9]*", nil, "api", ["release-x"], false),
      (digest, nil, "acr-helloworld", [], true),
      (digest, nil, "acr-helloworld", ["v1"], true),
    ] as [(String, String?, String, [String], Bool)])
  func ruleCovers(
    _ pattern: String, _ repository: String?, _ target: String, _ tags: [String], _ expected: Bool
  ) throws {
    let rule = ProtectionRule(registryId: 1, repository: repository, pattern: pattern, reason: nil)
    let digest = try Digest(
      pattern.hasPrefix("sha256:") ? pattern : "sha256:" + String(repeating: "0", count: 64))
    #expect(rule.covers(repository: target, digest: digest, tags: tags) == expected)
  }

  @Test func aDigestRuleDoesNotCoverOtherDigests() {
    let rule = ProtectionRule(registryId: 1, repository: nil, pattern: Self.digest, reason: nil)
    #expect(rule.kind == .digest)
    #expect(!rule.covers(repository: "a", digest: Self.other, tags: []))
  }

  @Test(arguments: StoreKind.available)
  func rulesAreStoredPerRegistryAndRemovedById(_ kind: StoreKind) throws {
    let home = try TemporaryDirectory()
    let store = try kind.makeStore(home: home.url)
    let one = try store.addRegistry(NewRegistry(name: "one", url: "localhost:5000"))
    let two = try store.addRegistry(NewRegistry(name: "two", url: "localhost:5001"))
    let rule = try store.addProtection(
      ProtectionRule(
        registryId: one.id, repository: "acr-helloworld", pattern: "v*", reason: "pinned"))
    #expect(try store.protectionRules(registryId: one.id).map(\.pattern) == ["v*"])
    #expect(try store.protectionRules(registryId: two.id).isEmpty)
    let hit = try store.protection(
      registryId: one.id, repository: "acr-helloworld", digest: try Digest(Self.digest),
      tags: ["v3"])
    #expect(hit?.reason == "pinned")
    #expect(
      try store.protection(
        registryId: two.id, repository: "acr-helloworld", digest: try Digest(Self.digest),
        tags: ["v3"]) == nil
    )
    #expect(try !store.removeProtection(id: rule.id!, registryId: two.id))
    #expect(try store.removeProtection(id: rule.id!, registryId: one.id))
    #expect(try store.protectionRules(registryId: one.id).isEmpty)
    #expect(try store.auditDocuments(registry: nil, last: nil) == [])
  }
}
