import JMESPath

/// A plan's document as JSON text, written candidate by candidate: a plan of a million
/// candidates is 400 MB of text, and building it as one `JSON` value first cost more than
/// the plan itself. The pieces joined are exactly `JSONWriter(style: .pretty(indent: 2))`'s
/// bytes of `document`, without a trailing newline.
extension PolicyPlan {
  /// Hands the text to `sink` in pieces of about `pieceSize` bytes, each ending after a
  /// whole candidate (or at the end), so a piece can be escaped on its own.
  public func writeDocument(pieceSize: Int = 1 << 16, to sink: ([UInt8]) throws -> Void) rethrows {
    var out: [UInt8] = []
    out.reserveCapacity(pieceSize + 4096)
    let text = DocumentText()
    let untags = untagCount
    let deletes = deleteCount
    let bytes = decisions.indices.reduce(0) { $0 &+ (decisions[$1].bytesFreed ?? 0) }
    out.append(UInt8(ascii: "{"))
    text.member("registry", level: 1, first: true, into: &out)
    text.string(registry, into: &out)
    text.member("policy", level: 1, into: &out)
    text.string(source, into: &out)
    text.member("now", level: 1, into: &out)
    text.string(now, into: &out)
    text.member("timeBasis", level: 1, into: &out)
    text.string(timeBasis.rawValue, into: &out)
    text.member("candidates", level: 1, into: &out)
    if decisions.isEmpty {
      out.append(contentsOf: "[]".utf8)
    } else {
      out.append(UInt8(ascii: "["))
      // By index: iterating the decisions would copy each one, retaining its every string.
      for n in decisions.indices {
        if n > 0 { out.append(UInt8(ascii: ",")) }
        text.newline(2, into: &out)
        text.decision(decisions[n], into: &out)
        if out.count >= pieceSize {
          try sink(out)
          out.removeAll(keepingCapacity: true)
        }
      }
      text.newline(1, into: &out)
      out.append(UInt8(ascii: "]"))
    }
    text.member("totals", level: 1, into: &out)
    out.append(UInt8(ascii: "{"))
    text.member("untag", level: 2, first: true, into: &out)
    text.int(untags, into: &out)
    text.member("delete", level: 2, into: &out)
    text.int(deletes, into: &out)
    text.member("keep", level: 2, into: &out)
    text.int(decisions.count - untags - deletes, into: &out)
    text.member("bytesFreed", level: 2, into: &out)
    text.int(bytes, into: &out)
    text.newline(1, into: &out)
    out.append(UInt8(ascii: "}"))
    text.member("limitExceeded", level: 1, into: &out)
    if let limitExceeded { text.string(limitExceeded, into: &out) } else { text.null(into: &out) }
    if let ecrRepositories {
      text.member("ecrRepositories", level: 1, into: &out)
      text.strings(ecrRepositories, level: 1, into: &out)
    }
    text.newline(0, into: &out)
    out.append(UInt8(ascii: "}"))
    try sink(out)
  }
}

/// The pretty layout (two spaces a level) of the plan's few shapes; scalars are written by
/// `JSONWriter` itself, so strings and numbers are escaped and spelled as it does.
private struct DocumentText {
  let scalars = JSONWriter(style: .compact)

  func newline(_ level: Int, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\n"))
    for _ in 0..<(level * 2) { out.append(UInt8(ascii: " ")) }
  }

  /// `,` (unless first), a new line at `level`, the key and `: `.
  func member(_ key: String, level: Int, first: Bool = false, into out: inout [UInt8]) {
    if !first { out.append(UInt8(ascii: ",")) }
    newline(level, into: &out)
    string(key, into: &out)
    out.append(contentsOf: ": ".utf8)
  }

  func string(_ value: String, into out: inout [UInt8]) {
    scalars.write(.string(value), into: &out)
  }
  func int(_ value: Int, into out: inout [UInt8]) { scalars.write(.int(value), into: &out) }
  func null(into out: inout [UInt8]) { out.append(contentsOf: "null".utf8) }

  /// An array of strings whose own line is at `level`.
  func strings(_ values: [String], level: Int, into out: inout [UInt8]) {
    guard !values.isEmpty else { return out.append(contentsOf: "[]".utf8) }
    out.append(UInt8(ascii: "["))
    for n in values.indices {
      if n > 0 { out.append(UInt8(ascii: ",")) }
      newline(level + 1, into: &out)
      string(values[n], into: &out)
    }
    newline(level, into: &out)
    out.append(UInt8(ascii: "]"))
  }

  /// One candidate, an element of `candidates` (level 2): `PolicyDecision.document`'s
  /// members in its order.
  func decision(_ decision: PolicyDecision, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "{"))
    member("repository", level: 3, first: true, into: &out)
    string(decision.repository, into: &out)
    member("kind", level: 3, into: &out)
    string(decision.kind.rawValue, into: &out)
    member("reference", level: 3, into: &out)
    string(decision.reference, into: &out)
    member("digest", level: 3, into: &out)
    string(decision.digest, into: &out)
    member("action", level: 3, into: &out)
    string(decision.action.rawValue, into: &out)
    member("chosenBy", level: 3, into: &out)
    strings(decision.chosenBy, level: 3, into: &out)
    member("keptBy", level: 3, into: &out)
    strings(decision.keptBy, level: 3, into: &out)
    member("time", level: 3, into: &out)
    if let time = decision.time { string(time, into: &out) } else { null(into: &out) }
    if decision.kind == .manifest {
      member("tags", level: 3, into: &out)
      strings(decision.tags, level: 3, into: &out)
    }
    if let bytesFreed = decision.bytesFreed {
      member("bytesFreed", level: 3, into: &out)
      int(bytesFreed, into: &out)
    }
    newline(2, into: &out)
    out.append(UInt8(ascii: "}"))
  }
}
