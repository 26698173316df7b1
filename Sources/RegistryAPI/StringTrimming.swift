/// Trimming without Foundation: `trimmingCharacters(in:)` bridges through NSString, which
/// showed in profiles of a sync, where header values are trimmed once per request.
extension StringProtocol {
  /// Without leading and trailing `characters`.
  func trimming(_ characters: String) -> Substring {
    var slice = self[...]
    while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
    while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
    return Substring(slice)
  }

  /// Without leading and trailing spaces and tabs.
  var trimmingSpaces: Substring { trimming(" \t") }
}
