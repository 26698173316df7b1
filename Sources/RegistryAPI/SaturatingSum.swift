/// Byte counts come from registries, which may declare any size: sums stop at the largest
/// value instead of overflowing (which would end the process), and negative sizes count as
/// 0. The one place sizes are added up: the cache's image sizes and a plan's bytes freed.
extension FixedWidthInteger where Self: SignedInteger {
  public func addingSaturated(_ other: Self) -> Self {
    let (sum, overflow) = addingReportingOverflow(Swift.max(0, other))
    return overflow ? .max : sum
  }
}

extension Sequence {
  public func saturatedSum<Size: FixedWidthInteger & SignedInteger>(_ value: (Element) -> Size)
    -> Size
  {
    reduce(0) { $0.addingSaturated(value($1)) }
  }
}
