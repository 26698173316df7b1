import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writing a layout: every file appears whole (temporary file, then rename), every blob is
/// checked against its digest first, and index.json changes only under the layout's lock.
extension OCILayout {
  /// The `oci-layout` file's content.
  static let layoutMarker = Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8)

  /// Creates the layout (directories, `oci-layout`, an empty index.json) unless it exists.
  public func create() throws {
    try createDirectory(privateDirectory)
    try withLock {
      if !FileManager.default.fileExists(atPath: layoutFile.path) {
        try writeAtomically(Self.layoutMarker, to: layoutFile)
      }
      if !FileManager.default.fileExists(atPath: indexFile.path) {
        try writeIndex(ImageIndex(manifests: []))
      }
      try createDirectory(blobsDirectory)
    }
  }

  /// Runs `body` holding the layout's writer lock (flock on `.regsh/lock`).
  ///
  /// flock serialises writers across processes, and across tasks of one process too, since
  /// each call opens the file anew. `body` is synchronous: a lock is never held across a
  /// suspension point.
  public func withLock<T>(_ body: () throws -> T) throws -> T {
    try createDirectory(privateDirectory)
    let descriptor = open(lockFile.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw RegistryError.layout(
        path: lockFile.path, reason: "cannot open the lock file (\(Self.errnoText()))")
    }
    defer { close(descriptor) }
    while flock(descriptor, LOCK_EX) != 0 {
      guard errno == EINTR else {
        throw RegistryError.layout(
          path: lockFile.path, reason: "cannot lock (\(Self.errnoText()))")
      }
    }
    defer { flock(descriptor, LOCK_UN) }
    return try body()
  }

  /// Replaces index.json with `index`; call inside `withLock`.
  func writeIndex(_ index: ImageIndex) throws {
    let data: Data
    do {
      data = try JSONEncoder.manifestEncoder.encode(index)
    } catch {
      throw RegistryError.layout(path: indexFile.path, reason: "cannot encode (\(error))")
    }
    try writeAtomically(data, to: indexFile)
  }

  /// Reads index.json, lets `change` edit it, and writes it back if it changed, all under the lock.
  @discardableResult
  public func updateIndex<T>(_ change: (inout ImageIndex) throws -> T) throws -> T {
    try withLock {
      let before = try readIndex()
      var index = before
      let result = try change(&index)
      if index != before { try writeIndex(index) }
      return result
    }
  }

  /// Stores `data` as the blob `digest` after checking that it hashes to it.
  public func storeBlob(_ data: Data, digest: Digest) throws {
    try digest.verify(data, what: "blob \(digest) written to \(directory.path)")
    if hasBlob(digest) { return }
    try writeAtomically(data, to: blobFile(digest))
  }

  /// Moves the file at `source` (in this layout's private directory) into place as the blob
  /// `digest`, after checking its content; a mismatching file is removed and refused.
  func storeBlob(movingFileAt source: URL, digest: Digest) throws {
    let actual: Digest
    do {
      actual = try Digest.of(fileAt: source, algorithm: digest.algorithm)
    } catch {
      throw RegistryError.layout(
        path: source.path, reason: "cannot be read (\(Self.describe(error)))")
    }
    guard actual == digest else {
      try? FileManager.default.removeItem(at: source)
      throw RegistryError.digestMismatch(
        what: "blob uploaded to \(directory.path)", expected: digest, actual: actual)
    }
    if hasBlob(digest) {
      try? FileManager.default.removeItem(at: source)
      return
    }
    try createDirectory(blobFile(digest).deletingLastPathComponent())
    try moveIntoPlace(source, at: blobFile(digest))
  }

  /// Writes `data` to a temporary file in the layout, flushes it, and renames it over `file`.
  func writeAtomically(_ data: Data, to file: URL) throws {
    try createDirectory(privateDirectory)
    try createDirectory(file.deletingLastPathComponent())
    let temporary = privateDirectory.appendingPathComponent("tmp-\(UUID().uuidString)")
    do {
      guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
        throw RegistryError.layout(path: temporary.path, reason: "cannot be created")
      }
      let handle = try FileHandle(forWritingTo: temporary)
      defer { try? handle.close() }
      try handle.write(contentsOf: data)
      try handle.synchronize()
    } catch let error as RegistryError {
      try? FileManager.default.removeItem(at: temporary)
      throw error
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw RegistryError.layout(
        path: file.path, reason: "cannot be written (\(Self.describe(error)))")
    }
    try moveIntoPlace(temporary, at: file)
  }

  /// rename(2): atomic, and replaces an existing file (FileManager.moveItem refuses to).
  func moveIntoPlace(_ source: URL, at destination: URL) throws {
    guard rename(source.path, destination.path) == 0 else {
      let reason = Self.errnoText()
      try? FileManager.default.removeItem(at: source)
      throw RegistryError.layout(path: destination.path, reason: "cannot be written (\(reason))")
    }
  }

  func createDirectory(_ directory: URL) throws {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw RegistryError.layout(
        path: directory.path, reason: "cannot create the directory (\(Self.describe(error)))")
    }
  }

  static func errnoText() -> String { String(cString: strerror(errno)) }
}
