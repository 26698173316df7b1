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
///
/// A host adds its own functions with the public initializer (like jmespath.py's custom
/// functions) and hands them to `Expression(_:options:functions:)`; the engine knows
/// nothing else about them.
public final class FunctionDefinition: Sendable {
  public let name: String
  /// Each parameter accepts any of its listed types.
  public let parameters: [[ParameterType]]
  /// How many of the last parameters may be left out, as in `split(s, sep[, count])`.
  public let optional: Int
  /// The last parameter may repeat (at least once), as in `merge` and `not_null`.
  public let variadic: Bool
  /// The result depends on the arguments alone, never on the current node: a call whose
  /// arguments are all literals is evaluated once, when the expression is compiled.
  public let isPure: Bool
  /// Registered by the host rather than built in; its errors carry the call's position.
  let isHostFunction: Bool
  /// One line for `help functions`: what it does, with an example.
  public let summary: String
  let body:
    @Sendable (_ arguments: [FunctionArgument], _ interpreter: Interpreter) throws(JMESPathError) ->
      JSON

  init(
    _ name: String, _ parameters: [[ParameterType]], optional: Int = 0, variadic: Bool = false,
    summary: String = "",
    body:
      @escaping @Sendable (_ arguments: [FunctionArgument], _ interpreter: Interpreter)
      throws(JMESPathError) -> JSON
  ) {
    self.name = name
    self.parameters = parameters
    self.optional = optional
    self.variadic = variadic
    self.isPure = false
    self.isHostFunction = false
    self.summary = summary.isEmpty ? FunctionSummaries.builtin[name] ?? "" : summary
    self.body = body
  }

  /// A host function. `body` receives the argument values, already checked against
  /// `parameters` (an expression reference cannot be a host function's parameter), and
  /// reports bad values with a `JMESPathError` (`invalid-value`, usually).
  public init(
    name: String, parameters: [[ParameterType]], optional: Int = 0, variadic: Bool = false,
    pure: Bool = false, summary: String = "",
    body: @escaping @Sendable (_ arguments: [JSON]) throws(JMESPathError) -> JSON
  ) {
    self.name = name
    self.parameters = parameters
    self.optional = optional
    self.variadic = variadic
    self.isPure = pure
    self.isHostFunction = true
    self.summary = summary
    self.body = { arguments, _ throws(JMESPathError) in
      try body(
        arguments.map { argument in
          if case .value(let v) = argument { return v }
          return .null
        })
    }
  }

  /// The signature as the documentation writes it, e.g. `max_by(array, expref)`,
  /// `split(string, string[, number])`.
  public var signature: String {
    let list = parameters.map { $0.map(\.description).joined(separator: "|") }
    let required = list.dropLast(optional).joined(separator: ", ")
    var text = required
    for extra in list.suffix(optional) { text += text.isEmpty ? "[\(extra)" : "[, \(extra)" }
    text += String(repeating: "]", count: optional)
    return "\(name)(\(text)\(variadic ? ", ..." : ""))"
  }

  func checkArity(_ count: Int) throws(JMESPathError) {
    let minimum = parameters.count - optional
    let ok = variadic ? count >= parameters.count : (minimum...parameters.count).contains(count)
    guard !ok else { return }
    let expected =
      variadic
      ? "at least \(parameters.count)"
      : optional > 0 ? "\(minimum) to \(parameters.count)" : "\(parameters.count)"
    let noun = parameters.count == 1 && !variadic && optional == 0 ? "argument" : "arguments"
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

  public init(_ definitions: [FunctionDefinition]) {
    self.definitions = Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
  }

  public subscript(name: String) -> FunctionDefinition? { definitions[name] }

  public var names: [String] { definitions.keys.sorted() }

  /// Every function, by name.
  public var all: [FunctionDefinition] { names.compactMap { definitions[$0] } }

  /// The 26 functions of the JMESPath specification.
  public static let builtin = FunctionTable(builtinFunctions)

  /// The specification's functions and JMESPath Community's (`items`, `split`, …).
  public static let community = FunctionTable(builtinFunctions + communityFunctions)

  /// What an expression in `dialect` may call: the host's functions beside the dialect's
  /// own, none of them in the strict dialect. A host function never replaces a built-in one.
  public static func forDialect(_ dialect: Dialect, adding host: [FunctionDefinition] = [])
    -> FunctionTable
  {
    guard dialect.hasExtensions else { return .builtin }
    guard !host.isEmpty else { return .community }
    var table = community
    for function in host where table.definitions[function.name] == nil {
      table.definitions[function.name] = function
    }
    return table
  }

  /// The closest known name, for "did you mean" hints.
  func nearestName(to name: String) -> String? { JMESPath.nearestName(to: name, among: names) }
}

/// The candidate closest to `name`, when it is close enough to be what was meant: the one
/// rule for every "did you mean" regsh says (functions here, commands in the shell).
public func nearestName(to name: String, among candidates: some Sequence<String>) -> String? {
  let scored = candidates.map { ($0, editDistance($0, name)) }.min { $0.1 < $1.1 }
  guard let (best, distance) = scored, distance <= max(2, name.count / 3) else { return nil }
  return best
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
