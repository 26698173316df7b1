/// Media types of the OCI image spec and Docker's schema 2, as registries send them in `Content-Type`.
public enum MediaType {
  public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
  public static let ociIndex = "application/vnd.oci.image.index.v1+json"
  public static let ociConfig = "application/vnd.oci.image.config.v1+json"
  public static let ociLayer = "application/vnd.oci.image.layer.v1.tar"
  public static let ociLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
  public static let ociLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd"
  /// The `{}` blob that artifacts without a config point at.
  public static let ociEmpty = "application/vnd.oci.empty.v1+json"
  public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
  public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
  public static let dockerConfig = "application/vnd.docker.container.image.v1+json"
  public static let dockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"

  /// Every manifest type regsh reads, sent as `Accept` so the registry never down-converts.
  public static let manifestAccept = [ociManifest, ociIndex, dockerManifest, dockerManifestList]

  /// Whether the media type is an index (OCI index or Docker manifest list).
  public static func isIndex(_ mediaType: String) -> Bool {
    mediaType == ociIndex || mediaType == dockerManifestList
  }
}
