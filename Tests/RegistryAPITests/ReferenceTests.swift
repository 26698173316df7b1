import Foundation
import TestSupport
import Testing

@testable import RegistryAPI

@Suite struct ReferenceTests {
  static let digest = "sha256:" + String(repeating: "ab", count: 32)

  @Test(
    arguments: [
      ("hello-world", nil, "hello-world", "latest", nil),
      ("hello-world:v1", nil, "hello-world", "v1", nil),
      (
        "myregistry.azurecr.io/marketing/campaign10-18/web:v2", "myregistry.azurecr.io",
        "marketing/campaign10-18/web", "v2", nil
      ),
      ("localhost:5000/a/b", "localhost:5000", "a/b", "latest", nil),
      ("127.0.0.1:5000/a__b.c--d:Tag_1.0-x", "127.0.0.1:5000", "a__b.c--d", "Tag_1.0-x", nil),
      ("localhost/x@\(digest)", "localhost", "x", nil, digest),
      ("r.io/x:t@\(digest)", "r.io", "x", "t", digest),
      ("[::1]:5000/x", "[::1]:5000", "x", "latest", nil),
    ] as [(String, String?, String, String?, String?)])
  func parses(text: String, registry: String?, repository: String, tag: String?, digest: String?)
    throws
  {
    let reference = try Reference(parsing: text)
    #expect(reference.registry == registry)
    #expect(reference.repository == repository)
    #expect(reference.tag == tag)
    #expect(reference.digest?.description == digest)
    #expect(try Reference(parsing: reference.description) == reference)
  }

  @Test(arguments: [
    ("", Reference.Part.repository),
    ("Hello", .repository),
    ("hello-/x", .repository),
    ("a//b", .repository),
    ("a/-b", .repository),
    ("a___b", .repository),
    ("r.io/x:", .tag),
    ("r.io/x:-bad", .tag),
    ("x:" + String(repeating: "t", count: 129), .tag),
    ("x@sha256:abc", .digest),
    ("x@md5:abcd", .digest),
    ("r.io:99999/x", .registry),
    ("bad_host.io/x", .registry),
    ("x:t@", .digest),
  ])
  func rejects(text: String, part: Reference.Part) {
    #expect {
      try Reference(parsing: text)
    } throws: { error in
      guard case RegistryError.invalidReference(_, let failed, _) = error else { return false }
      return failed == part && "\(error)".contains("bad \(part.rawValue)")
    }
  }

  @Test func linkHeader() {
    #expect(
      RegistryClient.nextLink(#"</v2/_catalog?last=b&n=2>; rel="next""#)
        == "/v2/_catalog?last=b&n=2")
    #expect(RegistryClient.nextLink(#"<https://x/a>; rel="prev""#) == nil)
    #expect(RegistryClient.nextLink(nil) == nil)
  }

  @Test func errorBodiesAreParsed() {
    let body = Data(
      #"{"errors":[{"code":"UNSUPPORTED","message":"The operation is unsupported.","detail":{"a":1}}]}"#
        .utf8)
    let entries = RegistryErrorEntry.parse(body)
    #expect(
      entries == [
        RegistryErrorEntry(
          code: "UNSUPPORTED", message: "The operation is unsupported.", detail: #"{"a":1}"#)
      ])
    #expect(RegistryErrorEntry.parse(Data("404 page not found".utf8)).isEmpty)
    let error = RegistryError.deletesDisabled(
      405, path: "/v2/x/manifests/sha256:1", errors: entries)
    #expect("\(error)".contains("deletes are disabled on this registry (405 UNSUPPORTED)"))
    #expect("\(error)".contains("enable storage.delete.enabled in its configuration"))
  }

  @Test func manifestModelsRoundTrip() throws {
    let json = Data(
      #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(Self.digest)","size":7,"platform":{"architecture":"arm64","os":"linux","variant":"v8","os.version":"1"},"annotations":{"k":"v"},"artifactType":"a/b"}]}"#
        .utf8)
    guard case .index(let index) = try Manifest(data: json, mediaType: MediaType.ociIndex) else {
      Issue.record("not an index")
      return
    }
    #expect(index.manifests[0].platform?.variant == "v8")
    #expect(index.manifests[0].platform?.osVersion == "1")
    #expect(index.manifests[0].artifactType == "a/b")
    let again = try JSONDecoder().decode(
      ImageIndex.self, from: try JSONEncoder.manifestEncoder.encode(index))
    #expect(again == index)
  }
}
