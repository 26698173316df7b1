import JMESPath
import Yams

/// `-o yaml` as az prints it (PyYAML's `safe_dump(result, default_flow_style=False,
/// allow_unicode=True)`), written with Yams, whose emitter is libyaml, the same emitter
/// PyYAML's is a port of: block style, sequences not indented under their key, lines
/// folded at 80 columns, strings that would read back as another type quoted.
///
/// Unlike az, keys keep the document's order (DESIGN.md: the shapes and `--query` choose it).
///
/// libyaml itself writes every non-printable character as an escape in a double-quoted
/// scalar (`"\e[31m"`, `"\x9B"`), keys included, which is what keeps registry text from
/// reaching the terminal raw; the tests check it.
struct YAMLOutput {
  func render(_ value: JSON) -> String {
    do {
      let standIns = AstralStandIns(for: value)
      var yaml = try Yams.serialize(
        node: Self.node(value, text: { standIns?.substitute($0) ?? $0 }), allowUnicode: true)
      if let standIns { yaml = standIns.restore(yaml) }
      // PyYAML ends a document whose root is a plain scalar with the `...` marker; libyaml
      // no longer does. Quoted scalars and collections are closed already.
      switch value {
      case .array, .object: return yaml
      default:
        // By scalar: a quote and a combining mark after it are one Character.
        let first = yaml.unicodeScalars.first
        return first == "'" || first == "\"" ? yaml : yaml + "...\n"
      }
    } catch {
      // libyaml fails only on malformed events, which `node` never builds; JSON is valid YAML.
      return TerminalSafeText.escapeJSON(JSONWriter(style: .pretty(indent: 2)).string(value))
        + "\n"
    }
  }

  /// The YAML node for `value`, its strings passed through `text` first.
  static func node(_ value: JSON, text: (String) -> String) -> Node {
    switch value {
    case .null: return Node("null", Tag(.null))
    case .bool(let b): return Node(b ? "true" : "false", Tag(.bool))
    case .int(let i): return Node(String(i), Tag(.int))
    case .double(let d): return Node(floatText(d), Tag(.float))
    case .string(let s): return .scalar(string(text(s)))
    case .array(let elements):
      return .sequence(Node.Sequence(elements.map { node($0, text: text) }))
    case .object(let members):
      return .mapping(
        Node.Mapping(
          members.map { (Node.scalar(string(text($0.key))), node($0.value, text: text)) }))
    }
  }

  /// A string scalar, single-quoted when plain it would read back as a boolean, number,
  /// null or timestamp (`'true'`, `'123'`, `'2018-07-11'`), as PyYAML does.
  static func string(_ text: String) -> Node.Scalar {
    let readsBackAs = pyYAMLResolver.resolveTag(of: Node(text))
    return readsBackAs == .str ? Node.Scalar(text) : Node.Scalar(text, Tag(.str), .singleQuoted)
  }

  /// PyYAML's implicit types (YAML 1.1). Yams reads more as numbers than PyYAML does
  /// (`1e5`, `0o17`), and would quote them where az prints them plain.
  static let pyYAMLResolver: Resolver = {
    do {
      return try Resolver.default
        .replacing(
          .int,
          with: #"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"#
            + #"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$"#
        )
        .replacing(
          .float,
          with: #"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?"#
            + #"|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*"#
            + #"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"#
        )
    } catch {
      return Resolver.default
    }
  }()

  /// PyYAML's float spelling: Python's `repr`, with `.0` added to a bare exponent (`1.0e+16`).
  static func floatText(_ value: Double) -> String {
    if value.isNaN { return ".nan" }
    if value.isInfinite { return value < 0 ? "-.inf" : ".inf" }
    let repr = PythonText.floatRepr(value)
    if !repr.contains("."), let e = repr.firstIndex(of: "e") {
      return repr[..<e] + ".0" + repr[e...]
    }
    return repr
  }
}
