#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reading whole inputs and writing outputs with plain system calls: a query over a
/// 200 MB document should spend its time in the parser, not in buffer copies.
public enum ByteIO {
  public struct ReadError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot read \(path): \(reason)" }
  }

  /// The whole contents of a file, or of standard input when `path` is nil.
  public static func readAll(path: String?) throws(ReadError) -> [UInt8] {
    let name = path ?? "standard input"
    let fd: Int32
    if let path {
      fd = open(path, O_RDONLY)
      guard fd >= 0 else { throw ReadError(path: name, reason: String(cString: strerror(errno))) }
    } else {
      fd = STDIN_FILENO
    }
    defer { if path != nil { close(fd) } }
    var info = stat()
    var capacity = 1 << 16
    if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
      capacity = max(Int(info.st_size) + 1, 1)  // one read, and one more to see the end
    } else if (info.st_mode & S_IFMT) == S_IFDIR {
      throw ReadError(path: name, reason: "is a directory")
    }
    var buffer = [UInt8](repeating: 0, count: capacity)
    var count = 0
    while true {
      if count == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
      let n = buffer.withUnsafeMutableBytes { raw in
        read(fd, raw.baseAddress! + count, raw.count - count)
      }
      if n < 0 {
        if errno == EINTR { continue }
        throw ReadError(path: name, reason: String(cString: strerror(errno)))
      }
      if n == 0 { break }
      count += n
    }
    buffer.removeSubrange(count...)
    return buffer
  }

  /// Calls `body` with the whole contents of a file (mapped into memory, not copied) or of
  /// standard input (read) when `path` is nil or names something that cannot be mapped.
  public static func withContents<R>(
    of path: String?, _ body: (UnsafeBufferPointer<UInt8>) throws -> R
  ) throws -> R {
    if let path {
      let fd = open(path, O_RDONLY)
      guard fd >= 0 else { throw ReadError(path: path, reason: String(cString: strerror(errno))) }
      defer { close(fd) }
      var info = stat()
      if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 {
        let size = Int(info.st_size)
        if let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED {
          defer { munmap(mapped, size) }
          _ = madvise(mapped, size, MADV_SEQUENTIAL)
          return try body(
            UnsafeBufferPointer(start: mapped.assumingMemoryBound(to: UInt8.self), count: size))
        }
      }
    }
    let bytes = try readAll(path: path)
    return try bytes.withUnsafeBufferPointer { try body($0) }
  }

  /// Writes all bytes to a file descriptor (standard output by default).
  public static func write(_ bytes: [UInt8], to fd: Int32 = STDOUT_FILENO) {
    bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          return
        }
        offset += n
      }
    }
  }

  public static func write(_ text: String, to fd: Int32 = STDOUT_FILENO) {
    write(Array(text.utf8), to: fd)
  }

  public static var standardError: Int32 { STDERR_FILENO }
}
