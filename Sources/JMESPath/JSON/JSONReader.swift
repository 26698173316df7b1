/// Reads JSON text (RFC 8259) into `JSON` values.
///
/// Hand-written over raw bytes because it is the hot path of every query over a large
/// file. Nesting is limited (`maximumDepth`) so a hostile document cannot overflow the
/// stack; invalid UTF-8, lone surrogates and trailing garbage are errors, not repairs.
public struct JSONReader {
  /// Deeper documents are rejected: registry metadata is never more than a few levels deep.
  public static let maximumDepth = 512

  /// Parses a whole document; only whitespace may follow the value.
  public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSON {
    var parser = Parser(bytes: bytes)
    parser.skipWhitespace()
    let value = try parser.parseValue(depth: 0)
    parser.skipWhitespace()
    if parser.index < bytes.count {
      throw parser.error("unexpected \(parser.describeByte(parser.index)) after the JSON value")
    }
    return value
  }

  public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSON {
    try bytes.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) in try parse(buffer) }
  }

  public static func parse(_ text: String) throws(JSONSyntaxError) -> JSON {
    try parse(Array(text.utf8))
  }
}

extension JSONReader {
  struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// Scratch stacks shared by every nesting level, so building a container does not
    /// allocate a temporary array per container.
    let valueStack = ValueStack()
    var keyStack: [String] = []
    var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>) {
      self.bytes = bytes
      keyStack.reserveCapacity(64)
    }

    func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
      let offset = min(offset ?? index, bytes.count)
      var line = 1
      var lineStart = 0
      for i in 0..<offset where bytes[i] == UInt8(ascii: "\n") {
        line += 1
        lineStart = i + 1
      }
      return JSONSyntaxError(
        message: message, line: line, column: offset - lineStart + 1, offset: offset)
    }

    func describeByte(_ i: Int) -> String {
      guard i < bytes.count else { return "end of input" }
      let b = bytes[i]
      if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
      return "byte 0x\(String(b, radix: 16, uppercase: true))"
    }

    @inline(__always)
    mutating func skipWhitespace() {
      while index < bytes.count {
        switch bytes[index] {
        case 0x20, 0x0A, 0x0D, 0x09: index += 1
        default: return
        }
      }
    }

    mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSON {
      guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
      switch bytes[index] {
      case UInt8(ascii: "\""): return .string(try parseString())
      case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
      case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
      case UInt8(ascii: "t"):
        try expectWord("true")
        return .bool(true)
      case UInt8(ascii: "f"):
        try expectWord("false")
        return .bool(false)
      case UInt8(ascii: "n"):
        try expectWord("null")
        return .null
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
      default: throw error("unexpected \(describeByte(index)), expected a value")
      }
    }

    mutating func expectWord(_ word: StaticString) throws(JSONSyntaxError) {
      let start = index
      let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
      for b in w {
        guard index < bytes.count, bytes[index] == b else {
          throw error("invalid literal, expected '\(word)'", at: start)
        }
        index += 1
      }
    }

    mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSON {
      if depth > JSONReader.maximumDepth {
        throw error("document nested deeper than \(JSONReader.maximumDepth) levels")
      }
      index += 1  // [
      skipWhitespace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array([])
      }
      let base = valueStack.count
      while true {
        skipWhitespace()
        valueStack.push(try parseValue(depth: depth))
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input inside an array") }
        let b = bytes[index]
        index += 1
        if b == UInt8(ascii: ",") { continue }
        if b == UInt8(ascii: "]") { break }
        throw error(
          "expected ',' or ']' in an array, found \(describeByte(index - 1))", at: index - 1)
      }
      return .array(valueStack.popArray(from: base))
    }

    mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSON {
      if depth > JSONReader.maximumDepth {
        throw error("document nested deeper than \(JSONReader.maximumDepth) levels")
      }
      index += 1  // {
      skipWhitespace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object([:])
      }
      let base = valueStack.count
      let keyBase = keyStack.count
      while true {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
          throw error("expected a string key in an object, found \(describeByte(index))")
        }
        keyStack.append(try parseString())
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
          throw error("expected ':' after an object key, found \(describeByte(index))")
        }
        index += 1
        skipWhitespace()
        valueStack.push(try parseValue(depth: depth))
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input inside an object") }
        let b = bytes[index]
        index += 1
        if b == UInt8(ascii: ",") { continue }
        if b == UInt8(ascii: "}") { break }
        throw error(
          "expected ',' or '}' in an object, found \(describeByte(index - 1))", at: index - 1)
      }
      // Through a buffer pointer: a live ArraySlice of the key stack would make the
      // removeSubrange below copy the whole stack, which is quadratic on large documents.
      let object = keyStack.withUnsafeBufferPointer { allKeys in
        makeObject(keys: UnsafeBufferPointer(rebasing: allKeys[keyBase...]), valuesFrom: base)
      }
      keyStack.removeSubrange(keyBase...)
      return .object(object)
    }

    /// Objects of one document mostly repeat a few key sets (every manifest has the same
    /// keys). Copying a template made for that key set shares its key storage, so each
    /// object allocates only its values.
    var templates: [JSONObject] = []

    mutating func makeObject(keys: UnsafeBufferPointer<String>, valuesFrom base: Int) -> JSONObject
    {
      guard keys.count <= 16 else { return uniquedObject(keys: keys, valuesFrom: base) }
      var found = -1
      // String == is Swift's canonical equivalence, the same rule OrderedDictionary keys use.
      for (t, template) in templates.enumerated() where template.count == keys.count {
        if template.keys.elementsEqual(keys) {
          found = t
          break
        }
      }
      if found < 0 {
        guard Self.keysAreUnique(keys) else { return uniquedObject(keys: keys, valuesFrom: base) }
        if templates.count == 32 { templates.removeFirst() }
        templates.append(
          JSONObject(uncheckedUniqueKeys: keys, values: repeatElement(JSON.null, count: keys.count))
        )
        found = templates.count - 1
      }
      var object = templates[found]
      object.values.withUnsafeMutableBufferPointer { target in
        valueStack.moveValues(from: base, into: target)
      }
      return object
    }

    func uniquedObject(keys: UnsafeBufferPointer<String>, valuesFrom base: Int) -> JSONObject {
      let values = valueStack.values(from: base)
      let object: JSONObject
      if Self.keysAreUnique(keys) {
        object = JSONObject(uncheckedUniqueKeys: keys, values: values)
      } else {
        // A repeated key keeps its first position and its last value, as Python's json does.
        object = JSONObject(zip(keys, values), uniquingKeysWith: { _, last in last })
      }
      valueStack.drop(from: base)
      return object
    }

    @inline(__always)
    static func hasSpecialByte(_ word: UInt64) -> Bool {
      let ones: UInt64 = 0x0101_0101_0101_0101
      let highs: UInt64 = 0x8080_8080_8080_8080
      func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
      let control = (word &- ones &* 0x20) & ~word & highs
      return control != 0 || word & highs != 0 || hasZeroByte(word ^ (ones &* 0x22))
        || hasZeroByte(word ^ (ones &* 0x5C))
    }

    static func keysAreUnique(_ keys: UnsafeBufferPointer<String>) -> Bool {
      if keys.count <= 12 {
        var i = 0
        while i < keys.count {
          var j = i + 1
          while j < keys.count {
            if keys[i] == keys[j] { return false }
            j += 1
          }
          i += 1
        }
        return true
      }
      return Set(keys).count == keys.count
    }

    mutating func parseString() throws(JSONSyntaxError) -> String {
      let start = index
      index += 1  // opening quote
      var ascii = true
      // Eight bytes at a time while none is a quote, a backslash, a control character or
      // non-ASCII: registry strings (digests, timestamps) are long and plain.
      let raw = UnsafeRawPointer(bytes.baseAddress!)
      while index + 8 <= bytes.count {
        let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
        if Self.hasSpecialByte(word) { break }
        index += 8
      }
      while index < bytes.count {
        let b = bytes[index]
        if b == UInt8(ascii: "\"") {
          let content = UnsafeBufferPointer(rebasing: bytes[(start + 1)..<index])
          index += 1
          if ascii { return String(decoding: content, as: UTF8.self) }
          guard let s = String(validating: content, as: UTF8.self) else {
            throw error("invalid UTF-8 in a string", at: start)
          }
          return s
        }
        if b == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
        if b < 0x20 { throw error("unescaped control character in a string") }
        if b >= 0x80 { ascii = false }
        index += 1
      }
      throw error("unterminated string", at: start)
    }

    /// The slow path: a string with escapes is decoded into scratch bytes.
    mutating func parseEscapedString(from start: Int) throws(JSONSyntaxError) -> String {
      scratch.removeAll(keepingCapacity: true)
      scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(start + 1)..<index]))
      while index < bytes.count {
        let b = bytes[index]
        if b == UInt8(ascii: "\"") {
          index += 1
          guard let s = String(validating: scratch, as: UTF8.self) else {
            throw error("invalid UTF-8 in a string", at: start)
          }
          return s
        }
        if b < 0x20 { throw error("unescaped control character in a string") }
        if b != UInt8(ascii: "\\") {
          scratch.append(b)
          index += 1
          continue
        }
        index += 1
        guard index < bytes.count else { break }
        let e = bytes[index]
        index += 1
        switch e {
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "/"): scratch.append(0x2F)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
          var scalar = try parseHex4()
          if (0xD800...0xDBFF).contains(scalar) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
              bytes[index + 1] == UInt8(ascii: "u")
            else { throw error("lone surrogate \\u\(String(scalar, radix: 16)) in a string") }
            index += 2
            let low = try parseHex4()
            guard (0xDC00...0xDFFF).contains(low) else {
              throw error("invalid surrogate pair in a string")
            }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          } else if (0xDC00...0xDFFF).contains(scalar) {
            throw error("lone surrogate \\u\(String(scalar, radix: 16)) in a string")
          }
          for unit in UTF8.encode(Unicode.Scalar(scalar)!)! { scratch.append(unit) }
        default:
          throw error(
            "invalid escape '\\\(Character(Unicode.Scalar(e)))' in a string", at: index - 2)
        }
      }
      throw error("unterminated string", at: start)
    }

    mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
      guard index + 4 <= bytes.count else { throw error("incomplete \\u escape") }
      var v: UInt32 = 0
      for _ in 0..<4 {
        let b = bytes[index]
        let d: UInt8
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
        default: throw error("invalid hex digit in a \\u escape")
        }
        v = v << 4 | UInt32(d)
        index += 1
      }
      return v
    }

    mutating func parseNumber() throws(JSONSyntaxError) -> JSON {
      let start = index
      var negative = false
      if bytes[index] == UInt8(ascii: "-") {
        negative = true
        index += 1
      }
      let digitsStart = index
      var integer: UInt64 = 0
      var overflow = false
      while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
        let (m, o1) = integer.multipliedReportingOverflow(by: 10)
        let (a, o2) = m.addingReportingOverflow(UInt64(bytes[index] &- UInt8(ascii: "0")))
        integer = a
        overflow = overflow || o1 || o2
        index += 1
      }
      let digitCount = index - digitsStart
      if digitCount == 0 { throw error("invalid number: expected a digit", at: index) }
      if digitCount > 1, bytes[digitsStart] == UInt8(ascii: "0") {
        throw error("invalid number: leading zero", at: digitsStart)
      }
      var isInteger = true
      if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
        isInteger = false
        index += 1
        let fractionStart = index
        while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
        if index == fractionStart { throw error("invalid number: expected a digit after '.'") }
      }
      if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
        isInteger = false
        index += 1
        if index < bytes.count,
          bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")
        {
          index += 1
        }
        let exponentStart = index
        while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
        if index == exponentStart {
          throw error("invalid number: expected a digit in the exponent")
        }
      }
      if isInteger, !overflow {
        if !negative, integer <= UInt64(Int.max) { return .int(Int(integer)) }
        if negative, integer <= UInt64(Int.max) + 1 {
          return .int(Int(truncatingIfNeeded: 0 &- integer))
        }
      }
      let text = String(
        decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
      guard let d = Double(text), d.isFinite else {
        throw error("number out of range", at: start)
      }
      return .double(d)
    }
  }
}
