/// The `RegistryAPI` layer of DESIGN.md: references, digests, transport, auth, endpoints.
public enum RegistryAPIModule {}
