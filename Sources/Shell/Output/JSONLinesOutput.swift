import JMESPath

/// `-o jsonl`: one compact JSON value per line (JSON Lines), for `grep`, `jq -c` and
/// line-at-a-time consumers. A list prints an item per line; anything else is one line.
struct JSONLinesOutput {
  func render(_ value: JSON) -> String {
    let writer = JSONWriter(style: .compact)
    let items = value.arrayValue ?? [value]
    return items.map { TerminalSafeText.escapeJSON(writer.string($0)) + "\n" }.joined()
  }
}
