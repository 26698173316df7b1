/// One stage of a pipeline: a regsh command, or a JMESPath expression over what the stage
/// before it produced.
public enum Stage: Equatable, Sendable {
  /// A command the shell knows, with its arguments as words (quotes removed).
  case command(name: String, arguments: [String])
  /// JMESPath source, exactly as written: consecutive expression stages are one
  /// expression, `a | b`.
  case expression(String)
}

/// Stages joined by `|`: each stage's result is the input of the next.
///
/// A pipeline whose first stage is an expression queries the previous command's result,
/// as `[?tags==null].digest` does on its own line after `manifests acr-helloworld`.
public struct Pipeline: Equatable, Sendable {
  public var stages: [Stage]
  /// Where each stage starts in the parsed text, in Unicode scalars (the unit of
  /// `JMESPathError.position`): adding it to a syntax error's position puts the caret under
  /// the right character of the whole line.
  public var stageColumns: [Int]

  public init(stages: [Stage], stageColumns: [Int]) {
    self.stages = stages
    self.stageColumns = stageColumns
  }

  /// The pipeline starts with an expression, so its input is the previous result.
  public var queriesPreviousResult: Bool {
    if case .expression = stages.first { return true }
    return false
  }
}
