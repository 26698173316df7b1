/// The built-in functions of the JMESPath specification, in its order.
let builtinFunctions: [FunctionDefinition] = [
  FunctionDefinition("abs", [[.number]]) { args, _ in
    switch args.value(0) {
    case .int(let i) where i != .min: return .int(Swift.abs(i))
    case let v: return .double(Swift.abs(v.numberValue!))
    }
  },
  FunctionDefinition("avg", [[.arrayOfNumbers]]) { args, _ in
    let numbers = args.value(0).arrayValue!
    guard !numbers.isEmpty else { return .null }
    return .double(numbers.reduce(0.0) { $0 + $1.numberValue! } / Double(numbers.count))
  },
  FunctionDefinition("ceil", [[.number]]) { args, _ in
    rounded(args.value(0), .up)
  },
  FunctionDefinition("contains", [[.array, .string], [.any]]) { args, _ in
    let search = args.value(1)
    switch args.value(0) {
    case .array(let elements): return .bool(elements.contains(search))
    case .string(let subject):
      guard case .string(let needle) = search else { return .bool(false) }
      return .bool(utf8Contains(subject, needle))
    default: return .bool(false)
    }
  },
  FunctionDefinition("ends_with", [[.string], [.string]]) { args, _ in
    let subject = Array(args.value(0).stringValue!.utf8)
    let suffix = Array(args.value(1).stringValue!.utf8)
    return .bool(
      subject.count >= suffix.count
        && subject[(subject.count - suffix.count)...].elementsEqual(suffix))
  },
  FunctionDefinition("floor", [[.number]]) { args, _ in
    rounded(args.value(0), .down)
  },
  FunctionDefinition("join", [[.string], [.arrayOfStrings]]) { args, _ in
    let glue = args.value(0).stringValue!
    return .string(args.value(1).arrayValue!.map { $0.stringValue! }.joined(separator: glue))
  },
  FunctionDefinition("keys", [[.object]]) { args, _ in
    .array(args.value(0).objectValue!.keys.map { .string($0) })
  },
  FunctionDefinition("length", [[.string, .array, .object]]) { args, _ in
    switch args.value(0) {
    case .string(let s): return .int(s.unicodeScalars.count)
    case .array(let a): return .int(a.count)
    case .object(let o): return .int(o.count)
    default: return .null
    }
  },
  FunctionDefinition("map", [[.expressionReference], [.array]]) {
    args, interpreter throws(JMESPathError) in
    let expression = args.expression(0)
    var results: [JSON] = []
    for element in args.value(1).arrayValue! {
      results.append(try interpreter.evaluate(expression, element))
    }
    return .array(results)
  },
  FunctionDefinition("max", [[.arrayOfNumbers, .arrayOfStrings]]) { args, _ in
    args.value(0).arrayValue!.max(by: jmespathLess) ?? .null
  },
  FunctionDefinition("max_by", [[.array], [.expressionReference]]) {
    args, interpreter throws(JMESPathError) in
    let keyed = try sortKeys(args, interpreter, function: "max_by")
    return keyed.max { jmespathLess($0.key, $1.key) }?.element ?? .null
  },
  FunctionDefinition("merge", [[.object]], variadic: true) { args, _ in
    var merged = JSONObject()
    for i in args.indices {
      for (key, value) in args.value(i).objectValue! { merged[key] = value }
    }
    return .object(merged)
  },
  FunctionDefinition("min", [[.arrayOfNumbers, .arrayOfStrings]]) { args, _ in
    args.value(0).arrayValue!.min(by: jmespathLess) ?? .null
  },
  FunctionDefinition("min_by", [[.array], [.expressionReference]]) {
    args, interpreter throws(JMESPathError) in
    let keyed = try sortKeys(args, interpreter, function: "min_by")
    return keyed.min { jmespathLess($0.key, $1.key) }?.element ?? .null
  },
  FunctionDefinition("not_null", [[.any]], variadic: true) { args, _ in
    for i in args.indices where args.value(i) != .null { return args.value(i) }
    return .null
  },
  FunctionDefinition("reverse", [[.string, .array]]) { args, _ in
    switch args.value(0) {
    case .string(let s):
      return .string(String(String.UnicodeScalarView(s.unicodeScalars.reversed())))
    case .array(let a): return .array(a.reversed())
    default: return .null
    }
  },
  FunctionDefinition("sort", [[.arrayOfNumbers, .arrayOfStrings]]) { args, _ in
    .array(stableSorted(args.value(0).arrayValue!, by: jmespathLess))
  },
  FunctionDefinition("sort_by", [[.array], [.expressionReference]]) {
    args, interpreter throws(JMESPathError) in
    let keyed = try sortKeys(args, interpreter, function: "sort_by")
    return .array(stableSorted(keyed) { jmespathLess($0.key, $1.key) }.map(\.element))
  },
  FunctionDefinition("starts_with", [[.string], [.string]]) { args, _ in
    .bool(args.value(0).stringValue!.utf8.starts(with: args.value(1).stringValue!.utf8))
  },
  FunctionDefinition("sum", [[.arrayOfNumbers]]) { args, _ in
    sum(args.value(0).arrayValue!)
  },
  FunctionDefinition("to_array", [[.any]]) { args, _ in
    if case .array = args.value(0) { return args.value(0) }
    return .array([args.value(0)])
  },
  FunctionDefinition("to_number", [[.any]]) { args, _ in
    switch args.value(0) {
    case .int, .double: return args.value(0)
    case .string(let s):
      // Only text that is a JSON number converts; anything else is null, as the spec says.
      guard let first = s.utf8.first,
        first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39),
        let parsed = try? JSONReader.parse(s), parsed.isNumber
      else { return .null }
      return parsed
    default: return .null
    }
  },
  FunctionDefinition("to_string", [[.any]]) { args, _ in
    if case .string = args.value(0) { return args.value(0) }
    // As Python's json.dumps, which both reference engines call: ASCII-only, `2.0` for a float.
    var writer = JSONWriter(style: .compact, asciiOnly: true)
    writer.pythonFloats = true
    return .string(writer.string(args.value(0)))
  },
  FunctionDefinition("type", [[.any]]) { args, _ in
    .string(args.value(0).typeName)
  },
  FunctionDefinition("values", [[.object]]) { args, _ in
    .array(Array(args.value(0).objectValue!.values))
  },
]

