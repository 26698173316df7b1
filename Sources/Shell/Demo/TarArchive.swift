import Foundation

/// A minimal ustar writer for the demo's image layers: directories and regular files, owned
/// by root, with one fixed modification time, so the same files always give the same bytes
/// (and the same layer digest).
struct TarArchive {
  /// One member of the archive; a path ending in "/" is a directory.
  struct Entry {
    var path: String
    var contents: Data = Data()
    var mode: Int

    static func directory(_ path: String) -> Entry {
      Entry(path: path.hasSuffix("/") ? path : path + "/", mode: 0o755)
    }

    static func file(_ path: String, _ text: String, mode: Int = 0o644) -> Entry {
      Entry(path: path, contents: Data(text.utf8), mode: mode)
    }
  }

  var entries: [Entry]
  /// Seconds since 1970 for every member.
  var modificationTime: Int

  static let blockSize = 512

  /// The archive's bytes: a header and padded contents per member, then two zero blocks.
  /// Paths longer than ustar's 100 bytes are not needed by the demo and are refused.
  func bytes() throws -> Data {
    var archive = Data()
    for entry in entries {
      archive += try header(for: entry)
      archive += entry.contents
      archive += Data(count: Self.padding(entry.contents.count))
    }
    archive += Data(count: 2 * Self.blockSize)
    return archive
  }

  private func header(for entry: Entry) throws -> Data {
    let isDirectory = entry.path.hasSuffix("/")
    guard entry.path.utf8.count <= 100 else {
      throw ShellError.failed("demo: the layer path \(entry.path) is too long for ustar")
    }
    var block = [UInt8](repeating: 0, count: Self.blockSize)
    func put(_ text: String, at offset: Int) {
      for (i, byte) in text.utf8.enumerated() { block[offset + i] = byte }
    }
    func octal(_ value: Int, width: Int) -> String {
      let digits = String(value, radix: 8)
      return String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
    }
    put(entry.path, at: 0)
    put(octal(entry.mode, width: 8), at: 100)
    put(octal(0, width: 8), at: 108)  // uid
    put(octal(0, width: 8), at: 116)  // gid
    put(octal(isDirectory ? 0 : entry.contents.count, width: 12), at: 124)
    put(octal(modificationTime, width: 12), at: 136)
    put(isDirectory ? "5" : "0", at: 156)
    put("ustar", at: 257)  // ustar\0 then version "00"
    put("00", at: 263)
    put("root", at: 265)
    put("root", at: 297)
    // The checksum is taken with its own field as eight spaces.
    put("        ", at: 148)
    let sum = block.reduce(0) { $0 + Int($1) }
    put(octal(sum, width: 7), at: 148)  // six digits, NUL, space
    block[154] = 0
    block[155] = UInt8(ascii: " ")
    return Data(block)
  }

  private static func padding(_ count: Int) -> Int {
    (blockSize - count % blockSize) % blockSize
  }
}
