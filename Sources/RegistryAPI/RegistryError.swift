import Foundation

/// One entry of the registry's `{"errors":[{code,message,detail}]}` body.
public struct RegistryErrorEntry: Hashable, Sendable, CustomStringConvertible {
  /// The spec's code, e.g. `MANIFEST_UNKNOWN`, `DIGEST_INVALID`, `UNSUPPORTED`.
  public var code: String
  public var message: String
  /// The `detail` member re-serialized as compact JSON, when present.
  public var detail: String?

  public init(code: String, message: String, detail: String? = nil) {
    self.code = code
    self.message = message
    self.detail = detail
  }

  /// Escaped for a terminal: code, message and detail are the registry's own text.
  public var description: String {
    var text = message.isEmpty ? code : code.isEmpty ? message : "\(code): \(message)"
    if let detail, detail != "null", detail != "{}", detail != "[]" { text += " (\(detail))" }
    return TerminalText.escape(text)
  }

  /// Parses an error body; an empty list when the body is not the spec's shape.
  static func parse(_ body: Data) -> [RegistryErrorEntry] {
    guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
      let errors = object["errors"] as? [[String: Any]]
    else { return [] }
    return errors.map { entry in
      var detail: String?
      if let value = entry["detail"], !(value is NSNull) {
        if JSONSerialization.isValidJSONObject(value),
          let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        {
          detail = String(decoding: data, as: UTF8.self)
        } else {
          detail = "\(value)"
        }
      }
      return RegistryErrorEntry(
        code: entry["code"] as? String ?? "UNKNOWN", message: entry["message"] as? String ?? "",
        detail: detail)
    }
  }
}

/// Everything that can go wrong talking to a registry, with what a person can do about it.
///
/// No case ever carries a credential: URLs are stored without user info or query strings
/// that could hold tokens, and token-endpoint bodies are not echoed.
public enum RegistryError: Error, Sendable, CustomStringConvertible, Equatable {
  /// A reference did not parse; `part` says which part is wrong.
  case invalidReference(String, part: Reference.Part, reason: String)
  /// A digest string did not parse.
  case invalidDigest(String, reason: String)
  /// The registry answered with an unexpected status.
  case status(Int, method: String, path: String, server: String, errors: [RegistryErrorEntry])
  /// The registry answered 401/403 even with the credentials regsh has.
  case unauthorized(Int, server: String, hadCredentials: Bool, errors: [RegistryErrorEntry])
  /// Deletes are switched off in the registry's configuration.
  case deletesDisabled(Int, path: String, errors: [RegistryErrorEntry])
  /// An Azure Container Registry refused a DELETE (405): the image, tag or repository is
  /// locked (`deleteEnabled` or `writeEnabled` false). ACR has no switch that disables deletes.
  case locked(Int, method: String, path: String, errors: [RegistryErrorEntry])
  /// Content did not hash to the digest it was requested or announced by; none of it was used.
  case digestMismatch(what: String, expected: Digest, actual: Digest)
  /// The registry could not be reached, or dropped the connection, after all retries.
  case transport(method: String, path: String, reason: String, attempts: Int)
  /// A request broke its idle or total timeout, its rate floor, or its size limit.
  case limitExceeded(
    method: String, path: String, server: String, TransferLimitExceeded, attempts: Int)
  /// A paged listing (catalog, tags) did not come to an end; none of it was used.
  case listingUnbounded(listing: String, server: String, page: Int, reason: String)
  /// Plain HTTP was asked for a host that is not loopback, without `--insecure`.
  case insecureNotAllowed(host: String)
  /// The registry sent something that is not what the API defines.
  case invalidResponse(String)
  /// Getting a token from the registry's auth server failed.
  case tokenRequest(status: Int, realm: String, errors: [RegistryErrorEntry])
  /// A `docker-credential-*` helper failed.
  case credentialHelper(helper: String, reason: String)
  /// The Docker config file could not be read or written.
  case dockerConfig(path: String, reason: String)
  /// Something this registry does not offer (e.g. ACR endpoints on a plain registry).
  case unsupported(String)
  /// A local OCI image layout (`oci:DIR`) is damaged or unreadable; `path` is the file at fault.
  case layout(path: String, reason: String)

