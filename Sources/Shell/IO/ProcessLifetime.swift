/// Values that live until the process exits.
///
/// A one-shot command that has printed its answer has no use for freeing a large document
/// node by node: exit returns all of its memory at once, and faster.
enum ProcessLifetime {
  final class Box<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
  }

  static func keep<T>(_ value: T) {
    _ = Unmanaged.passRetained(Box(value))
  }
}
