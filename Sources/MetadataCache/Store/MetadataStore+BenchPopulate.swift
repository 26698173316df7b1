import Foundation
import RegistryAPI

extension MetadataStore {
  /// Fills the cache with a synthetic registry for benchmarks (`bench populate`): realistic
  /// digests, about 30% untagged manifests, timestamps, a shared base layer plus two own
  /// layers per image. Replaces any earlier registry of that name. Never use it for data.
  public func populateBenchmark(
    registryName: String = "bench", manifests: Int, repositories: Int, seed: UInt64 = 42
  ) throws {
    precondition(manifests >= 0 && repositories > 0)
    try write { db in
      try db.execute("DELETE FROM registry WHERE name = ?", [registryName])
      let now = Timestamp.now()
      let registryId = try db.scalar(
        Int64.self,
        "INSERT INTO registry (name, url, insecure, flavor, addedAt) VALUES (?, 'bench.invalid', 0, 'distribution', ?) RETURNING id",
        [registryName, now])!
      var repositoryIds: [Int64] = []
      for r in 0..<repositories {
        repositoryIds.append(
          try db.scalar(
            Int64.self,
            "INSERT INTO repository (registryId, name, firstSeen, lastSeen, lastSynced) VALUES (?, ?, ?, ?, ?) RETURNING id",
            [registryId, "team\(r % 10)/service-\(r)", now, now, now])!)
      }
      // Ids are handed out here, so manifests, their layers and tags go in as batches of
      // rows (the backend's fastest insert) without asking for each manifest's new id.
      let firstId = (try db.scalar(Int64.self, "SELECT max(id) FROM manifest") ?? 0) + 1
      let insertManifest = """
        INSERT INTO manifest (id, repositoryId, digest, mediaType, size, imageSize, configDigest, configCreated,
          architecture, os, timestamp, timestampSource, tagList, firstSeen, lastSeen)
        VALUES (?, ?, ?, 'application/vnd.oci.image.manifest.v1+json', ?, ?, ?, ?, 'amd64', 'linux', ?, 'config', ?, ?, ?)
        """
      let insertLayer =
        "INSERT INTO layer (manifestId, position, digest, size, mediaType) VALUES (?, ?, ?, ?, ?)"
      let insertTag = "INSERT INTO tag (repositoryId, name, digest, sinceTime) VALUES (?, ?, ?, ?)"
      var random = seed
      func next() -> UInt64 {
        random &+= 0x9E37_79B9_7F4A_7C15
        var z = random
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
      }
      func digest(_ label: String, _ n: Int) -> String {
        Digest.sha256(of: Data("\(label)-\(n)-\(seed)".utf8)).description
      }
      let baseLayer = digest("base", 0)
      let start = Date(timeIntervalSince1970: 1_600_000_000)
      let layerType = "application/vnd.oci.image.layer.v1.tar+gzip"
      var manifestRows: [StoreArguments] = []
      var layerRows: [StoreArguments] = []
      var tagRows: [StoreArguments] = []
      func flush() throws {
        try db.executeEach(insertManifest, manifestRows)
        try db.executeEach(insertLayer, layerRows)
        try db.executeEach(insertTag, tagRows)
        manifestRows.removeAll(keepingCapacity: true)
        layerRows.removeAll(keepingCapacity: true)
        tagRows.removeAll(keepingCapacity: true)
      }
      for m in 0..<manifests {
        let manifestId = firstId + Int64(m)
        let repositoryId = repositoryIds[m % repositories]
        let manifestDigest = digest("manifest", m)
        let untagged = next() % 100 < 30
        let tags = untagged ? [] : (next() % 5 == 0 ? ["v\(m)", "rc\(m)"] : ["v\(m)"])
        let created = Timestamp.format(
          start.addingTimeInterval(Double(m) * 37 + Double(next() % 1000) / 1000))
        let ownLayers = [Int64(next() % 50_000_000), Int64(next() % 5_000_000)]
        let imageSize = 30_000_000 + ownLayers.reduce(0, +) + 1_500
        manifestRows.append([
          manifestId, repositoryId, manifestDigest, 900 + m % 100, imageSize, digest("config", m),
          created, created, TagList.encode(tags), now, now,
        ])
        layerRows.append([
          manifestId, -1, digest("config", m), 1_500, "application/vnd.oci.image.config.v1+json",
        ])
        layerRows.append([manifestId, 0, baseLayer, 30_000_000, layerType])
        for (i, size) in ownLayers.enumerated() {
          layerRows.append([manifestId, i + 1, digest("layer\(i)", m), size, layerType])
        }
        for tag in tags { tagRows.append([repositoryId, tag, manifestDigest, created]) }
        if manifestRows.count == 10_000 { try flush() }
      }
      try flush()
      try db.dialect.afterExplicitIds("manifest").map { try db.execute($0) }
    }
  }
}