  /// The HTTP status, when the error came from a registry response.
  public var httpStatus: Int? {
    switch self {
    case .status(let status, _, _, _, _), .unauthorized(let status, _, _, _),
      .deletesDisabled(let status, _, _), .tokenRequest(let status, _, _),
      .locked(let status, _, _, _):
      status
    default: nil
    }
  }

  /// The registry's own error entries, when it sent any.
  public var registryErrors: [RegistryErrorEntry] {
    switch self {
    case .status(_, _, _, _, let errors), .unauthorized(_, _, _, let errors),
      .deletesDisabled(_, _, let errors), .tokenRequest(_, _, let errors),
      .locked(_, _, _, let errors):
      errors
    default: []
    }
  }

  /// Whether the error means the thing asked for does not exist (404).
  public var isNotFound: Bool { httpStatus == 404 }

  /// The message for a person, escaped for a terminal as a whole: names, paths, error bodies
  /// and header values in it all came from a registry (safety rule 5).
  public var description: String { TerminalText.escape(unescapedDescription) }

  private var unescapedDescription: String {
    switch self {
    case .invalidReference(let text, let part, let reason):
      return "invalid reference \"\(text)\": bad \(part.rawValue): \(reason)"
    case .invalidDigest(let text, let reason):
      return "invalid digest \"\(text)\": \(reason)"
    case .status(let status, let method, let path, let server, let errors):
      let codes = Self.summary(status, errors)
      return
        "\(method) \(path) on \(server) failed (\(codes)): \(Self.messages(errors))\(Self.remedy(status, errors))"
    case .unauthorized(let status, let server, let hadCredentials, let errors):
      let advice =
        hadCredentials
        ? "the credentials regsh found for \(server) were refused or lack permission: check them with `regsh login \(server)` or `docker login \(server)`"
        : "no credentials found for \(server): run `regsh login \(server)` or `docker login \(server)`, or set REGSH_USERNAME and REGSH_PASSWORD"
      return
        "access denied (\(Self.summary(status, errors))): \(Self.messages(errors))\(Self.messages(errors).isEmpty ? "" : "; ")\(advice)"
    case .deletesDisabled(let status, let path, let errors):
      return
        "deletes are disabled on this registry (\(Self.summary(status, errors))) for DELETE \(path): enable storage.delete.enabled in its configuration (distribution's `storage: delete: enabled: true`)"
    case .locked(let status, let method, let path, let errors):
      return
        "\(method) \(path) was refused (\(Self.summary(status, errors))): \(Self.messages(errors)) — it is locked on this Azure Container Registry: unlock it with `\(Self.acrUnlock(path))`"
    case .digestMismatch(let what, let expected, let actual):
      return
        "digest mismatch for \(what): expected \(expected), got \(actual); the content was discarded (the registry's storage may be corrupt, or something between you and it altered the response)"
    case .transport(let method, let path, let reason, let attempts):
      return
        "\(method) \(path): \(reason) (after \(attempts) attempt\(attempts == 1 ? "" : "s")); check that the registry is running and reachable"
    case .limitExceeded(let method, let path, let server, let exceeded, let attempts):
      let tries = "after \(attempts) attempt\(attempts == 1 ? "" : "s")"
      if case .size = exceeded.kind {
        // Manifests and configs have the changeable limit; other answers the fixed 64 MiB.
        let advice =
          !path.contains("/manifests/") && !path.contains("/blobs/")
          ? "(the limit for an answer that is not a manifest or a blob)"
          : "(the size limit for a manifest or an image config); set REGSH_MAX_MANIFEST_BYTES to accept more"
        return "\(method) \(path) on \(server): \(exceeded) \(advice)"
      }
      return
        "\(method) \(path) on \(server) timed out: \(exceeded), \(tries); change the limits with --timeout IDLE[,TOTAL] or REGSH_TIMEOUT (docs/registries.md)"
    case .listingUnbounded(let listing, let server, let page, let reason):
      return
        "the \(listing) from \(server) was abandoned at page \(page): \(reason); none of it was used"
    case .insecureNotAllowed(let host):
      return
        "refusing plain HTTP to \(host): only loopback registries may use http:// without --insecure"
    case .invalidResponse(let reason):
      return "unexpected registry response: \(reason)"
    case .tokenRequest(let status, let realm, let errors):
      return
        "the auth server \(realm) refused a token (\(Self.summary(status, errors))): \(Self.messages(errors)); check your credentials"
    case .credentialHelper(let helper, let reason):
      return
        "credential helper docker-credential-\(helper) failed: \(reason); check that it is installed and on PATH"
    case .dockerConfig(let path, let reason):
      return "docker config \(path): \(reason)"
    case .unsupported(let what):
      return "not supported by this registry: \(what)"
    case .layout(let path, let reason):
      return "OCI layout \(path): \(reason)"
    }
  }

