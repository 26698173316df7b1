/// One image of the demo registry: a repository, the tags it is pushed under, and what its
/// own layer says.
struct DemoImage {
  var repository: String
  var tags: [String]
  var version: String
  /// RFC 3339; distinct and ordered, so `--orderby` and date filters have something to sort.
  var created: String

  init(_ repository: String, _ tags: [String], _ version: String, _ created: String) {
    self.repository = repository
    self.tags = tags
    self.version = version
    self.created = created
  }
}

/// What the demo registry holds: the repositories of Azure's "Delete container images"
/// article (docs: container-registry-delete), pushed in the article's order.
enum DemoContent {
  /// Pushed first: the registry as the article shows it before `latest` is pushed again.
  static let initial: [DemoImage] = [
    // repository, tags, version, created
    .init("acr-helloworld", ["latest"], "first build", "2018-07-11T21:32:21Z"),
    .init("acr-helloworld", ["v1"], "v1", "2018-07-11T21:38:35Z"),
    .init("acr-helloworld", ["v2"], "v2", "2018-07-12T15:50:53Z"),
    .init("marketing/campaign10-18/web", ["v1"], "v1", "2018-06-18T10:00:00Z"),
    .init("marketing/campaign10-18/web", ["v2"], "v2", "2018-06-25T09:30:00Z"),
    .init("marketing/campaign10-18/api", ["v3", "latest"], "v3", "2018-06-20T14:05:00Z"),
    .init("marketing/campaign10-18/email-sender", ["v2"], "v2", "2018-06-21T08:45:00Z"),
    .init("product-returns/web-submission", ["20180604"], "20180604", "2018-06-04T16:20:00Z"),
    .init(
      "product-returns/legacy-integrator", ["20180715", "latest"], "20180715",
      "2018-07-15T11:10:00Z"),
  ]

  /// Then a modified acr-helloworld is pushed as `latest` (and `v3`): the first `latest` is
  /// left behind untagged, the one manifest `[?tags==null]` finds.
  static let repush: [DemoImage] = [
    .init("acr-helloworld", ["latest", "v3"], "v3", "2018-07-12T15:52:00Z")
  ]
}
