/// Byte counts come from registries, which may declare any size: sums stop at the largest
/// value instead of overflowing (which would end the process), and negative sizes count as 0.
extension Int {
  func addingSaturated(_ other: Int) -> Int {
    let (sum, overflow) = addingReportingOverflow(Swift.max(0, other))
    return overflow ? .max : sum
  }
}

extension Sequence {
  func saturatedSum(_ value: (Element) -> Int) -> Int {
    reduce(0) { $0.addingSaturated(value($1)) }
  }
}
