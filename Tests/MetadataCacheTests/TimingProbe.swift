import Foundation
import MetadataCache
import TestSupport
import Testing

struct TimingProbe {
  @Test func phases() async throws {
    var t = Date()
    func lap(_ s: String) { print("PHASE \(s): \(Date().timeIntervalSince(t))"); t = Date() }
    let registry = try await TestRegistry()
    lap("start")
    let fixtures = try await Fixtures.push(to: try registry.client())
    lap("push")
    let home = try TemporaryDirectory()
    let store = try MetadataStore(url: home.url.appendingPathComponent("cache.sqlite"))
    let info = try store.addRegistry(RegistryInfo(name: "test", url: registry.server))
    lap("store")
    _ = try await Synchronizer(store: store, registry: info, client: try registry.client()).sync()
    lap("sync1")
    _ = try await Synchronizer(store: store, registry: info, client: try registry.client()).sync()
    lap("sync2")
    _ = fixtures
  }
}
