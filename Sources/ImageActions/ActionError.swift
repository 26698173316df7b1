/// Why an action could not start or did not go on. Every case names what was wrong, and
/// nothing was changed by the step that threw it.
public enum ActionError: Error, CustomStringConvertible, Equatable {
  case badTarget(String, why: String)
  case badElement(index: Int, element: String, why: String)
  case noRepository(String)
  /// An audit entry that cannot be put back, and why.
  case cannotRestore(String)
  /// A backup directory that cannot be used.
  case badBackup(String, why: String)
  /// The caller's confirmation said no.
  case cancelled
  /// What the caller asked for selects nothing to act on.
  case nothingToDo(String)

  public var description: String {
    switch self {
    case .badTarget(let text, let why): "'\(text)': \(why)"
    case .badElement(let index, let element, let why):
      "element \(index) of the input (\(element.count > 120 ? element.prefix(120) + "…" : element[...])) cannot be acted on: \(why); nothing was done"
    case .noRepository(let text):
      "\(text) does not say which repository: pass --repository, list a single repository first, or give repo@digest"
    case .cannotRestore(let message): message
    case .badBackup(let directory, let why): "the backup directory \(directory): \(why)"
    case .cancelled: "Operation cancelled."
    case .nothingToDo(let what): what
    }
  }
}
