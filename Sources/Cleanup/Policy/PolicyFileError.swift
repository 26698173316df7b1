/// A policy file that cannot be used, said with where: the file, the line and the key path
/// (`rules[1].keep.newest`), so it can be fixed without guessing. Nothing runs after one.
public struct PolicyFileError: Error, CustomStringConvertible, Equatable {
  public let file: String
  /// 1-based; 0 when the problem is the whole file.
  public let line: Int
  /// The key path, empty for the document itself.
  public let key: String
  public let problem: String

  public init(file: String, line: Int, key: String, problem: String) {
    self.file = file
    self.line = line
    self.key = key
    self.problem = problem
  }

  public var description: String {
    let place = line > 0 ? "\(file):\(line)" : file
    return key.isEmpty ? "\(place): \(problem)" : "\(place): \(key): \(problem)"
  }
}