  /// The az command that lifts the lock on what `path` names (ACR's remedy).
  static func acrUnlock(_ path: String) -> String {
    let unlock = "--delete-enabled true --write-enabled true"
    for marker in ["/manifests/", "/_manifests/", "/_tags/"] {
      if let range = path.range(of: marker) {
        var repository = String(path[..<range.lowerBound])
        for prefix in ["/v2/", "/acr/v1/"] where repository.hasPrefix(prefix) {
          repository.removeFirst(prefix.count)
        }
        let reference = String(path[range.upperBound...])
        let image =
          reference.contains(":") && !marker.contains("_tags")
          ? "\(repository)@\(reference)" : "\(repository):\(reference)"
        return "az acr repository update --image \(image) \(unlock)"
      }
    }
    let repository = path.hasPrefix("/acr/v1/") ? String(path.dropFirst("/acr/v1/".count)) : path
    return "az acr repository update --repository \(repository) \(unlock)"
  }

  private static func summary(_ status: Int, _ errors: [RegistryErrorEntry]) -> String {
    let codes = errors.map(\.code).filter { !$0.isEmpty }
    return codes.isEmpty ? "\(status)" : "\(status) \(codes.joined(separator: ", "))"
  }

  private static func messages(_ errors: [RegistryErrorEntry]) -> String {
    errors.map(\.description).joined(separator: "; ")
  }

  private static func remedy(_ status: Int, _ errors: [RegistryErrorEntry]) -> String {
    let codes = Set(errors.map(\.code))
    let hint: String
    if codes.contains("NAME_UNKNOWN") {
      hint = "check the repository name (`regsh` lists them with the catalog)"
    } else if codes.contains("MANIFEST_UNKNOWN") || (status == 404 && codes.isEmpty) {
      hint = "the tag or digest does not exist (any more): re-sync and check it"
    } else if codes.contains("BLOB_UNKNOWN") {
      hint = "the blob is missing from the repository"
    } else if codes.contains("TOOMANYREQUESTS") || status == 429 {
      hint = "the registry is rate limiting: wait and try again"
    } else if codes.contains("MANIFEST_INVALID") || codes.contains("MANIFEST_BLOB_UNKNOWN") {
      hint = "the registry rejected the manifest: push the blobs it references first"
    } else if codes.contains("UNSUPPORTED") || status == 405 {
      hint = "this registry does not support the operation"
    } else if status >= 500 {
      hint = "the registry failed internally: try again later or check its logs"
    } else {
      return ""
    }
    return " — \(hint)"
  }
}
