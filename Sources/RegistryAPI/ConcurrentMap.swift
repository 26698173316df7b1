/// Runs `transform` on every element with at most `limit` calls in flight, handing each
/// result to `consume` the moment it arrives (on the caller's task, so it may update the
/// caller's state). A repository can have tens of thousands of tags: one task per tag at
/// once would hold them all for nothing, since a client lets only a few requests run anyway.
public func forEachConcurrently<Element: Sendable, Result: Sendable>(
  _ elements: [Element], limit: Int,
  _ transform: @escaping @Sendable (Element) async throws -> Result,
  consume: (_ index: Int, _ result: Result) throws -> Void
) async throws {
  try await withThrowingTaskGroup(of: (Int, Result).self) { group in
    var next = 0
    func startNext() {
      guard next < elements.count else { return }
      let index = next
      let element = elements[index]
      next += 1
      group.addTask { (index, try await transform(element)) }
    }
    for _ in 0..<min(max(1, limit), elements.count) { startNext() }
    while let (index, result) = try await group.next() {
      try consume(index, result)
      startNext()
    }
  }
}

/// `transform` over every element, at most `limit` at once, results in the input's order.
public func mapConcurrently<Element: Sendable, Result: Sendable>(
  _ elements: [Element], limit: Int,
  _ transform: @escaping @Sendable (Element) async throws -> Result
) async throws -> [Result] {
  var results = [Result?](repeating: nil, count: elements.count)
  try await forEachConcurrently(elements, limit: limit, transform) { results[$0] = $1 }
  return results.compactMap { $0 }
}
