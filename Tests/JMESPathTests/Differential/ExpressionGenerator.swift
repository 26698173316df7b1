import JMESPath
import SeededRandom

/// Random JMESPath expressions built from the grammar, so most of them compile and reach the
/// interpreter (a soup of fragments mostly tests the error paths). With `extensions`, it
/// also writes JMESPath Community's syntax: arithmetic, `let`, `$`, `?:`.
struct ExpressionGenerator {
  var random: SeededRandom
  /// Which of the community's additions to write.
  var arithmetic = false
  var variables = false
  var ternary = false
  var communityFunctions = false
  /// One node in this many is one of the additions (when any is on).
  var extensionOdds = 4

  static let names = ["a", "b", "c", "foo", "bar", "tags", "n", "\"a\"", "\"with space\""]
  static let literals = [
    "`null`", "`true`", "`false`", "`0`", "`1`", "`-2`", "`2.5`", "`\"a\"`", "`\"\"`", "`[]`",
    "`[1, 2]`", "`{}`", "`{\"a\": 1}`", "'a'", "'foo'", "''", "'\\\\'", "'\\''",
  ]
  static let standardFunctions: [(name: String, arguments: [Argument])] = [
    ("abs", [.any]), ("avg", [.any]), ("ceil", [.any]), ("contains", [.any, .any]),
    ("ends_with", [.any, .any]), ("floor", [.any]), ("join", [.any, .any]), ("keys", [.any]),
    ("length", [.any]), ("map", [.reference, .any]), ("max", [.any]),
    ("max_by", [.any, .reference]), ("merge", [.any, .any]), ("min", [.any]),
    ("min_by", [.any, .reference]), ("not_null", [.any, .any]), ("reverse", [.any]),
    ("sort", [.any]), ("sort_by", [.any, .reference]), ("starts_with", [.any, .any]),
    ("sum", [.any]), ("to_array", [.any]), ("to_number", [.any]), ("to_string", [.any]),
    ("type", [.any]), ("values", [.any]),
  ]
  static let extraFunctions: [(name: String, arguments: [Argument])] = [
    ("items", [.any]), ("from_items", [.any]), ("zip", [.any, .any]), ("lower", [.any]),
    ("upper", [.any]), ("split", [.any, .string]), ("trim", [.any]),
    ("trim_left", [.any, .string]),
    ("trim_right", [.any]), ("pad_left", [.any, .number]), ("pad_right", [.any, .number, .string]),
    ("replace", [.any, .string, .string]), ("find_first", [.any, .string]),
    ("find_last", [.any, .string, .number]),
  ]

  enum Argument { case any, reference, string, number }

  init(seed: UInt64) { random = SeededRandom(seed: seed) }

  mutating func expression(_ depth: Int = 3, bound: [String] = []) -> String {
    if depth <= 0 || random.below(6) == 0 { return leaf(bound: bound) }
    let d = depth - 1
    let extended = (arithmetic || variables || ternary) && random.below(extensionOdds) == 0
    switch extended ? 17 + random.below(5) : random.below(17) {
    case 0: return "\(expression(d, bound: bound)).\(dotRight(d, bound: bound))"
    case 1: return "\(expression(d, bound: bound))[\(random.below(7) - 3)]"
    case 2: return "\(expression(d, bound: bound))[\(slice())]"
    case 3: return "\(expression(d, bound: bound))[*].\(dotRight(d, bound: bound))"
    case 4: return "\(expression(d, bound: bound))[]"
    case 5: return "\(expression(d, bound: bound))[?\(expression(d, bound: bound))]"
    case 6: return "*.\(dotRight(d, bound: bound))"
    case 7: return "\(expression(d, bound: bound)) | \(expression(d, bound: bound))"
    case 8: return "\(expression(d, bound: bound)) || \(expression(d, bound: bound))"
    case 9: return "\(expression(d, bound: bound)) && \(expression(d, bound: bound))"
    case 10: return "!\(expression(d, bound: bound))"
    case 11:
      let op = random.pick(["==", "!=", "<", "<=", ">", ">="])
      return "\(expression(d, bound: bound)) \(op) \(expression(d, bound: bound))"
    case 12: return "[\(expression(d, bound: bound)), \(expression(d, bound: bound))]"
    case 13: return "{a: \(expression(d, bound: bound)), \"b c\": \(expression(d, bound: bound))}"
    case 14, 15: return call(d, bound: bound)
    case 16: return "(\(expression(d, bound: bound)))"
    case 17 where arithmetic, 18 where arithmetic:
      let op = random.pick(["+", "-", "*", "/", "%", "//", "×", "÷", "\u{2212}"])
      // In parentheses, so a postfix or `!` around it cannot take an operand away.
      return "(\(number(d, bound: bound)) \(op) \(number(d, bound: bound)))"
    case 19 where arithmetic: return "(-\(number(d, bound: bound)))"
    case 20 where variables:
      let name = random.pick(["x", "y"])
      return
        "let $\(name) = \(expression(d, bound: bound)) in \(expression(d, bound: bound + [name]))"
    case 21 where ternary:
      return
        "\(expression(d, bound: bound)) ? \(expression(d, bound: bound)) : \(expression(d, bound: bound))"
    default: return leaf(bound: bound)
    }
  }

