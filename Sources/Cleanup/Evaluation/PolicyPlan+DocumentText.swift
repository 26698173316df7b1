import Foundation
import JMESPath

/// A plan's document as JSON text, written candidate by candidate: a plan of a million
/// candidates is 400 MB of text, and building it as one `JSON` value first cost more than
/// the plan itself. The pieces joined are exactly `JSONWriter(style: .pretty(indent: 2))`'s
/// bytes of `document`, without a trailing newline.
extension PolicyPlan {
  /// Hands the text to `sink`, in order, in pieces of about `pieceSize` bytes, each ending
  /// after a whole candidate (or after the document's opening or end), so a piece can be
  /// escaped on its own. The candidates are written in batches of `decisionsPerBatch`, the
  /// batches of a window on every core at once (writing the text of a million candidates
  /// takes one core longer than making the plan); `sink` runs on the caller's thread.
  public func writeDocument(
    pieceSize: Int = 1 << 20, decisionsPerBatch: Int = 8_192,
    to sink: ([UInt8]) throws -> Void
  ) rethrows {
    var head: [UInt8] = [UInt8(ascii: "{")]
    DocumentText.member("registry", level: 1, first: true, into: &head)
    DocumentText.string(registry, into: &head)
    DocumentText.member("policy", level: 1, into: &head)
    DocumentText.string(source, into: &head)
    DocumentText.member("now", level: 1, into: &head)
    DocumentText.string(now, into: &head)
    DocumentText.member("timeBasis", level: 1, into: &head)
    DocumentText.string(timeBasis.rawValue, into: &head)
    DocumentText.member("candidates", level: 1, into: &head)
    if decisions.isEmpty {
      head.append(contentsOf: "[]".utf8)
      try sink(head + tail)
      return
    }
    head.append(UInt8(ascii: "["))
    try sink(head)
    let batchSize = max(1, decisionsPerBatch)
    let batches = (decisions.count + batchSize - 1) / batchSize
    let lanes = ParallelFacts.defaultChunks
    let decisions = decisions
    let pieces: @Sendable (Int) -> [[UInt8]] = { batch in
      CandidateText.pieces(
        decisions, from: batch * batchSize, to: min(decisions.count, (batch + 1) * batchSize),
        pieceSize: pieceSize)
    }
    if batches == 1 || lanes == 1 {
      for batch in 0..<batches { for piece in pieces(batch) { try sink(piece) } }
    } else {
      // A window of a few batches per core at a time, the next one written while the
      // caller takes the last: the text in memory stays a few tens of megabytes, however
      // large the plan, and neither the cores nor the caller wait for each other.
      let window = lanes * 2
      let written: @Sendable (Int) -> ParallelFacts.Results<[[UInt8]]> = { first in
        let end = min(batches, first + window)
        let results = ParallelFacts.Results<[[UInt8]]>(count: end - first)
        DispatchQueue.concurrentPerform(iterations: end - first) { k in
          results.set(k, .success(pieces(first + k)))
        }
        return results
      }
      var current = written(0)
      var start = window
      while true {
        let next = start < batches ? Promise<ParallelFacts.Results<[[UInt8]]>>() : nil
        if let next {
          let first = start
          DispatchQueue.global().async { next.fulfil(written(first)) }
        }
        // The next window reads the decisions until it is done, so it is awaited even
        // when the sink throws.
        defer { _ = next?.value }
        for batch in current.take() {
          for piece in try! batch.get() { try sink(piece) }
        }
        guard let next else { break }
        current = next.value
        start += window
      }
    }
    var end: [UInt8] = []
    DocumentText.newline(1, into: &end)
    end.append(UInt8(ascii: "]"))
    try sink(end + tail)
  }

  /// Everything after `candidates`: the totals, the limits' verdict, ECR's patterns.
  private var tail: [UInt8] {
    let untags = untagCount
    let deletes = deleteCount
    let bytes = decisions.indices.reduce(0) { $0 &+ (decisions[$1].bytesFreed ?? 0) }
    var out: [UInt8] = []
    DocumentText.member("totals", level: 1, into: &out)
    out.append(UInt8(ascii: "{"))
    DocumentText.member("untag", level: 2, first: true, into: &out)
    JSONWriter.writeInt(untags, into: &out)
    DocumentText.member("delete", level: 2, into: &out)
    JSONWriter.writeInt(deletes, into: &out)
    DocumentText.member("keep", level: 2, into: &out)
    JSONWriter.writeInt(decisions.count - untags - deletes, into: &out)
    DocumentText.member("bytesFreed", level: 2, into: &out)
    JSONWriter.writeInt(bytes, into: &out)
    DocumentText.newline(1, into: &out)
    out.append(UInt8(ascii: "}"))
    DocumentText.member("limitExceeded", level: 1, into: &out)
    if let limitExceeded {
      DocumentText.string(limitExceeded, into: &out)
    } else {
      out.append(contentsOf: "null".utf8)
    }
    if let ecrRepositories {
      DocumentText.member("ecrRepositories", level: 1, into: &out)
      DocumentText.strings(ecrRepositories, level: 1, into: &out)
    }
    DocumentText.newline(0, into: &out)
    out.append(UInt8(ascii: "}"))
    return out
  }
}

/// The pretty layout (two spaces a level) of the plan's few shapes; strings and numbers
/// are written by `JSONWriter` itself, so they are escaped and spelled as it does.
enum DocumentText {
  static func newline(_ level: Int, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\n"))
    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
  }

  /// `,` (unless first), a new line at `level`, the key and `: `.
  static func member(_ key: String, level: Int, first: Bool = false, into out: inout [UInt8]) {
    if !first { out.append(UInt8(ascii: ",")) }
    newline(level, into: &out)
    string(key, into: &out)
    out.append(contentsOf: ": ".utf8)
  }

