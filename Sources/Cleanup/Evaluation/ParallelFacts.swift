import Foundation
import MetadataCache

/// A plan over most of a registry, read and evaluated on every core: the repositories are
/// split into contiguous runs, each run's facts are read in one pass of its own (WAL lets
/// connections read at once) and evaluated on the thread that read them. Building and
/// freeing a million rows' objects is what such a plan spends its time on; a second scan
/// of the tables costs far less than that.
enum ParallelFacts {
  /// How many runs: one per core, at most four (each run scans the tables once).
  static var defaultChunks: Int {
    max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
  }

  /// `evaluate` over the facts of each of `repositories` (read in bulk), in their order,
  /// each run appending to a list of its own; the lists joined in order. A repository the
  /// cache no longer holds is left out. An error is the first run's, in order.
  /// `capacity` says how many results a run's facts make at most: its list is made that
  /// large at once, not grown by copying (and touching fresh pages) as it fills. Without
  /// `freesFacts`, the facts are kept until the process exits (see `BackgroundRelease.keep`).
  static func map<T: Sendable>(
    store: MetadataStore, registryId: Int64, repositories: [String], manifests: Bool,
    tags: Bool, manifestTags: Bool = true, configCreated: Bool = true,
    chunks: Int = defaultChunks, placeholder: T? = nil,
    capacity: (@Sendable ([String: RepositoryFacts]) -> Int)? = nil, freesFacts: Bool = true,
    _ evaluate: @escaping @Sendable (RepositoryFacts, inout [T]) -> Void
  ) throws -> [T] {
    let count = max(1, min(chunks, repositories.count))
    let bounds = (0...count).map { $0 * repositories.count / count }
    let results = Results<[T]>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { run in
      let names = repositories[bounds[run]..<bounds[run + 1]]
      do {
        let all = try store.retentionFacts(
          registryId: registryId, repositories: Set(names), manifests: manifests, tags: tags,
          manifestTags: manifestTags, configCreated: configCreated)
        var out: [T] = []
        if let capacity { out.reserveCapacity(capacity(all)) }
        for name in names {
          if let facts = all[name] { evaluate(facts, &out) }
        }
        results.set(run, .success(out))
        if freesFacts { BackgroundRelease.release(all) } else { BackgroundRelease.keep(all) }
      } catch {
        results.set(run, .failure(error))
      }
    }
    var runs = try results.take().map { try $0.get() }
    if let placeholder { return joined(&runs, leaving: placeholder) }
    // The first run's list is the result's start (moved, not copied).
    var out = runs.isEmpty ? [] : runs.removeFirst()
    out.reserveCapacity(runs.reduce(out.count) { $0 + $1.count })
    for run in runs { out += run }
    BackgroundRelease.release(runs)
    return out
  }

  /// The runs' lists joined by moving their elements, not copying them: a copy retains
  /// every string of half a million decisions, and freeing the runs releases them again.
  /// Each moved-from slot is left holding `placeholder` (one that holds no object), so the
  /// runs are freed as the lists of placeholders they now are.
  static func joined<T>(_ runs: inout [[T]], leaving placeholder: T) -> [T] {
    let total = runs.reduce(0) { $0 + $1.count }
    return [T](unsafeUninitializedCapacity: total) { buffer, count in
      for r in runs.indices {
        runs[r].withUnsafeMutableBufferPointer { source in
          guard let from = source.baseAddress, let to = buffer.baseAddress else { return }
          (to + count).moveInitialize(from: from, count: source.count)
          from.initialize(repeating: placeholder, count: source.count)
          count += source.count
        }
      }
    }
  }

  final class Results<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<T, any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<T, any Error>) {
      lock.lock()
      slots[index] = result
      lock.unlock()
    }

    func take() -> [Result<T, any Error>] {
      lock.lock()
      defer { lock.unlock() }
      let taken = slots.map { $0! }
      slots = []
      return taken
    }
  }
}

/// Large values (a million facts, a plan) freed on a background thread: freeing them is
/// work the answer does not wait for, and a one-shot run exits before it is needed.
public enum BackgroundRelease {
  final class Box<T>: @unchecked Sendable {
    var value: T?
    init(_ value: T) { self.value = value }
  }

  public static func release<T>(_ value: consuming T) {
    let box = Box(value)
    DispatchQueue.global(qos: .utility).async { box.value = nil }
  }

  /// Large values kept until the process exits: a run that exits right after its answer
  /// would otherwise spend CPU freeing them (on the other core, beside the work it waits
  /// for), and the system takes the memory back at exit at no cost.
  public static func keep<T>(_ value: consuming T) {
    _ = Unmanaged.passRetained(Box(value))
  }
}