  mutating func leaf(bound: [String]) -> String {
    let variable = variables && random.below(extensionOdds * 2) == 0
    switch variable ? 5 + random.below(2) : random.below(5) {
    case 0, 1: return random.pick(Self.names)
    case 2: return "@"
    case 3, 4: return random.pick(Self.literals)
    case 5: return "$"
    default:
      // Mostly a bound variable; sometimes one no `let` binds (undefined-variable).
      return bound.isEmpty || random.below(5) == 0 ? "$z" : "$\(random.pick(bound))"
    }
  }

  /// An operand that is a number whatever the document holds: the engines agree that
  /// arithmetic is over numbers, and only jmespath-community's Python adds strings or lists.
  mutating func number(_ depth: Int, bound: [String]) -> String {
    switch random.below(4) {
    case 0: return random.pick(["`0`", "`1`", "`3`", "`-2`", "`2.5`", "`7`"])
    case 1: return "length(to_array(\(expression(depth, bound: bound))))"
    case 2: return "not_null(to_number(\(expression(depth, bound: bound))), `4`)"
    default:
      guard depth > 0 else { return "`5`" }
      let op = random.pick(["+", "-", "*", "%", "//"])
      return "(\(number(depth - 1, bound: bound)) \(op) \(number(depth - 1, bound: bound)))"
    }
  }

  mutating func dotRight(_ depth: Int, bound: [String]) -> String {
    switch random.below(5) {
    case 0: return "[\(expression(depth, bound: bound)), \(expression(depth, bound: bound))]"
    case 1: return "{k: \(expression(depth, bound: bound))}"
    case 2: return call(depth, bound: bound)
    default: return random.pick(Self.names)
    }
  }

  mutating func slice() -> String {
    func part(_ r: inout SeededRandom) -> String { r.below(3) == 0 ? "" : "\(r.below(7) - 3)" }
    let step = random.below(3) == 0 ? ":\(random.pick(["1", "2", "-1", "-2", ""]))" : ""
    return "\(part(&random)):\(part(&random))\(step)"
  }

  mutating func call(_ depth: Int, bound: [String]) -> String {
    let table =
      communityFunctions ? Self.standardFunctions + Self.extraFunctions : Self.standardFunctions
    let function = random.pick(table)
    var arguments: [String] = []
    for argument in function.arguments {
      switch argument {
      case .any: arguments.append(expression(depth, bound: bound))
      case .reference: arguments.append("&\(expression(depth, bound: bound))")
      case .string: arguments.append(random.pick(["'a'", "''", "' '", "'/'", "'o'"]))
      case .number: arguments.append(random.pick(["`0`", "`2`", "`5`"]))
      }
    }
    return "\(function.name)(\(arguments.joined(separator: ", ")))"
  }

  /// A small document over the names the expressions use.
  mutating func document(_ depth: Int = 3) -> JSON {
    switch random.below(depth <= 0 ? 6 : 9) {
    case 0: return .null
    case 1: return .bool(random.below(2) == 0)
    case 2: return .int(random.below(9) - 3)
    case 3:
      // A whole number as an integer, as the reference reads it back from JSON text.
      let n = random.below(40) - 20
      return n % 4 == 0 ? .int(n / 4) : .double(Double(n) / 4)
    case 4, 5:
      return .string(
        random.pick(["", "a", "b", "foo", "Foo Bar ", "sha256:aa", "é", "2018-07-12T15:52:00Z"]))
    case 6: return .array((0..<random.below(4)).map { _ in document(depth - 1) })
    default:
      var object = JSONObject()
      for _ in 0..<random.below(5) {
        object[random.pick(["a", "b", "c", "foo", "bar", "tags", "n", "with space"])] = document(
          depth - 1)
      }
      return .object(object)
    }
  }
}
