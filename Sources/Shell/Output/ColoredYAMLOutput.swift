import JMESPath
import Yams

/// `-o yamlc`: `-o yaml` with the mapping keys coloured, as az's pygments colouring shows
/// them (values stay plain). Stripping the colour codes gives `-o yaml` byte for byte.
///
/// The keys are found by reading the emitted YAML back with Yams, whose nodes carry their
/// line and column, rather than by guessing from the text: a folded multi-line value can
/// look like `word: word` on a line of its own.
struct ColoredYAMLOutput {
  func render(_ value: JSON) -> String {
    let yaml = YAMLOutput().render(value)
    guard let root = try? Yams.compose(yaml: yaml) else { return yaml }
    var keyStarts: [Int: [Int]] = [:]  // 0-based line → 0-based columns in Unicode scalars
    Self.collectKeys(root, into: &keyStarts)
    // Split by scalar: a line may start with a combining mark, which would join the
    // newline before it into one Character.
    var lines = yaml.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
      .map { String(String.UnicodeScalarView($0)) }
    for (line, columns) in keyStarts where line < lines.count {
      lines[line] = Self.paintKeys(in: lines[line], at: columns)
    }
    return lines.joined(separator: "\n")
  }

  static func collectKeys(_ node: Node, into starts: inout [Int: [Int]]) {
    switch node {
    case .mapping(let mapping):
      for (key, value) in mapping {
        if let mark = key.mark { starts[mark.line - 1, default: []].append(mark.column - 1) }
        collectKeys(value, into: &starts)
      }
    case .sequence(let sequence):
      for element in sequence { collectKeys(element, into: &starts) }
    case .scalar, .alias:
      break
    }
  }

  /// The line with each key that starts at one of `columns` wrapped in the key colour.
  static func paintKeys(in line: String, at columns: [Int]) -> String {
    let scalars = Array(line.unicodeScalars)
    var out = String.UnicodeScalarView()
    var position = 0
    for start in columns.sorted() where start >= position && start < scalars.count {
      let end = keyEnd(in: scalars, from: start)
      out.append(contentsOf: scalars[position..<start])
      out.append(contentsOf: ANSIColor.key.rawValue.unicodeScalars)
      out.append(contentsOf: scalars[start..<end])
      out.append(contentsOf: ANSIColor.reset.unicodeScalars)
      position = end
    }
    out.append(contentsOf: scalars[position...])
    return String(out)
  }

  /// Where a simple key that starts at `start` ends: after its closing quote, or before the
  /// `:` that follows a plain key.
  static func keyEnd(in scalars: [Unicode.Scalar], from start: Int) -> Int {
    var i = start
    switch scalars[start] {
    case "'":
      i += 1
      while i < scalars.count {
        if scalars[i] == "'" {
          if i + 1 < scalars.count, scalars[i + 1] == "'" {
            i += 2
            continue
          }
          return i + 1
        }
        i += 1
      }
      return scalars.count
    case "\"":
      i += 1
      while i < scalars.count {
        if scalars[i] == "\\" {
          i += 2
          continue
        }
        if scalars[i] == "\"" { return i + 1 }
        i += 1
      }
      return scalars.count
    default:
      while i < scalars.count {
        if scalars[i] == ":", i + 1 == scalars.count || scalars[i + 1] == " " { return i }
        i += 1
      }
      return scalars.count
    }
  }
}
