import OrderedCollections

/// JMESPath Community's functions (JEP-13 object manipulation, JEP-14 strings, JEP-18
/// grouping). Strings are sequences of code points here, as everywhere in the engine:
/// positions, lengths and padding count Unicode scalars.
let communityFunctions: [FunctionDefinition] = [
  FunctionDefinition("items", [[.object]]) { args, _ in
    .array(args.value(0).objectValue!.map { .array([.string($0.key), $0.value]) })
  },
  FunctionDefinition("from_items", [[.array]]) { args, _ throws(JMESPathError) in
    var object = JSONObject()
    for pair in args.value(0).arrayValue! {
      guard case .array(let parts) = pair, parts.count == 2, case .string(let key) = parts[0]
      else {
        throw JMESPathError(
          .invalidType,
          "from_items() expected [key, value] pairs with a string key, but received \(pair.typeName)"
        )
      }
      object[key] = parts[1]
    }
    return .object(object)
  },
  FunctionDefinition("zip", [[.array]], variadic: true) { args, _ in
    let arrays = args.indices.map { args.value($0).arrayValue! }
    let count = arrays.map(\.count).min() ?? 0
    return .array((0..<count).map { i in .array(arrays.map { $0[i] }) })
  },
  FunctionDefinition("group_by", [[.array], [.expressionReference]]) {
    args, interpreter throws(JMESPathError) in
    let expression = args.expression(1)
    var groups = OrderedGroups()
    for element in args.value(0).arrayValue! {
      guard case .object = element else {
        throw JMESPathError(
          .invalidType, "group_by() expected an array of objects, but it holds \(element.typeName)")
      }
      switch try interpreter.evaluate(expression, element) {
      case .null: continue
      case .string(let key): groups.append(element, to: key)
      case let key:
        throw JMESPathError(
          .invalidType,
          "group_by() expected the expression to return a string or null, but received \(key.typeName)"
        )
      }
    }
    return groups.json
  },
  FunctionDefinition("find_first", [[.string], [.string], [.number], [.number]], optional: 2) {
    args, _ throws(JMESPathError) in
    try find(args, last: false)
  },
  FunctionDefinition("find_last", [[.string], [.string], [.number], [.number]], optional: 2) {
    args, _ throws(JMESPathError) in
    try find(args, last: true)
  },
  FunctionDefinition("lower", [[.string]]) { args, _ in
    .string(args.value(0).stringValue!.lowercased())
  },
  FunctionDefinition("upper", [[.string]]) { args, _ in
    .string(args.value(0).stringValue!.uppercased())
  },
  FunctionDefinition("pad_left", [[.string], [.number], [.string]], optional: 1) {
    args, _ throws(JMESPathError) in
    try pad(args, function: "pad_left", left: true)
  },
  FunctionDefinition("pad_right", [[.string], [.number], [.string]], optional: 1) {
    args, _ throws(JMESPathError) in
    try pad(args, function: "pad_right", left: false)
  },
  FunctionDefinition("replace", [[.string], [.string], [.string], [.number]], optional: 1) {
    args, _ throws(JMESPathError) in
    let subject = Array(args.value(0).stringValue!.unicodeScalars)
    let old = Array(args.value(1).stringValue!.unicodeScalars)
    let new = Array(args.value(2).stringValue!.unicodeScalars)
    var remaining =
      args.count > 3 ? try nonNegativeInteger(args.value(3), "replace", "count") : Int.max
    var out: [Unicode.Scalar] = []
    if old.isEmpty {
      // As Python's str.replace: the replacement goes before every code point and at the end.
      for scalar in subject {
        if remaining > 0 {
          out += new
          remaining -= 1
        }
        out.append(scalar)
      }
      if remaining > 0 { out += new }
      return .string(scalars(out))
    }
    var i = 0
    while i < subject.count {
      if remaining > 0, i + old.count <= subject.count,
        subject[i..<(i + old.count)].elementsEqual(old)
      {
        out += new
        i += old.count
        remaining -= 1
      } else {
        out.append(subject[i])
        i += 1
      }
    }
    return .string(scalars(out))
  },
  FunctionDefinition("split", [[.string], [.string], [.number]], optional: 1) {
    args, _ throws(JMESPathError) in
    let subject = Array(args.value(0).stringValue!.unicodeScalars)
    let separator = Array(args.value(1).stringValue!.unicodeScalars)
    let limit = args.count > 2 ? try nonNegativeInteger(args.value(2), "split", "count") : nil
    if separator.isEmpty {
      let characters = subject.map { JSON.string(String($0)) }
      guard let limit else { return .array(characters) }
      let head = Array(characters.prefix(limit))
      return .array(head + [.string(scalars(Array(subject.dropFirst(limit))))])
    }
    var parts: [JSON] = []
    var start = 0
    var i = 0
    while i + separator.count <= subject.count, parts.count < (limit ?? Int.max) {
      if subject[i..<(i + separator.count)].elementsEqual(separator) {
        parts.append(.string(scalars(Array(subject[start..<i]))))
        i += separator.count
        start = i
      } else {
        i += 1
      }
    }
    parts.append(.string(scalars(Array(subject[start...]))))
    return .array(parts)
  },
  FunctionDefinition("trim", [[.string], [.string]], optional: 1) { args, _ in
    trim(args, leading: true, trailing: true)
  },
  FunctionDefinition("trim_left", [[.string], [.string]], optional: 1) { args, _ in
    trim(args, leading: true, trailing: false)
  },
  FunctionDefinition("trim_right", [[.string], [.string]], optional: 1) { args, _ in
    trim(args, leading: false, trailing: true)
  },
]

