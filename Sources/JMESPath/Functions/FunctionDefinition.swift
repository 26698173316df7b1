/// What a function parameter accepts: the type names of the JMESPath specification.
public enum ParameterType: Sendable, CustomStringConvertible {
  case any, null, boolean, number, string, array, object
  /// An array whose every element is a number (`array[number]`).
  case arrayOfNumbers
  /// An array whose every element is a string (`array[string]`).
  case arrayOfStrings
  /// `&expression`, handed over unevaluated.
  case expressionReference

  public var description: String {
    switch self {
    case .any: "any"
    case .null: "null"
    case .boolean: "boolean"
    case .number: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    case .arrayOfNumbers: "array[number]"
    case .arrayOfStrings: "array[string]"
    case .expressionReference: "expref"
    }
  }

  func accepts(_ argument: FunctionArgument) -> Bool {
    guard case .value(let value) = argument else { return self == .expressionReference }
    switch (self, value) {
    case (.any, _): return true
    case (.null, .null), (.boolean, .bool), (.number, .int), (.number, .double), (.string, .string),
      (.array, .array), (.object, .object):
      return true
    case (.arrayOfNumbers, .array(let elements)): return elements.allSatisfy(\.isNumber)
    case (.arrayOfStrings, .array(let elements)):
      return elements.allSatisfy { if case .string = $0 { true } else { false } }
    default: return false
    }
  }
}

/// An argument as a function receives it: a value, or an expression reference to apply.
enum FunctionArgument {
  case value(JSON)
  case expression(Node)

  /// How the argument reads in an error message.
  var typeDescription: String {
    switch self {
    case .expression: return "expref"
    case .value(.array(let elements)):
      let kinds = Set(elements.map(\.typeName))
      if kinds.count == 1, let only = kinds.first { return "array[\(only)]" }
      return kinds.isEmpty ? "array" : "array containing \(kinds.sorted().joined(separator: ", "))"
    case .value(let value): return value.typeName
    }
  }
}

/// One function of the language: its name, its signature, and what it does.
///
/// Arity and argument types are checked here, from the signature, before the body runs,
/// so every function reports those errors in the same words.
public final class FunctionDefinition: Sendable {
  public let name: String
  /// Each parameter accepts any of its listed types.
  public let parameters: [[ParameterType]]
  /// The last parameter may repeat (at least once), as in `merge` and `not_null`.
  public let variadic: Bool
  let body:
    @Sendable (_ arguments: [FunctionArgument], _ interpreter: Interpreter) throws(JMESPathError) ->
      JSON

  init(
    _ name: String, _ parameters: [[ParameterType]], variadic: Bool = false,
    body:
      @escaping @Sendable (_ arguments: [FunctionArgument], _ interpreter: Interpreter)
      throws(JMESPathError) -> JSON
  ) {
    self.name = name
    self.parameters = parameters
    self.variadic = variadic
    self.body = body
  }

  /// The signature as the documentation writes it, e.g. `max_by(array, expref)`.
  public var signature: String {
    let list = parameters.map { $0.map(\.description).joined(separator: "|") }
    return "\(name)(\(list.joined(separator: ", "))\(variadic ? ", ..." : ""))"
  }

  func checkArity(_ count: Int) throws(JMESPathError) {
    let ok = variadic ? count >= parameters.count : count == parameters.count
    guard !ok else { return }
    let expected =
      variadic ? "at least \(parameters.count)" : "\(parameters.count)"
    let noun = parameters.count == 1 && !variadic ? "argument" : "arguments"
    throw JMESPathError(
      .invalidArity,
      "\(name)() takes \(expected) \(noun) but received \(count); usage: \(signature)")
  }

  func call(_ arguments: [FunctionArgument], _ interpreter: Interpreter) throws(JMESPathError)
    -> JSON
  {
    try checkArity(arguments.count)
    for (i, argument) in arguments.enumerated() {
      let accepted = parameters[min(i, parameters.count - 1)]
      guard accepted.contains(where: { $0.accepts(argument) }) else {
        throw JMESPathError(
          .invalidType,
          "\(name)() expected argument \(i + 1) to be \(accepted.map(\.description).joined(separator: " or ")), "
            + "but received \(argument.typeDescription)")
      }
    }
    return try body(arguments, interpreter)
  }
}

/// The functions an expression may call, by name: the one place where a function is declared.
public struct FunctionTable: Sendable {
  var definitions: [String: FunctionDefinition]

  init(_ definitions: [FunctionDefinition]) {
    self.definitions = Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
  }

  subscript(name: String) -> FunctionDefinition? { definitions[name] }

  public var names: [String] { definitions.keys.sorted() }

  /// The 26 functions of the JMESPath specification.
  public static let builtin = FunctionTable(builtinFunctions)

  /// The closest known name, for "did you mean" hints.
  func nearestName(to name: String) -> String? {
    let scored = names.map { ($0, editDistance($0, name)) }.min { $0.1 < $1.1 }
    guard let (best, distance) = scored, distance <= max(2, name.count / 3) else { return nil }
    return best
  }
}

/// Levenshtein distance over Unicode scalars, for "did you mean" suggestions.
public func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a.unicodeScalars)
  let b = Array(b.unicodeScalars)
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous = Array(0...b.count)
  for i in 1...a.count {
    var row = [i] + Array(repeating: 0, count: b.count)
    for j in 1...b.count {
      row[j] = min(
        previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    previous = row
  }
  return previous[b.count]
}
