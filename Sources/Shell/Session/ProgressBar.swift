import Foundation
import MetadataCache

/// A one-line progress bar on standard error, shown only when it is a terminal.
enum ProgressBar {
  static func show(_ progress: SyncProgress) {
    let elapsed = max(Date().timeIntervalSince(progress.startedAt), 0.001)
    let rate = Double(progress.manifestsDone) / elapsed
    let remaining = progress.repositoriesTotal - progress.repositoriesDone
    let perRepository = elapsed / Double(max(progress.repositoriesDone, 1))
    let eta = Int(Double(remaining) * perRepository)
    let width = 24
    let filled =
      progress.repositoriesTotal == 0
      ? width : width * progress.repositoriesDone / progress.repositoriesTotal
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    let line = String(
      format: "\r[%@] repositories %d/%d  manifests %d  %.0f/s  %ds left ", bar,
      progress.repositoriesDone,
      progress.repositoriesTotal, progress.manifestsDone, rate, eta)
    ByteIO.write(line, to: ByteIO.standardError)
  }

  static func finish() {
    ByteIO.write("\r\u{1B}[K", to: ByteIO.standardError)
  }
}

extension ProgressBar {
  /// `deleting [####----] 120/400  35/s  8s left`.
  static func show(verb: String, done: Int, total: Int, startedAt: Date) {
    let elapsed = max(Date().timeIntervalSince(startedAt), 0.001)
    let rate = Double(done) / elapsed
    let eta = rate > 0 ? Int(Double(total - done) / rate) : 0
    let width = 24
    let filled = total == 0 ? width : width * done / total
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    let line = String(
      format: "\r%@ [%@] %d/%d  %.0f/s  %ds left ", verb, bar, done, total, rate, eta)
    ByteIO.write(line, to: ByteIO.standardError)
  }
}
