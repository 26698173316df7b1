import JMESPath

/// Turns a command's result into the text `-o FORMAT` prints.
///
/// The rules are az's (knack's `output.py`), so scripts written against az keep working;
/// `jsonl` and `csv` are regsh's own. Every string in the result may come from a hostile
/// registry, so control characters are escaped in every format (DESIGN.md, safety rule 5).
public struct OutputRenderer: Sendable {
  public var format: OutputFormat
  /// Colour for `jsonc` and `yamlc`. The caller decides: a terminal, and no `NO_COLOR`.
  /// Without it they print as `json` and `yaml`, as az does.
  public var color: Bool
  /// The result came from `--query`: tsv and table keep its key order instead of sorting
  /// keys as az does for a command's own result.
  public var fromQuery: Bool

  public init(format: OutputFormat, color: Bool = false, fromQuery: Bool = false) {
    self.format = format
    self.color = color
    self.fromQuery = fromQuery
  }

  /// The whole text to print, trailing newline included; "" when nothing should print.
  ///
  /// A null result prints nothing in any format: az skips output when a command (or its
  /// `--query`) yields None.
  public func render(_ value: JSON) -> String {
    if case .null = value { return "" }
    switch format {
    case .jsonc where color:
      return ColoredJSONOutput().render(value)
    case .json, .jsonc:
      return TerminalSafeText.escapeJSON(JSONWriter(style: .pretty(indent: 2)).string(value))
        + "\n"
    case .yamlc where color:
      return ColoredYAMLOutput().render(value)
    case .yaml, .yamlc:
      return YAMLOutput().render(value)
    case .tsv:
      return TSVOutput(keepsKeyOrder: fromQuery).render(value)
    case .table:
      return TableOutput(keepsKeyOrder: fromQuery).render(value)
    case .jsonl:
      return JSONLinesOutput().render(value)
    case .csv:
      return CSVOutput().render(value)
    case .none:
      return ""
    }
  }
}
