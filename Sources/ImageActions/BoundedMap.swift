/// Runs `transform` on every element with at most `limit` calls in flight, and returns the
/// results in the input's order. A repository can have tens of thousands of tags: one task
/// per tag at once would hold them all in memory for nothing, since the client's own
/// limit lets only a few requests run anyway.
func boundedMap<Element: Sendable, Result: Sendable>(
  _ elements: [Element], limit: Int,
  _ transform: @escaping @Sendable (Element) async throws -> Result
) async throws -> [Result] {
  try await withThrowingTaskGroup(of: (Int, Result).self) { group in
    var results = [Result?](repeating: nil, count: elements.count)
    var next = 0
    func startNext() {
      guard next < elements.count else { return }
      let index = next
      let element = elements[index]
      next += 1
      group.addTask { (index, try await transform(element)) }
    }
    for _ in 0..<min(Swift.max(1, limit), elements.count) { startNext() }
    while let (index, result) = try await group.next() {
      results[index] = result
      startNext()
    }
    return results.compactMap { $0 }
  }
}
