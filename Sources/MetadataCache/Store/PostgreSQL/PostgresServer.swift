import Foundation

/// A PostgreSQL database as a `postgresql://user@host:port/database` URL names it. The
/// password is never part of what regsh keeps or prints: it comes from `PGPASSWORD` or
/// `~/.pgpass` (`PGPASSFILE`), as libpq finds it.
public struct PostgresServer: Sendable, Equatable, CustomStringConvertible {
  public var user: String
  public var host: String
  public var port: Int
  public var database: String

  /// Parses the URL; a password in it is refused, so it never lands in a config file,
  /// the shell history or an error message.
  public init(url text: String) throws {
    func bad(_ why: String) -> CacheError {
      CacheError.invalidArgument(
        "'\(PostgresServer.redacted(text))' is not a PostgreSQL store URL: \(why) (postgresql://user@host:port/database)"
      )
    }
    guard let components = URLComponents(string: text),
      let scheme = components.scheme, ["postgresql", "postgres"].contains(scheme)
    else { throw bad("it does not parse as a URL") }
    if components.password != nil {
      throw bad("it holds a password; give it in PGPASSWORD or ~/.pgpass instead")
    }
    guard let host = components.host, !host.isEmpty else { throw bad("it names no host") }
    let database = String(components.path.drop(while: { $0 == "/" }))
    guard !database.isEmpty, !database.contains("/") else { throw bad("it names no database") }
    if let port = components.port, !(1...65535).contains(port) {
      throw bad("the port is out of range")
    }
    self.host = host
    self.port = components.port ?? 5432
    self.database = database.removingPercentEncoding ?? database
    self.user =
      components.user?.removingPercentEncoding
      ?? ProcessInfo.processInfo.environment["PGUSER"] ?? NSUserName()
  }

  public var description: String {
    let hostPart = host.contains(":") ? "[\(host)]" : host
    return "postgresql://\(user)@\(hostPart):\(port)/\(database)"
  }

  /// The password libpq would use: `PGPASSWORD`, else the first matching line of the
  /// password file (`PGPASSFILE`, else `~/.pgpass`), whose fields may be `*`.
  public func password(environment: [String: String] = ProcessInfo.processInfo.environment)
    -> String?
  {
    if let password = environment["PGPASSWORD"] { return password }
    let file =
      environment["PGPASSFILE"]
      ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.pgpass"
    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
    for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
      let fields = Self.pgpassFields(String(line))
      guard fields.count == 5 else { continue }
      let wanted = [host, String(port), database, user]
      if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) {
        return fields[4]
      }
    }
    return nil
  }

  /// A `.pgpass` line's fields: `:` separates them, `\` escapes `:` and `\`.
  static func pgpassFields(_ line: String) -> [String] {
    var fields: [String] = []
    var current = ""
    var escaped = false
    for character in line {
      if escaped {
        current.append(character)
        escaped = false
      } else if character == "\\" {
        escaped = true
      } else if character == ":" {
        fields.append(current)
        current = ""
      } else {
        current.append(character)
      }
    }
    fields.append(current)
    return fields
  }

  /// The URL with any password replaced, for error messages.
  static func redacted(_ text: String) -> String {
    guard var components = URLComponents(string: text), components.password != nil else {
      return text
    }
    components.password = "***"
    return components.string ?? "postgresql://…"
  }
}
