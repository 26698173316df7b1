/// The SGR colours of `jsonc` and `yamlc`, the ones az's pygments TerminalFormatter uses
/// where it has one (keys bright blue, strings yellow, numbers blue); true/false/null get
/// cyan so that they stand apart from numbers.
enum ANSIColor: String {
  case key = "\u{1B}[94m"
  case string = "\u{1B}[33m"
  case number = "\u{1B}[34m"
  case literal = "\u{1B}[36m"

  static let reset = "\u{1B}[0m"

  /// `text` in this colour. `text` must already be terminal-safe.
  func paint(_ text: String) -> String { rawValue + text + Self.reset }
}
