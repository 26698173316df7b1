import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Answers the OCI distribution API from a directory of OCI image layouts, so that
/// `RegistryClient` — and everything built on it: sync, delete, untag, export, restore —
/// works on a local registry unchanged (`RegistryClient(server: "oci:DIR")`).
///
/// Status codes, error codes and headers follow the distribution spec. Unlike distribution
/// 2.8, a tag can be deleted on its own (`DELETE /v2/<name>/manifests/<tag>`).
public struct OCILayoutTransport: HTTPClient {
  public let registry: OCILayoutRegistry

  public init(registry: OCILayoutRegistry) {
    self.registry = registry
  }

  public func data(for request: URLRequest) async throws -> (Data, HTTPURLResponse) {
    let answer = try respond(to: request)
    var body = answer.body
    if let file = answer.file, request.httpMethod != "HEAD" {
      body = try OCILayout.readFile(file)
    }
    return (request.httpMethod == "HEAD" ? Data() : body, try answer.http(for: request))
  }

  public func download(for request: URLRequest, to destination: URL) async throws
    -> HTTPURLResponse
  {
    let answer = try respond(to: request)
    try? FileManager.default.removeItem(at: destination)
    do {
      if let file = answer.file {
        try FileManager.default.copyItem(at: file, to: destination)
      } else {
        try answer.body.write(to: destination)
      }
    } catch {
      throw RegistryError.layout(
        path: answer.file?.path ?? destination.path,
        reason: "cannot be copied to \(destination.path) (\(OCILayout.describe(error)))")
    }
    return try answer.http(for: request)
  }

  /// The answer to one request; a damaged layout throws `RegistryError.layout` naming the file.
  func respond(to request: URLRequest) throws -> LayoutResponse {
    guard let url = request.url,
      let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
    else { return .error(400, "UNSUPPORTED", "the request has no URL") }
    let method = request.httpMethod ?? "GET"
    var query: [String: String] = [:]
    for item in components.queryItems ?? [] where query[item.name] == nil {
      query[item.name] = item.value ?? ""
    }
    let call = LayoutRequest(
      method: method, query: query, body: request.httpBody ?? Data(),
      contentType: request.value(forHTTPHeaderField: "Content-Type"))
    do {
      switch Route(path: components.path) {
      case .base:
        return LayoutResponse(status: 200, contentType: "application/json", body: Data("{}".utf8))
      case .catalog:
        return try catalog(call)
      case .tags(let repository):
        return try tags(call, repository: repository)
      case .manifest(let repository, let reference):
        return try manifest(call, repository: repository, reference: reference)
      case .blob(let repository, let digest):
        return try blob(call, repository: repository, digest: digest)
      case .upload(let repository, let id):
        return try upload(call, repository: repository, id: id)
      case .referrers(let repository, let digest):
        return try referrers(call, repository: repository, digest: digest)
      case nil:
        return .error(404, "UNSUPPORTED", "no such endpoint: \(components.path)")
      }
    } catch let error as RegistryError {
      // A bad tag or digest in the path is the client's mistake, answered as a registry
      // would. A repository that cannot be a layout here stays an error of its own: a HEAD
      // answer has no body to say why.
      if case .invalidReference(_, .tag, let reason) = error {
        return .error(400, "TAG_INVALID", reason)
      }
      if case .invalidDigest(_, let reason) = error {
        return .error(400, "DIGEST_INVALID", reason)
      }
      throw error
    } catch {
      throw RegistryError.layout(path: registry.root.path, reason: OCILayout.describe(error))
    }
  }

  /// The layout of a repository that must already exist; nil answers 404 NAME_UNKNOWN.
  func existingLayout(_ repository: String) throws -> OCILayout? {
    let layout = try registry.layout(for: repository)
    return layout.exists ? layout : nil
  }

  static func nameUnknown(_ repository: String) -> LayoutResponse {
    .error(404, "NAME_UNKNOWN", "repository name not known to registry", detail: repository)
  }
}

/// The parts of a request the handlers read.
struct LayoutRequest {
  var method: String
  var query: [String: String]
  var body: Data
  var contentType: String?
}

