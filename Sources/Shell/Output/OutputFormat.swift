/// The formats of `-o/--output`: az's seven, plus `jsonl` and `csv` for scripts and
/// spreadsheets.
///
/// The raw values are the spellings users type, so `OutputFormat(rawValue:)` parses the flag.
public enum OutputFormat: String, CaseIterable, Sendable {
  /// Indented by 2, as az and `jp` print.
  case json
  /// `json` in colour when the caller allows it.
  case jsonc
  /// Tab-separated values with az's rules: no header, one line per list item.
  case tsv
  /// A header, a dashed rule and aligned columns, as az's `-o table`.
  case table
  /// Block-style YAML, as az's `-o yaml`.
  case yaml
  /// `yaml` with its keys in colour when the caller allows it.
  case yamlc
  /// Nothing at all: for commands run for their effect.
  case none
  /// One compact JSON value per line, a line per list item.
  case jsonl
  /// RFC 4180 comma-separated values with a header row.
  case csv
}
