import Foundation

/// A local registry: a directory holding one OCI image layout per repository, at the
/// repository's path (`DIR/marketing/campaign10-18/web/index.json`).
///
/// `RegistryClient(server: "oci:DIR")` reads and writes it through `OCILayoutTransport`;
/// skopeo (`oci:DIR/REPO:TAG`) and umoci (`--layout DIR/REPO`) read the same files.
public struct OCILayoutRegistry: Sendable {
  /// The scheme prefix of a local registry's address, `oci:DIR`.
  public static let scheme = "oci:"

  /// The directory the repositories live under (absolute).
  public let root: URL

  public init(root: URL) {
    self.root = root.standardizedFileURL
  }

  /// The registry an `oci:DIR` address names, a relative DIR taken from the current
  /// directory; nil when `address` is not an `oci:` address.
  public init?(address: String) throws {
    guard address.hasPrefix(Self.scheme) else { return nil }
    let path = String(address.dropFirst(Self.scheme.count))
    guard !path.isEmpty else {
      throw RegistryError.invalidReference(
        address, part: .registry, reason: "oci: needs a directory, e.g. oci:./my-registry")
    }
    let base = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    self.init(root: URL(fileURLWithPath: path, isDirectory: true, relativeTo: base).absoluteURL)
  }

  /// `oci:` and the absolute directory: how the registry is named to credentials and people.
  public var address: String { Self.scheme + root.path }

  /// The layout of `repository`, which must be a valid repository name (so it cannot leave
  /// the root) and must not overlap another layout's `blobs` directory.
  public func layout(for repository: String) throws -> OCILayout {
    try Reference.validateRepository(repository)
    let components = repository.split(separator: "/").map(String.init)
    var directory = root
    for (position, component) in components.enumerated() {
      let isLayout = FileManager.default.fileExists(
        atPath: directory.appendingPathComponent("oci-layout").path)
      if isLayout, component == "blobs" {
        throw RegistryError.invalidReference(
          repository, part: .repository,
          reason:
            "\(components[..<position].joined(separator: "/"))/blobs is that repository's blob store"
        )
      }
      directory = directory.appendingPathComponent(component, isDirectory: true)
    }
    let blobs = directory.appendingPathComponent("blobs")
    if FileManager.default.fileExists(atPath: blobs.appendingPathComponent("oci-layout").path) {
      throw RegistryError.invalidReference(
        repository, part: .repository,
        reason: "its blob store would be the repository \(repository)/blobs")
    }
    return OCILayout(directory: directory)
  }

  /// Every repository: each directory under the root that holds an `oci-layout` file and
  /// whose path is a valid repository name, sorted.
  ///
  /// Hidden directories, symbolic links and a layout's own `blobs` directory are not entered.
  public func repositories() -> [String] {
    var found: [String] = []
    var pending: [(directory: URL, name: String, depth: Int)] = [(root, "", 0)]
    let manager = FileManager.default
    while let (directory, name, depth) = pending.popLast() {
      let isLayout =
        !name.isEmpty
        && manager.fileExists(atPath: directory.appendingPathComponent("oci-layout").path)
      if isLayout, (try? Reference.validateRepository(name)) != nil { found.append(name) }
      guard depth < 64,
        let children = try? manager.contentsOfDirectory(
          at: directory, includingPropertiesForKeys: [.isDirectoryKey, .isSymbolicLinkKey])
      else { continue }
      for child in children {
        let component = child.lastPathComponent
        guard !component.hasPrefix("."), !(isLayout && component == "blobs") else { continue }
        let values = try? child.resourceValues(forKeys: [.isDirectoryKey, .isSymbolicLinkKey])
        guard values?.isDirectory == true, values?.isSymbolicLink != true else { continue }
        pending.append((child, name.isEmpty ? component : "\(name)/\(component)", depth + 1))
      }
    }
    return found.sorted()
  }

  /// What `collectGarbage` removed from one repository.
  public struct GarbageReport: Sendable {
    public var repository: String
    public var blobs: [UnreachableBlob]
    public var bytes: Int64 { blobs.reduce(0) { $0 + $1.size } }
  }

  /// Runs `OCILayout.collectGarbage` on every repository (each under its own lock).
  public func collectGarbage(dryRun: Bool = false) throws -> [GarbageReport] {
    try repositories().map { repository in
      GarbageReport(
        repository: repository,
        blobs: try layout(for: repository).collectGarbage(dryRun: dryRun))
    }
  }
}
