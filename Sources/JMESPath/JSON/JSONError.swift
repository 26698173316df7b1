/// Input that is not JSON: what was wrong and where, so a person can find it in the file.
public struct JSONSyntaxError: Error, CustomStringConvertible, Sendable {
  public let message: String
  /// 1-based line and column (column counts bytes within the line).
  public let line: Int
  public let column: Int
  /// 0-based byte offset into the input.
  public let offset: Int

  public var description: String { "\(message) at line \(line), column \(column)" }
}
