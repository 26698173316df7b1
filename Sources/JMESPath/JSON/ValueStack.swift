/// The values of the containers being read, shared by every nesting level.
///
/// Elements are moved, not copied, into the finished array or object, so building a
/// container costs no reference-count traffic per element.
final class ValueStack {
  private var storage: UnsafeMutablePointer<JSON>
  private var capacity: Int
  private(set) var count = 0

  init(capacity: Int = 256) {
    self.capacity = capacity
    storage = .allocate(capacity: capacity)
  }

  deinit {
    storage.deinitialize(count: count)
    storage.deallocate()
  }

  @inline(__always)
  func push(_ value: JSON) {
    if count == capacity { grow() }
    (storage + count).initialize(to: value)
    count += 1
  }

  private func grow() {
    let larger = UnsafeMutablePointer<JSON>.allocate(capacity: capacity * 2)
    larger.moveInitialize(from: storage, count: count)
    storage.deallocate()
    storage = larger
    capacity *= 2
  }

  /// The values from `start` to the top, as an array; they leave the stack.
  func popArray(from start: Int) -> [JSON] {
    let n = count - start
    let source = storage + start
    let array = [JSON](unsafeUninitializedCapacity: n) { buffer, initialized in
      buffer.baseAddress!.moveInitialize(from: source, count: n)
      initialized = n
    }
    count = start
    return array
  }

  /// Read access to the values from `start` to the top, which stay on the stack.
  func values(from start: Int) -> UnsafeBufferPointer<JSON> {
    UnsafeBufferPointer(start: storage + start, count: count - start)
  }

  /// Moves the values from `start` to the top into `target`, which holds as many
  /// trivially destructible placeholders (nulls).
  func moveValues(from start: Int, into target: UnsafeMutableBufferPointer<JSON>) {
    target.baseAddress!.moveInitialize(from: storage + start, count: count - start)
    count = start
  }

  /// Drops the values from `start` to the top.
  func drop(from start: Int) {
    (storage + start).deinitialize(count: count - start)
    count = start
  }
}
