/// A top-level array written one element at a time, with exactly the bytes `bytes(_:)`
/// gives for the whole array: a host can print a long result as it goes instead of
/// holding all of its text.
extension JSONWriter {
  /// The opening bracket of a non-empty top-level array.
  public func writeArrayStart(into out: inout [UInt8]) { out.append(UInt8(ascii: "[")) }

  /// One element of a non-empty top-level array; `first` for the first one.
  public func writeArrayElement(_ element: JSON, first: Bool, into out: inout [UInt8]) {
    if !first { out.append(UInt8(ascii: ",")) }
    newline(1, into: &out)
    write(element, level: 1, into: &out)
  }

  /// The closing bracket of a non-empty top-level array.
  public func writeArrayEnd(into out: inout [UInt8]) {
    newline(0, into: &out)
    out.append(UInt8(ascii: "]"))
  }
}
