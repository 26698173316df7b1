import Foundation
import JMESPath

extension Session {
  /// The text of `value` in an `-o` format, coloured only on a terminal without NO_COLOR.
  func render(_ value: JSON, format: String, fromQuery: Bool) throws -> String {
    try renderer(format: format, fromQuery: fromQuery).render(value)
  }

  /// Prints `value` in an `-o` format as it is written (json, jsonl and tsv lists go out in
  /// pieces; the bytes are `render`'s).
  func print(_ value: JSON, format: String, fromQuery: Bool) throws {
    try renderer(format: format, fromQuery: fromQuery).writeBytes(value) { ByteIO.write($0) }
  }

  func renderer(format: String, fromQuery: Bool) throws -> OutputRenderer {
    guard let outputFormat = OutputFormat(rawValue: format) else {
      let names = OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
      throw ShellError.usage("unknown output format '\(format)'; use one of \(names)")
    }
    let color = stdoutIsTerminal && environment["NO_COLOR"] == nil
    return OutputRenderer(format: outputFormat, color: color, fromQuery: fromQuery)
  }
}
