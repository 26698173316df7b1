import JMESPath

extension Session {
  /// The text of `value` in an output format.
  // TODO(shell-language): replaced by OutputRenderer (tsv/table/yaml by az's rules) on merge.
  func render(_ value: JSON, format: String, fromQuery: Bool) throws -> String {
    switch format {
    case "json", "jsonc":
      return JSONWriter().string(value) + "\n"
    case "none":
      return ""
    case "tsv":
      guard case .array(let items) = value else { return Self.tsvField(value) + "\n" }
      return items.map { Self.tsvField($0) + "\n" }.joined()
    default:
      throw ShellError.usage("unknown output format '\(format)'")
    }
  }

  static func tsvField(_ value: JSON) -> String {
    switch value {
    case .string(let s): s
    case .null: ""
    default: JSONWriter(style: .compact).string(value)
    }
  }
}
