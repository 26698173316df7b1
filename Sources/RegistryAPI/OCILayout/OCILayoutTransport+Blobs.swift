import Foundation

/// `/v2/<name>/blobs/<digest>` and `/v2/<name>/blobs/uploads/[<id>]`.
extension OCILayoutTransport {
  func blob(_ call: LayoutRequest, repository: String, digest text: String) throws
    -> LayoutResponse
  {
    let digest = try Digest(text)
    guard call.method == "GET" || call.method == "HEAD" else {
      // Blobs go when nothing references them any more: that is what gc is for.
      return .error(
        405, "UNSUPPORTED", "blobs are removed by `regsh gc`, not deleted one by one")
    }
    guard let layout = try existingLayout(repository), let size = layout.blobSize(digest) else {
      return .error(404, "BLOB_UNKNOWN", "blob unknown to registry", detail: digest.description)
    }
    var response = LayoutResponse(status: 200, contentType: "application/octet-stream")
    response.headers["Content-Length"] = String(size)
    response.headers["Docker-Content-Digest"] = digest.description
    response.file = layout.blobFile(digest)
    return response
  }

  func upload(_ call: LayoutRequest, repository: String, id: String?) throws -> LayoutResponse {
    let layout = try registry.layout(for: repository)
    guard let id else {
      guard call.method == "POST" else {
        return .error(405, "UNSUPPORTED", "start an upload with POST")
      }
      return try startUpload(call, layout: layout, repository: repository)
    }
    // Upload ids are regsh's UUIDs; anything else could name a path outside the uploads directory.
    guard id.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || ($0 < 128 && isalnum(Int32($0)) != 0) }),
      FileManager.default.fileExists(
        atPath: layout.uploadsDirectory.appendingPathComponent(id).path)
    else {
      return .error(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", detail: id)
    }
    let file = layout.uploadsDirectory.appendingPathComponent(id)
    switch call.method {
    case "PATCH":
      let size = try append(call.body, to: file)
      var response = LayoutResponse(status: 202)
      response.headers["Location"] = "/v2/\(repository)/blobs/uploads/\(id)"
      response.headers["Docker-Upload-UUID"] = id
      response.headers["Range"] = "0-\(max(0, size - 1))"
      return response
    case "PUT":
      guard let digestText = call.query["digest"] else {
        return .error(400, "DIGEST_INVALID", "the upload's PUT needs ?digest=")
      }
      let digest = try Digest(digestText)
      _ = try append(call.body, to: file)
      return try finish(layout, repository: repository, upload: file, digest: digest)
    case "DELETE":
      try? FileManager.default.removeItem(at: file)
      return LayoutResponse(status: 204)
    default:
      return .error(405, "UNSUPPORTED", "\(call.method) is not allowed on an upload")
    }
  }

  /// POST: a monolithic upload (`?digest=`), a mount from another repository, or a new session.
  private func startUpload(_ call: LayoutRequest, layout: OCILayout, repository: String) throws
    -> LayoutResponse
  {
    try layout.create()
    if let mounted = call.query["mount"], let from = call.query["from"],
      let source = try? existingLayout(from), let digest = try? Digest(mounted),
      source.hasBlob(digest)
    {
      let copy = try newUpload(in: layout)
      try? FileManager.default.removeItem(at: copy)
      do {
        try FileManager.default.copyItem(at: source.blobFile(digest), to: copy)
      } catch {
        throw RegistryError.layout(
          path: source.blobFile(digest).path,
          reason: "cannot be copied (\(OCILayout.describe(error)))")
      }
      return try finish(layout, repository: repository, upload: copy, digest: digest)
    }
    let file = try newUpload(in: layout)
    _ = try append(call.body, to: file)
    if let digestText = call.query["digest"] {
      return try finish(
        layout, repository: repository, upload: file, digest: try Digest(digestText))
    }
    let id = file.lastPathComponent
    var response = LayoutResponse(status: 202)
    response.headers["Location"] = "/v2/\(repository)/blobs/uploads/\(id)"
    response.headers["Docker-Upload-UUID"] = id
    response.headers["Range"] = "0-0"
    return response
  }

  /// Checks the uploaded bytes against `digest` and moves them into place; 400 DIGEST_INVALID
  /// when they differ, and the upload is discarded.
  private func finish(_ layout: OCILayout, repository: String, upload: URL, digest: Digest)
    throws -> LayoutResponse
  {
    do {
      try layout.storeBlob(movingFileAt: upload, digest: digest)
    } catch RegistryError.digestMismatch(_, let expected, let actual) {
      return .error(
        400, "DIGEST_INVALID", "the uploaded content's digest is \(actual), not \(expected)",
        detail: expected.description)
    }
    var response = LayoutResponse(status: 201)
    response.headers["Location"] = "/v2/\(repository)/blobs/\(digest)"
    response.headers["Docker-Content-Digest"] = digest.description
    return response
  }

  private func newUpload(in layout: OCILayout) throws -> URL {
    try layout.createDirectory(layout.uploadsDirectory)
    let file = layout.uploadsDirectory.appendingPathComponent(UUID().uuidString.lowercased())
    guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
      throw RegistryError.layout(path: file.path, reason: "cannot be created")
    }
    return file
  }

  /// Appends `data` to the upload file; returns its new size.
  private func append(_ data: Data, to file: URL) throws -> Int64 {
    do {
      let handle = try FileHandle(forWritingTo: file)
      defer { try? handle.close() }
      let end = try handle.seekToEnd()
      if !data.isEmpty { try handle.write(contentsOf: data) }
      return Int64(end) + Int64(data.count)
    } catch {
      throw RegistryError.layout(
        path: file.path, reason: "cannot be written (\(OCILayout.describe(error)))")
    }
  }
}