  static func string(_ value: String, into out: inout [UInt8]) {
    JSONWriter.writeString(value, asciiOnly: false, into: &out)
  }

  /// An array of strings whose own line is at `level`.
  static func strings(_ values: [String], level: Int, into out: inout [UInt8]) {
    guard !values.isEmpty else { return out.append(contentsOf: "[]".utf8) }
    out.append(UInt8(ascii: "["))
    values.withUnsafeBufferPointer { values in
      for n in values.indices {
        if n > 0 { out.append(UInt8(ascii: ",")) }
        newline(level + 1, into: &out)
        string(values[n], into: &out)
      }
    }
    newline(level, into: &out)
    out.append(UInt8(ascii: "]"))
  }
}

/// One candidate, an element of `candidates` (level 2): `PolicyDecision.document`'s
/// members in its order. The keys' lines are static text: a constant array would be
/// retained and released at each use, by every core at once, on one shared counter.
enum CandidateText {
  static let repository: StaticString = "\n    {\n      \"repository\": "
  static let kind: StaticString = ",\n      \"kind\": "
  static let reference: StaticString = ",\n      \"reference\": "
  static let digest: StaticString = ",\n      \"digest\": "
  static let action: StaticString = ",\n      \"action\": "
  static let chosenBy: StaticString = ",\n      \"chosenBy\": "
  static let keptBy: StaticString = ",\n      \"keptBy\": "
  static let time: StaticString = ",\n      \"time\": "
  static let tags: StaticString = ",\n      \"tags\": "
  static let bytesFreed: StaticString = ",\n      \"bytesFreed\": "
  static let end: StaticString = "\n    }"
  static let kindTag: StaticString = "\"tag\""
  static let kindManifest: StaticString = "\"manifest\""
  static let actionUntag: StaticString = "\"untag\""
  static let actionDelete: StaticString = "\"delete\""
  static let actionKeep: StaticString = "\"keep\""
  static let null: StaticString = "null"
  static let emptyList: StaticString = "[]"

  /// The candidates `from..<to` (the first of all without a leading `,`), in pieces of
  /// about `pieceSize` bytes.
  static func pieces(_ decisions: [PolicyDecision], from: Int, to: Int, pieceSize: Int)
    -> [[UInt8]]
  {
    var pieces: [[UInt8]] = []
    var out: [UInt8] = []
    out.reserveCapacity(pieceSize + 4096)
    // By pointer, field by field: a decision read from the array, or a string read from
    // it, would be a copy, each retaining strings that other candidates (and the other
    // cores) share, such as a sync's first-seen time.
    decisions.withUnsafeBufferPointer { decisions in
      guard let first = decisions.baseAddress else { return }
      for n in from..<to {
        if n > 0 { out.append(UInt8(ascii: ",")) }
        write(first + n, into: &out)
        if out.count >= pieceSize {
          pieces.append(out)
          out.removeAll(keepingCapacity: true)
        }
      }
    }
    if !out.isEmpty { pieces.append(out) }
    return pieces
  }

  static func write(_ decision: UnsafePointer<PolicyDecision>, into out: inout [UInt8]) {
    append(repository, to: &out)
    DocumentText.string(decision.pointee.repository, into: &out)
    append(kind, to: &out)
    let isManifest = decision.pointee.kind == .manifest
    append(isManifest ? kindManifest : kindTag, to: &out)
    append(reference, to: &out)
    DocumentText.string(decision.pointee.reference, into: &out)
    append(digest, to: &out)
    DocumentText.string(decision.pointee.digest, into: &out)
    append(action, to: &out)
    switch decision.pointee.action {
    case .untag: append(actionUntag, to: &out)
    case .delete: append(actionDelete, to: &out)
    case .keep: append(actionKeep, to: &out)
    }
    append(chosenBy, to: &out)
    strings(decision.pointee.chosenBy, into: &out)
    append(keptBy, to: &out)
    strings(decision.pointee.keptBy, into: &out)
    append(time, to: &out)
    if decision.pointee.time != nil {
      DocumentText.string(decision.pointee.time.unsafelyUnwrapped, into: &out)
    } else {
      append(null, to: &out)
    }
    if isManifest {
      append(tags, to: &out)
      strings(decision.pointee.tags, into: &out)
    }
    if let value = decision.pointee.bytesFreed {
      append(bytesFreed, to: &out)
      JSONWriter.writeInt(value, into: &out)
    }
    append(end, to: &out)
  }

  /// A candidate's list: most are empty, and an empty list is written without touching
  /// (retaining) the array.
  @inline(__always)
  static func strings(_ values: borrowing [String], into out: inout [UInt8]) {
    if values.isEmpty {
      append(emptyList, to: &out)
    } else {
      DocumentText.strings(copy values, level: 3, into: &out)
    }
  }

  @inline(__always)
  static func append(_ text: StaticString, to out: inout [UInt8]) {
    text.withUTF8Buffer { out.append(contentsOf: $0) }
  }
}

/// A value made on another thread, waited for once.
private final class Promise<Value: Sendable>: @unchecked Sendable {
  private let ready = DispatchSemaphore(value: 0)
  private let lock = NSLock()
  private var made: Value?

  func fulfil(_ value: Value) {
    lock.lock()
    made = value
    lock.unlock()
    ready.signal()
  }

  /// Waits for the value the first time; later reads return it at once.
  var value: Value {
    lock.lock()
    if let made {
      lock.unlock()
      return made
    }
    lock.unlock()
    ready.wait()
    lock.lock()
    defer { lock.unlock() }
    return made!
  }
}
