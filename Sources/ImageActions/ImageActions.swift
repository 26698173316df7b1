/// The `ImageActions` layer of DESIGN.md. Its issue has not been taken yet; this file keeps the
/// target in the build so the module graph is in place from the start.
public enum ImageActionsModule {}