/// Groups in the order their keys first appear.
private struct OrderedGroups {
  var members = OrderedDictionary<String, [JSON]>()

  mutating func append(_ element: JSON, to key: String) {
    members[key, default: []].append(element)
  }

  var json: JSON {
    .object(JSONObject(uniqueKeysWithValues: members.map { ($0.key, .array($0.value)) }))
  }
}

private func scalars(_ s: [Unicode.Scalar]) -> String {
  String(String.UnicodeScalarView(s))
}

/// An optional integer argument; a fraction is an `invalid-value`.
private func integer(_ value: JSON, _ function: String, _ name: String) throws(JMESPathError)
  -> Int
{
  switch value {
  case .int(let i): return i
  case .double(let d) where d.rounded() == d && abs(d) < 9e15: return Int(d)
  default:
    throw JMESPathError(
      .invalidValue, "\(function)() expected $\(name) to be an integer, but received \(value)")
  }
}

private func nonNegativeInteger(_ value: JSON, _ function: String, _ name: String)
  throws(JMESPathError) -> Int
{
  let n = try integer(value, function, name)
  guard n >= 0 else {
    throw JMESPathError(
      .invalidValue,
      "\(function)() expected $\(name) to be a non-negative integer, but received \(n)")
  }
  return n
}

/// `find_first` / `find_last`: Python's `text[start:end].find(sub)` (or `rfind`), moved back
/// to a position in the whole text; an empty `sub` is never found.
private func find(_ args: [FunctionArgument], last: Bool) throws(JMESPathError) -> JSON {
  let name = last ? "find_last" : "find_first"
  let text = Array(args.value(0).stringValue!.unicodeScalars)
  let sub = Array(args.value(1).stringValue!.unicodeScalars)
  let start = args.count > 2 ? try integer(args.value(2), name, "start") : 0
  let end = args.count > 3 ? try integer(args.value(3), name, "end") : text.count
  guard !sub.isEmpty else { return .null }
  func clamp(_ i: Int) -> Int { min(max(i < 0 ? i + text.count : i, 0), text.count) }
  let from = clamp(start)
  let to = clamp(end)
  guard to - from >= sub.count else { return .null }
  let candidates = Array(from...(to - sub.count))
  for i in last ? candidates.reversed() : candidates
  where text[i..<(i + sub.count)].elementsEqual(sub) {
    return .int(i)
  }
  return .null
}

let maximumPadWidth = 1 << 20

private func pad(_ args: [FunctionArgument], function: String, left: Bool) throws(JMESPathError)
  -> JSON
{
  let subject = args.value(0).stringValue!
  let width = try nonNegativeInteger(args.value(1), function, "width")
  // A result of millions of characters is a typo, not a query: refuse it rather than
  // exhaust memory.
  guard width <= maximumPadWidth else {
    throw JMESPathError(
      .invalidValue,
      "\(function)() expected $width to be at most \(maximumPadWidth), but received \(width)")
  }
  let padding = args.count > 2 ? args.value(2).stringValue! : " "
  guard padding.unicodeScalars.count == 1 else {
    throw JMESPathError(
      .invalidValue,
      "\(function)() expected $pad to be one character, but received '\(padding)'")
  }
  let missing = width - subject.unicodeScalars.count
  guard missing > 0 else { return .string(subject) }
  let fill = String(repeating: padding, count: missing)
  return .string(left ? fill + subject : subject + fill)
}

/// Without `chars` (or with an empty one), whitespace as Python's `str.strip` sees it.
private func trim(_ args: [FunctionArgument], leading: Bool, trailing: Bool) -> JSON {
  var s = Array(args.value(0).stringValue!.unicodeScalars)
  let chars = args.count > 1 ? Set(args.value(1).stringValue!.unicodeScalars) : []
  func strip(_ c: Unicode.Scalar) -> Bool {
    chars.isEmpty ? c.properties.isWhitespace || (0x1C...0x1F).contains(c.value) : chars.contains(c)
  }
  if leading, let first = s.firstIndex(where: { !strip($0) }) {
    s.removeSubrange(..<first)
  } else if leading {
    s.removeAll()
  }
  if trailing, let last = s.lastIndex(where: { !strip($0) }) {
    s.removeSubrange((last + 1)...)
  } else if trailing {
    s.removeAll()
  }
  return .string(scalars(s))
}
