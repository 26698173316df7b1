import JMESPath
import RegistryFunctions

/// `regsh query`: JMESPath over a JSON document, with `jp`'s flags and exit codes.
public struct QueryCommand {
  /// Exit statuses of DESIGN.md's contract.
  public enum ExitStatus: Int32 {
    case success = 0
    case expressionError = 1
    case inputError = 2
  }

  public var expression: String
  /// Read the document from this file instead of standard input.
  public var file: String?
  /// One line of JSON instead of 2-space indentation.
  public var compact = false
  /// A string result prints without quotes.
  public var unquoted = false
  /// The JMESPath edition: jmespath.py's (default), the community's, or the specification
  /// alone (`--strict`, no extension of any kind).
  public var dialect: Dialect

  public init(
    expression: String, file: String? = nil, compact: Bool = false, unquoted: Bool = false,
    strict: Bool = false, dialect: Dialect = .default
  ) {
    self.expression = expression
    self.file = file
    self.compact = compact
    self.unquoted = unquoted
    self.dialect = strict ? .strict : dialect
  }

  /// Runs the query, printing the result on stdout and any error on stderr.
  public func run() -> ExitStatus {
    // Compile first: a typo in the expression is reported before a large input is read.
    let compiled: Expression
    do {
      // regsh's registry functions (`ago`, `semver`, …) are there in every dialect but strict.
      compiled = try Expression(
        expression, dialect: dialect, functions: RegistryFunctions.all())
    } catch {
      ByteIO.write(Self.describe(error, in: expression), to: ByteIO.standardError)
      return .expressionError
    }
    let document: JSON
    do {
      // The input is mapped, not copied, and released as soon as the document is built.
      document = try ByteIO.withContents(of: file) { bytes in try JSONReader.parse(bytes) }
    } catch let error as JSONSyntaxError {
      let source = file ?? "standard input"
      ByteIO.write(
        "error: invalid-json: \(error.description) of \(source)\n", to: ByteIO.standardError)
      return .inputError
    } catch {
      ByteIO.write("error: \(error)\n", to: ByteIO.standardError)
      return .inputError
    }
    let result: JSON
    do {
      result = try compiled.evaluate(document)
    } catch {
      ByteIO.write(Self.describe(error, in: expression), to: ByteIO.standardError)
      return .expressionError
    }
    var out: [UInt8]
    if unquoted, case .string(let s) = result {
      out = Array(s.utf8)
    } else {
      out = JSONWriter(style: compact ? .compact : .pretty(indent: 2)).bytes(result)
    }
    out.append(UInt8(ascii: "\n"))
    ByteIO.write(out)
    // Freeing a million-node document one node at a time is a third of a query's time;
    // the process is about to exit, so the memory is handed back to the system whole.
    ProcessLifetime.keep(document)
    ProcessLifetime.keep(result)
    return .success
  }

  /// `error: KIND: message`, then the expression with a caret under the failing column when
  /// the error has one (syntax errors, and the registry functions' errors).
  public static func describe(_ error: JMESPathError, in expression: String) -> String {
    var text = "error: \(error.kind.rawValue): \(error.message)\n"
    if let diagram = error.caretDiagram(for: expression) { text += diagram + "\n" }
    return text
  }
}