extension [FunctionArgument] {
  /// The value of argument `i`; the signature check has already made sure it is one.
  func value(_ i: Int) -> JSON {
    if case .value(let v) = self[i] { return v }
    return .null
  }

  func expression(_ i: Int) -> Node {
    if case .expression(let node) = self[i] { return node }
    return .current
  }
}

private func rounded(_ value: JSON, _ rule: FloatingPointRoundingRule) -> JSON {
  if case .int = value { return value }
  return .number(value.numberValue!.rounded(rule))
}

/// Order for `sort`, `max`, `min` and their `_by` forms: numbers by value, strings by code
/// point. Mixed kinds never reach here; the signature or `sortKeys` rejects them first.
func jmespathLess(_ a: JSON, _ b: JSON) -> Bool {
  switch (a, b) {
  case (.string(let x), .string(let y)): return codePointLess(x, y)
  case (.int(let x), .int(let y)): return x < y
  default: return (a.numberValue ?? 0) < (b.numberValue ?? 0)
  }
}

/// Evaluates the key expression for every element; the keys must be all numbers or all strings.
private func sortKeys(
  _ args: [FunctionArgument], _ interpreter: Interpreter, function: String
) throws(JMESPathError) -> [(key: JSON, element: JSON)] {
  let expression = args.expression(1)
  var keyed: [(key: JSON, element: JSON)] = []
  var kind: String?
  for element in args.value(0).arrayValue! {
    let key = try interpreter.evaluate(expression, element)
    guard key.isNumber || key.stringValue != nil else {
      throw JMESPathError(
        .invalidType,
        "\(function)() expected the expression to return a number or a string, but received \(key.typeName)"
      )
    }
    if let kind, kind != key.typeName {
      throw JMESPathError(
        .invalidType,
        "\(function)() expected the expression to return one type, but received both \(kind) and \(key.typeName)"
      )
    }
    kind = key.typeName
    keyed.append((key, element))
  }
  return keyed
}

/// Swift's `sort` is not guaranteed stable; the specification asks for stable sorting.
func stableSorted<T>(_ elements: [T], by less: (T, T) -> Bool) -> [T] {
  let indexed = elements.enumerated().map { ($0.offset, $0.element) }
  return indexed.sorted { a, b in
    if less(a.1, b.1) { return true }
    if less(b.1, a.1) { return false }
    return a.0 < b.0
  }.map(\.1)
}

/// Integer sums stay integers until they would overflow; then the sum continues in Double.
private func sum(_ numbers: [JSON]) -> JSON {
  var total = 0
  var index = 0
  while index < numbers.count, case .int(let i) = numbers[index] {
    let (next, overflow) = total.addingReportingOverflow(i)
    if overflow { break }
    total = next
    index += 1
  }
  if index == numbers.count { return .int(total) }
  var double = Double(total)
  for number in numbers[index...] { double += number.numberValue! }
  return .double(double)
}

/// Substring search by code points (UTF-8 bytes), not by grapheme clusters.
private func utf8Contains(_ haystack: String, _ needle: String) -> Bool {
  let h = Array(haystack.utf8)
  let n = Array(needle.utf8)
  if n.isEmpty { return true }
  guard h.count >= n.count else { return false }
  for start in 0...(h.count - n.count) where h[start] == n[0] {
    if h[start..<(start + n.count)].elementsEqual(n) { return true }
  }
  return false
}
