import JMESPath

/// regsh's extension functions for queries over registry documents, registered through
/// JMESPath's custom-function API (`Expression(_:options:functions:)`):
///
///     now()                      current time, in the documents' timestamp format
///     ago(duration)              now minus `30d`, `1d12h`, `90m`, `P30D`, `PT12H`, …
///     to_epoch(timestamp)        seconds since 1970 (a fraction when there is one)
///     from_epoch(number)         the timestamp of that many seconds since 1970
///     semver(string)             {major, minor, patch, prerelease, build}, or null
///     semver_compare(a, b)       -1, 0 or 1 by semver precedence
///     regex_test(string, regex)  whether the regular expression matches somewhere
///
/// Timestamps come out exactly as the cache writes them (`2018-07-12T15:52:00.2075864Z`),
/// so `[?timestamp < ago('30d')]` compares strings correctly in the default dialect. All
/// are pure (they never read the current node): with literal arguments each is evaluated
/// once, when the expression is compiled.
public enum RegistryFunctions {
  public static func all(clock: Clock = .environment) -> [FunctionDefinition] {
    [
      FunctionDefinition(
        name: "now", parameters: [], pure: true,
        summary: "the current time (REGSH_NOW when set): now() → '2026-11-30T05:00:00.0000000Z'"
      ) { _ throws(JMESPathError) in
        try timestamp(try current(clock, "now"), "now")
      },
      FunctionDefinition(
        name: "ago", parameters: [[.string]], pure: true,
        summary: "the time that long before now: [?timestamp < ago('30d')]"
      ) { args throws(JMESPathError) in
        let duration: DurationText
        do throws(DurationText.ParseError) {
          duration = try DurationText.parse(args[0].stringValue!)
        } catch {
          throw JMESPathError(
            .invalidValue,
            "ago() expected a duration such as 30d, 1d12h, 90m or P30D: \(error.description)")
        }
        guard let instant = duration.before(try current(clock, "ago")) else {
          throw JMESPathError(
            .invalidValue, "ago('\(args[0].stringValue!)') is outside years 1–9999")
        }
        return try timestamp(instant, "ago")
      },
      FunctionDefinition(
        name: "to_epoch", parameters: [[.string]], pure: true,
        summary: "seconds since 1970: to_epoch('2018-07-12T15:52:00Z') → 1531410720"
      ) { args throws(JMESPathError) in
        let text = args[0].stringValue!
        guard let instant = Instant(iso8601: text) else {
          throw JMESPathError(
            .invalidValue,
            "to_epoch() expected an ISO 8601 time such as 2018-07-12T15:52:00.2075864Z, but received '\(text)'"
          )
        }
        let (seconds, fraction) = floorDivide(instant.ticks, Instant.ticksPerSecond)
        return fraction == 0 ? .int(Int(seconds)) : .double(instant.epochSeconds)
      },
      FunctionDefinition(
        name: "from_epoch", parameters: [[.number]], pure: true,
        summary: "the timestamp of seconds since 1970: from_epoch(`1531410720`)"
      ) { args throws(JMESPathError) in
        let seconds = args[0].numberValue!
        guard let instant = Instant(epochSeconds: seconds), instant.isPrintable else {
          throw JMESPathError(
            .invalidValue,
            "from_epoch() expected seconds within years 1–9999, but received \(args[0])")
        }
        return try timestamp(instant, "from_epoch")
      },
      FunctionDefinition(
        name: "semver", parameters: [[.string]], pure: true,
        summary: "a version's parts, or null: semver('v1.2.3-rc.1').major → 1"
      ) { args throws(JMESPathError) in
        guard let version = Semver(args[0].stringValue!) else { return .null }
        return [
          "major": .int(version.major), "minor": .int(version.minor), "patch": .int(version.patch),
          "prerelease": version.prerelease.isEmpty
            ? .null : .string(version.prerelease.joined(separator: ".")),
          "build": version.build.isEmpty ? .null : .string(version.build.joined(separator: ".")),
        ]
      },
      FunctionDefinition(
        name: "semver_compare", parameters: [[.string], [.string]], pure: true,
        summary: "-1, 0 or 1 by version precedence: semver_compare('1.10.0', '1.9.0') → 1"
      ) { args throws(JMESPathError) in
        var versions: [Semver] = []
        for (i, argument) in args.enumerated() {
          guard let version = Semver(argument.stringValue!) else {
            throw JMESPathError(
              .invalidValue,
              "semver_compare() expected argument \(i + 1) to be a version such as 1.2.3 or v1.2.3-rc.1, but received '\(argument.stringValue!)'"
            )
          }
          versions.append(version)
        }
        return .int(versions[0].compare(versions[1]))
      },
      FunctionDefinition(
        name: "regex_test", parameters: [[.string], [.string]], pure: true,
        summary: "whether a regular expression matches: [?regex_test(name, '^team-a/')]"
      ) { args throws(JMESPathError) in
        .bool(try RegexCache.shared.matches(args[0].stringValue!, args[1].stringValue!))
      },
    ]
  }

  static func current(_ clock: Clock, _ function: String) throws(JMESPathError) -> Instant {
    switch clock.now() {
    case .success(let instant): return instant
    case .failure(let error): throw JMESPathError(.invalidValue, "\(function)(): \(error.message)")
    }
  }

  static func timestamp(_ instant: Instant, _ function: String) throws(JMESPathError) -> JSON {
    guard let text = instant.timestamp else {
      throw JMESPathError(.invalidValue, "\(function)(): the time is outside years 1–9999")
    }
    return .string(text)
  }
}
