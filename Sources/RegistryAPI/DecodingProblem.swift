import Foundation

/// What is wrong with a JSON body, in words a registry operator understands: `missing field
/// "config"`, `field "layers[2].size" is not a number`, `not JSON at byte 0`. Swift's own
/// `DecodingError` text (`DecodingError.dataCorrupted(Context(codingPath: …`) names internal
/// types and never reaches the user.
public enum DecodingProblem {
  /// The reason `error` gives for `data` not decoding.
  public static func describe(_ error: any Error, in data: Data) -> String {
    guard let decoding = error as? DecodingError else {
      if let registry = error as? RegistryError { return registry.description }
      return "it does not decode"
    }
    switch decoding {
    case .keyNotFound(let key, let context):
      return "missing field \"\(path(context.codingPath + [key]))\""
    case .valueNotFound(let type, let context):
      return context.codingPath.isEmpty
        ? "the body is null" : "field \"\(path(context.codingPath))\" is null, not \(name(type))"
    case .typeMismatch(let type, let context):
      return context.codingPath.isEmpty
        ? "the body is JSON but not \(name(type))"
        : "field \"\(path(context.codingPath))\" is not \(name(type))"
    case .dataCorrupted(let context):
      if context.codingPath.isEmpty { return notJSON(data) }
      // A value of the right type that the model refuses (a malformed digest, a bad date).
      let detail = (context.underlyingError as? RegistryError)?.description
      return "field \"\(path(context.codingPath))\" is invalid"
        + (detail.map { ": \($0)" } ?? "")
    @unknown default:
      return "it does not decode"
    }
  }

  /// `not JSON at byte N`: where the body stops being JSON, found by JSONSerialization.
  static func notJSON(_ data: Data) -> String {
    if data.isEmpty { return "the body is empty, not JSON" }
    if String(validating: data, as: UTF8.self) == nil {
      let valid = data.prefix { $0 < 0x80 }.count
      return "not UTF-8 at byte \(valid), so not JSON"
    }
    let start = data.firstIndex { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } ?? data.startIndex
    let first = data[start]
    // `{`, `[`, `"`, a digit, `-`, `t`, `f`, `n` can begin JSON; anything else fails at once.
    let opens: Set<UInt8> = Set(Array("{[\"-0123456789tfn".utf8))
    guard opens.contains(first) else { return "not JSON at byte \(start - data.startIndex)" }
    if let offset = offsetOfError(data) { return "not JSON at byte \(offset)" }
    return "not JSON"
  }

  /// The byte where JSONSerialization stopped, from its "line L, column C" or "character N".
  private static func offsetOfError(_ data: Data) -> Int? {
    do {
      _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
      return nil
    } catch {
      let text = "\((error as NSError).userInfo)"
      if let character = number(after: "character ", in: text) { return character }
      guard let line = number(after: "line ", in: text),
        let column = number(after: "column ", in: text)
      else { return nil }
      var offset = 0
      var currentLine = 1
      for byte in data {
        if currentLine == line { break }
        offset += 1
        if byte == 0x0A { currentLine += 1 }
      }
      return offset + max(0, column - 1)
    }
  }

  private static func number(after marker: String, in text: String) -> Int? {
    guard let range = text.range(of: marker) else { return nil }
    return Int(text[range.upperBound...].prefix { $0.isNumber })
  }

  /// `layers[2].size`, as a person writes a JSON path.
  static func path(_ keys: [any CodingKey]) -> String {
    var out = ""
    for key in keys {
      if let index = key.intValue {
        out += "[\(index)]"
      } else {
        out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
      }
    }
    return out
  }

  private static func name(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: "a string"
    case is Int.Type, is Int64.Type, is Double.Type, is UInt64.Type: "a number"
    case is Bool.Type: "true or false"
    case is [Any].Type: "a list"
    default:
      String(describing: type).hasPrefix("Array") ? "a list" : "an object"
    }
  }
}
