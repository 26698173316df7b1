import Foundation

/// One repository stored as an OCI image layout: `oci-layout`, `index.json` and
/// `blobs/<algorithm>/<hex>` in `directory`.
///
/// Tags are the `org.opencontainers.image.ref.name` annotations of index.json's entries (a
/// manifest with two tags has two entries); an entry without one is an untagged manifest.
/// regsh keeps its own files (the writer lock, uploads in progress, temporary files) in a
/// hidden `.regsh` directory, which other tools (skopeo, umoci) ignore.
public struct OCILayout: Sendable {
  /// The annotation that names an index.json entry's tag.
  public static let tagAnnotation = "org.opencontainers.image.ref.name"

  public let directory: URL

  /// The layout in `directory`, whether or not it exists yet.
  public init(directory: URL) {
    self.directory = directory.standardizedFileURL
  }

  public var layoutFile: URL { directory.appendingPathComponent("oci-layout") }
  public var indexFile: URL { directory.appendingPathComponent("index.json") }
  public var blobsDirectory: URL { directory.appendingPathComponent("blobs") }
  /// regsh's own files: never part of the image layout.
  var privateDirectory: URL { directory.appendingPathComponent(".regsh") }
  var lockFile: URL { privateDirectory.appendingPathComponent("lock") }
  var uploadsDirectory: URL { privateDirectory.appendingPathComponent("uploads") }

  /// Whether the directory holds a layout (its `oci-layout` file).
  public var exists: Bool { FileManager.default.fileExists(atPath: layoutFile.path) }

  public func blobFile(_ digest: Digest) -> URL {
    blobsDirectory.appendingPathComponent(digest.algorithm).appendingPathComponent(digest.hex)
  }

  public func hasBlob(_ digest: Digest) -> Bool {
    FileManager.default.fileExists(atPath: blobFile(digest).path)
  }

  /// The blob's size in bytes, or nil when the layout does not hold it.
  public func blobSize(_ digest: Digest) -> Int64? {
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: blobFile(digest).path)
    else { return nil }
    return (attributes[.size] as? NSNumber)?.int64Value
  }

  /// The blob's bytes; a missing or unreadable file is a layout error naming it.
  public func blobData(_ digest: Digest) throws -> Data {
    let file = blobFile(digest)
    do {
      return try Data(contentsOf: file)
    } catch {
      let reason =
        FileManager.default.fileExists(atPath: file.path)
        ? "cannot be read (\(Self.describe(error)))" : "is missing (the blob \(digest))"
      throw RegistryError.layout(path: file.path, reason: reason)
    }
  }

  /// index.json, decoded; a missing, malformed or non-index file is a layout error naming it.
  public func readIndex() throws -> ImageIndex {
    let data: Data
    do {
      data = try Data(contentsOf: indexFile)
    } catch {
      throw RegistryError.layout(
        path: indexFile.path, reason: "cannot be read (\(Self.describe(error)))")
    }
    do {
      return try JSONDecoder().decode(ImageIndex.self, from: data)
    } catch {
      throw RegistryError.layout(
        path: indexFile.path,
        reason: "is not a valid OCI image index (\(Self.describeDecoding(error)))")
    }
  }

  /// A one-line account of a decoding error, without Foundation's debug dump.
  static func describeDecoding(_ error: any Error) -> String {
    switch error as? DecodingError {
    case .dataCorrupted(let context):
      return "not JSON: \(context.debugDescription)"
    case .keyNotFound(let key, let context):
      return "\(Self.path(context.codingPath + [key])) is missing"
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
      return "\(Self.path(context.codingPath)): \(context.debugDescription)"
    default:
      if let registryError = error as? RegistryError { return registryError.description }
      return "\(error)"
    }
  }

  private static func path(_ keys: [any CodingKey]) -> String {
    keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
      .trimmingCharacters(in: CharacterSet(charactersIn: "."))
  }

  static func describe(_ error: any Error) -> String {
    (error as NSError).localizedDescription
  }
}

extension Descriptor {
  /// The tag this index.json entry carries, if any.
  public var layoutTag: String? { annotations?[OCILayout.tagAnnotation] }

  /// The entry without its tag annotation: what stays when the last tag leaves a manifest.
  var untaggedEntry: Descriptor {
    var entry = self
    entry.annotations?[OCILayout.tagAnnotation] = nil
    if entry.annotations?.isEmpty == true { entry.annotations = nil }
    return entry
  }
}
