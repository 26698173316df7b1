import Foundation

/// A pointer to content: what manifests use to reference configs, layers, children and subjects.
public struct Descriptor: Codable, Hashable, Sendable {
  public var mediaType: String
  public var digest: Digest
  public var size: Int64
  public var urls: [String]?
  public var annotations: [String: String]?
  public var artifactType: String?
  /// Set on the entries of an index.
  public var platform: Platform?

  /// Creates a descriptor; `size` is the exact byte count of the content.
  public init(
    mediaType: String, digest: Digest, size: Int64, annotations: [String: String]? = nil,
    artifactType: String? = nil, platform: Platform? = nil, urls: [String]? = nil
  ) {
    self.mediaType = mediaType
    self.digest = digest
    self.size = size
    self.annotations = annotations
    self.artifactType = artifactType
    self.platform = platform
    self.urls = urls
  }
}

/// The platform an index entry runs on.
public struct Platform: Codable, Hashable, Sendable {
  public var architecture: String
  public var os: String
  public var variant: String?
  public var osVersion: String?
  public var osFeatures: [String]?

  enum CodingKeys: String, CodingKey {
    case architecture, os, variant
    case osVersion = "os.version"
    case osFeatures = "os.features"
  }

  /// Creates a platform such as linux/amd64.
  public init(architecture: String, os: String, variant: String? = nil) {
    self.architecture = architecture
    self.os = os
    self.variant = variant
  }
}

/// An image manifest (OCI or Docker schema 2): a config plus layers, optionally a referrer of `subject`.
public struct ImageManifest: Codable, Hashable, Sendable {
  public var schemaVersion: Int
  public var mediaType: String?
  public var artifactType: String?
  public var config: Descriptor
  public var layers: [Descriptor]
  public var subject: Descriptor?
  public var annotations: [String: String]?

  /// Creates an OCI image manifest.
  public init(
    mediaType: String? = MediaType.ociManifest, artifactType: String? = nil, config: Descriptor,
    layers: [Descriptor], subject: Descriptor? = nil, annotations: [String: String]? = nil
  ) {
    self.schemaVersion = 2
    self.mediaType = mediaType
    self.artifactType = artifactType
    self.config = config
    self.layers = layers
    self.subject = subject
    self.annotations = annotations
  }
}

/// An image index (OCI index or Docker manifest list): manifests for several platforms.
public struct ImageIndex: Codable, Hashable, Sendable {
  public var schemaVersion: Int
  public var mediaType: String?
  public var artifactType: String?
  public var manifests: [Descriptor]
  public var subject: Descriptor?
  public var annotations: [String: String]?

  /// Creates an OCI image index.
  public init(
    mediaType: String? = MediaType.ociIndex, artifactType: String? = nil, manifests: [Descriptor],
    subject: Descriptor? = nil, annotations: [String: String]? = nil
  ) {
    self.schemaVersion = 2
    self.mediaType = mediaType
    self.artifactType = artifactType
    self.manifests = manifests
    self.subject = subject
    self.annotations = annotations
  }
}

/// The parts of an image config that regsh reports; unknown fields are ignored.
public struct ImageConfiguration: Codable, Hashable, Sendable {
  /// RFC 3339 creation time, as the image builder wrote it.
  public var created: String?
  public var architecture: String?
  public var os: String?
  public var variant: String?

  /// Creates a config with the fields regsh reads.
  public init(created: String? = nil, architecture: String? = nil, os: String? = nil) {
    self.created = created
    self.architecture = architecture
    self.os = os
  }
}

/// A manifest decoded by its media type.
public enum Manifest: Hashable, Sendable {
  case image(ImageManifest)
  case index(ImageIndex)

  /// Decodes `data` as an index or image manifest according to `mediaType` (or the body's own `mediaType`/`manifests`).
  public init(data: Data, mediaType: String) throws {
    let decoder = JSONDecoder()
    do {
      if MediaType.isIndex(mediaType) {
        self = .index(try decoder.decode(ImageIndex.self, from: data))
      } else if mediaType == MediaType.ociManifest || mediaType == MediaType.dockerManifest {
        self = .image(try decoder.decode(ImageManifest.self, from: data))
      } else if let index = try? decoder.decode(ImageIndex.self, from: data) {
        self = .index(index)
      } else {
        self = .image(try decoder.decode(ImageManifest.self, from: data))
      }
    } catch {
      throw RegistryError.invalidResponse(
        "the manifest (\(mediaType.isEmpty ? "no media type" : mediaType)) does not decode: \(DecodingProblem.describe(error, in: data))"
      )
    }
  }

  /// The referrer's subject, if any.
  public var subject: Descriptor? {
    switch self {
    case .image(let manifest): manifest.subject
    case .index(let index): index.subject
    }
  }
}

extension JSONEncoder {
  /// Stable bytes for manifests regsh writes itself, so the same content always has the same digest.
  public static var manifestEncoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }
}
