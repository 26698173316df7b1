import Testing

@testable import Cleanup

/// The plans' order (newest first, no time last, then by name) over packed time keys is
/// the order of the string comparison it replaces, and a permutation in place moves each
/// element where a copy would put it.
@Suite struct TimeOrderTests {
  /// The comparison the plans made before the keys.
  static func stringOrder(_ times: [String?], _ names: [String]) -> [Int] {
    times.indices.sorted { a, b in
      switch (times[a], times[b]) {
      case (let x?, let y?) where x != y: x > y
      case (.some, nil): true
      case (nil, .some): false
      default: names[a] < names[b]
      }
    }
  }

  @Test func packedKeysOrderAsTheStringsDo() {
    var generator = SystemRandomNumberGenerator()
    // Few distinct values, so that equal times (and the tie-break by name) are common;
    // some texts are not ASCII, which keep the string comparison.
    let pool: [String?] = [
      nil, "2021-11-15T07:56:40.6610000Z", "2021-11-15T07:56:40.6610001Z",
      "2021-11-15T07:56:40.6610000Z", "2020-01-01T00:00:00.0000000Z",
      "2026-11-30T07:39:30.1493087Z", "2021-11-15T07:56:40.661000éZ",
      "2021-11-15T07:56:40.66100ÿ0Z", "2020-01-01T00:00:00.0000000Z",
    ]
    for _ in 0..<200 {
      let count = Int.random(in: 0...40, using: &generator)
      let times = (0..<count).map { _ in pool.randomElement(using: &generator)! }
      let names = (0..<count).map { _ in "t\(Int.random(in: 0...9, using: &generator))" }
      let keyed = TimeOrder(times).sorted(
        Array(times.indices), times: times, name: { names[$0] })
      let expected = Self.stringOrder(times, names)
      // Equal time and name are interchangeable; compare what each position holds.
      #expect(keyed.map { times[$0] } == expected.map { times[$0] })
      #expect(keyed.map { names[$0] } == expected.map { names[$0] })
    }
  }

  /// Names that share long prefixes (digests differ past byte 24 only here), differ in
  /// length, hold NUL or are not ASCII: the packed name keys order them as the strings do.
  @Test func nameKeysOrderAsTheStringsDo() {
    var generator = SystemRandomNumberGenerator()
    let digest = "sha256:" + String(repeating: "0", count: 17)
    let pool = [
      "", "a", "ab", "a\u{0}", "a\u{0}b", "v1", "v10", "v1-a", "é", "e\u{301}", "z",
      digest + "a", digest + "b", digest, digest + "aa", "sha256:ff", "sha256:f",
      "Ω-release", "release-Ω",
    ]
    for _ in 0..<200 {
      let count = Int.random(in: 0...40, using: &generator)
      let time = "2026-11-30T07:39:30.1493087Z"
      // One time for all but a few, as a sync stamps its images: the names decide.
      let times: [String?] = (0..<count).map { _ in Bool.random() ? time : nil }
      let names = (0..<count).map { _ in pool.randomElement(using: &generator)! }
      let keyed = TimeOrder(times).sorted(
        Array(times.indices), times: times, names: NameOrder(count: count) { names[$0] },
        name: { names[$0] })
      let expected = Self.stringOrder(times, names)
      #expect(keyed.map { times[$0] } == expected.map { times[$0] })
      #expect(keyed.map { names[$0] } == expected.map { names[$0] })
    }
    let order = NameOrder(count: pool.count) { pool[$0] }
    for a in pool.indices {
      for b in pool.indices {
        if let before = order.precedes(a, b) { #expect(before == (pool[a] < pool[b])) }
      }
    }
  }

  @Test func aPermutationInPlaceMatchesACopy() {
    var generator = SystemRandomNumberGenerator()
    for count in [0, 1, 2, 7, 100] {
      let original = (0..<count).map { "value \($0)" }
      let order = Array(0..<count).shuffled(using: &generator)
      var permuted = original
      permuted.permute(to: order)
      #expect(permuted == order.map { original[$0] })
    }
  }
}
