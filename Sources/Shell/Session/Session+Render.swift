import Foundation
import JMESPath

extension Session {
  /// The text of `value` in an `-o` format, coloured only on a terminal without NO_COLOR.
  func render(_ value: JSON, format: String, fromQuery: Bool) throws -> String {
    guard let outputFormat = OutputFormat(rawValue: format) else {
      let names = OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
      throw ShellError.usage("unknown output format '\(format)'; use one of \(names)")
    }
    let color = stdoutIsTerminal && environment["NO_COLOR"] == nil
    return OutputRenderer(format: outputFormat, color: color, fromQuery: fromQuery).render(value)
  }
}
