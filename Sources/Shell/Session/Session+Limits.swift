import Foundation
import RegistryAPI

/// The limits a hostile or broken registry runs into (docs/registries.md, "Timeouts and
/// limits"), read from the environment: `REGSH_TIMEOUT` (which `regsh --timeout` sets),
/// `REGSH_MAX_MANIFEST_BYTES`, `REGSH_MAX_PAGES`.
struct RegistryLimits: Equatable {
  var idle: TimeInterval = 30
  /// Nil: four idle periods.
  var total: TimeInterval?
  var maxManifestBytes = RegistryOptions.defaultMaxManifestBytes
  var maxPages = RegistryOptions.defaultMaxPages

  /// Reads the limits from `environment`; a malformed value is an error naming the variable.
  init(environment: [String: String]) throws {
    if let text = environment["REGSH_TIMEOUT"], !text.isEmpty {
      (idle, total) = try Self.parseTimeout(text, source: "REGSH_TIMEOUT")
    }
    if let text = environment["REGSH_MAX_MANIFEST_BYTES"], !text.isEmpty {
      guard let value = Int(text), value > 0 else {
        throw ShellError.usage(
          "REGSH_MAX_MANIFEST_BYTES=\(TerminalText.escape(text)): not a positive number of bytes")
      }
      maxManifestBytes = value
    }
    if let text = environment["REGSH_MAX_PAGES"], !text.isEmpty {
      guard let value = Int(text), value > 0 else {
        throw ShellError.usage(
          "REGSH_MAX_PAGES=\(TerminalText.escape(text)): not a positive number of pages")
      }
      maxPages = value
    }
  }

  /// `IDLE` or `IDLE,TOTAL`, in seconds (fractions allowed): the idle timeout, and the total
  /// timeout of one request (default: four times IDLE).
  static func parseTimeout(_ text: String, source: String) throws -> (TimeInterval, TimeInterval?) {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    let numbers = parts.map { TimeInterval($0) }
    guard (1...2).contains(parts.count), numbers.allSatisfy({ $0 != nil }),
      numbers.allSatisfy({ $0! > 0 && $0!.isFinite })
    else {
      throw ShellError.usage(
        "\(source) \(TerminalText.escape(text)): expected IDLE or IDLE,TOTAL in seconds, e.g. 30 or 30,120"
      )
    }
    let idle = numbers[0]!
    let total = parts.count == 2 ? numbers[1]! : nil
    if let total, total < idle {
      throw ShellError.usage(
        "\(source) \(TerminalText.escape(text)): the total timeout (\(parts[1])) is shorter than the idle timeout (\(parts[0]))"
      )
    }
    return (idle, total)
  }

  /// Applies the limits to a client's options.
  func apply(to options: inout RegistryOptions) {
    options.timeout = idle
    options.totalTimeout = total ?? idle * 4
    options.maxManifestBytes = maxManifestBytes
    options.maxPages = maxPages
  }
}

extension Session {
  /// The client options every registry command starts from: the limits from the environment.
  func baseRegistryOptions() throws -> RegistryOptions {
    var options = RegistryOptions()
    try RegistryLimits(environment: environment).apply(to: &options)
    return options
  }
}

extension Session {
  /// Takes regsh's global `--timeout IDLE[,TOTAL]` (or `--timeout=…`) out of the process's
  /// arguments, wherever it stands before `--`, and passes it on as `REGSH_TIMEOUT` to every
  /// session of this process. Returns the remaining arguments, or the problem with the value.
  public static func takeTimeoutOption(_ arguments: [String]) -> Result<[String], ShellError> {
    var rest: [String] = []
    var value: String?
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      if argument == "--" {
        rest += arguments[index...]
        break
      }
      if argument == "--timeout" {
        guard index + 1 < arguments.count else {
          return .failure(.usage("--timeout needs a value: IDLE or IDLE,TOTAL in seconds"))
        }
        value = arguments[index + 1]
        index += 2
        continue
      }
      if argument.hasPrefix("--timeout=") {
        value = String(argument.dropFirst("--timeout=".count))
        index += 1
        continue
      }
      rest.append(argument)
      index += 1
    }
    if let value {
      do {
        _ = try RegistryLimits.parseTimeout(value, source: "--timeout")
      } catch let error as ShellError {
        return .failure(error)
      } catch {
        return .failure(.usage("\(error)"))
      }
      setenv("REGSH_TIMEOUT", value, 1)
    }
    return .success(rest)
  }
}

extension Session {
  /// `text` ready for stderr: every control character escaped but line breaks and tabs, as
  /// `printError` does; for the few messages `regsh`'s `main` prints before a session exists.
  public static func escapedMessage(_ text: String) -> String { TerminalText.escapeMessage(text) }
}