/// Which endpoint a path names; the repository name may itself contain slashes.
enum Route: Equatable {
  case base, catalog
  case tags(String)
  case manifest(String, reference: String)
  case blob(String, digest: String)
  /// `id` is nil for the POST that starts an upload.
  case upload(String, id: String?)
  case referrers(String, digest: String)

  init?(path: String) {
    guard path == "/v2" || path.hasPrefix("/v2/") else { return nil }
    let parts = path.dropFirst(3).split(separator: "/", omittingEmptySubsequences: false)
      .dropFirst()
      .map(String.init)
    if parts.isEmpty || parts == [""] {
      self = .base
      return
    }
    if parts == ["_catalog"] {
      self = .catalog
      return
    }
    func name(dropping count: Int) -> String? {
      guard parts.count > count else { return nil }
      let name = parts.dropLast(count).joined(separator: "/")
      return name.isEmpty ? nil : name
    }
    let last = parts[parts.count - 1]
    let previous = parts.count >= 2 ? parts[parts.count - 2] : ""
    if previous == "tags", last == "list", let repository = name(dropping: 2) {
      self = .tags(repository)
    } else if previous == "uploads", parts.count >= 3, parts[parts.count - 3] == "blobs",
      let repository = name(dropping: 3)
    {
      self = .upload(repository, id: last.isEmpty ? nil : last)
    } else if previous == "manifests", !last.isEmpty, let repository = name(dropping: 2) {
      self = .manifest(repository, reference: last)
    } else if previous == "blobs", !last.isEmpty, let repository = name(dropping: 2) {
      self = .blob(repository, digest: last)
    } else if previous == "referrers", !last.isEmpty, let repository = name(dropping: 2) {
      self = .referrers(repository, digest: last)
    } else {
      return nil
    }
  }
}

/// A response before it becomes an `HTTPURLResponse`.
struct LayoutResponse {
  var status: Int
  var headers: [String: String] = [:]
  var body = Data()
  /// A blob to send as the body, copied rather than read when the client downloads it.
  var file: URL?

  init(
    status: Int, headers: [String: String] = [:], contentType: String? = nil, body: Data = Data()
  ) {
    self.status = status
    self.headers = headers
    self.body = body
    if let contentType { self.headers["Content-Type"] = contentType }
  }

  /// The spec's error body, `{"errors":[{"code","message","detail"}]}`.
  static func error(_ status: Int, _ code: String, _ message: String, detail: String? = nil)
    -> LayoutResponse
  {
    var entry: [String: Any] = ["code": code, "message": message]
    if let detail { entry["detail"] = detail }
    let body =
      (try? JSONSerialization.data(withJSONObject: ["errors": [entry]], options: [.sortedKeys]))
      ?? Data()
    return LayoutResponse(status: status, contentType: "application/json", body: body)
  }

  /// A JSON document as the body.
  static func json<Value: Encodable>(
    _ value: Value, contentType: String = "application/json", headers: [String: String] = [:]
  ) throws -> LayoutResponse {
    LayoutResponse(
      status: 200, headers: headers, contentType: contentType,
      body: try JSONEncoder.manifestEncoder.encode(value))
  }

  func http(for request: URLRequest) throws -> HTTPURLResponse {
    var fields = headers
    fields["Docker-Distribution-API-Version"] = "registry/2.0"
    if fields["Content-Length"] == nil { fields["Content-Length"] = String(body.count) }
    guard let url = request.url,
      let response = HTTPURLResponse(
        url: url, statusCode: status, httpVersion: "HTTP/1.1", headerFields: fields)
    else { throw RegistryError.invalidResponse("cannot build a response for \(request)") }
    return response
  }
}

extension OCILayout {
  /// A file's bytes, or a layout error naming it.
  static func readFile(_ file: URL) throws -> Data {
    do {
      return try Data(contentsOf: file)
    } catch {
      throw RegistryError.layout(path: file.path, reason: "cannot be read (\(describe(error)))")
    }
  }
}
