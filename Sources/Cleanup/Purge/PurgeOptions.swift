import Foundation
import MetadataCache

/// `acr purge`'s flags, checked together as acr checks them (before anything is asked of
/// the registry), with acr's error texts.
public struct PurgeOptions: Sendable {
  public var filters: [String] = []
  public var ago: String = ""
  public var keep = 0
  public var untagged = false
  public var untaggedOnly = false
  public var includeLocked = false
  public var timeBasis: TimeBasis = .updated

  public init() {}

  public struct Invalid: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
  }

  /// The checked options: the policy, and the warnings to print (the 150-year cap).
  public struct Checked: Sendable {
    public var policy: PurgePolicy
    public var warnings: [String]
  }

  /// Checks the flags and turns them into a policy whose cutoff is `now` minus `--ago`.
  public func check(now: Date) throws(Invalid) -> Checked {
    if untagged && untaggedOnly {
      throw Invalid(
        "if any flags in the group [untagged untagged-only] are set none of the others can be; [untagged untagged-only] were all set"
      )
    }
    if filters.isEmpty && !untaggedOnly {
      throw Invalid("at least one of the flags in the group [filter untagged-only] is required")
    }
    if !untaggedOnly && ago.isEmpty {
      throw Invalid("required flag(s) \"ago\" not set")
    }
    guard keep >= 0 else { throw Invalid("--keep must be 0 or more, not \(keep)") }
    var parsed: [PurgeFilter] = []
    for text in filters {
      do {
        parsed.append(try PurgeFilter(parsing: text))
      } catch {
        throw Invalid(error.description)
      }
    }
    let duration: PurgeAgo
    do {
      duration = try PurgeAgo.parse(ago)
    } catch {
      throw Invalid(error.description)
    }
    let cutoff = Timestamp.format(now.addingTimeInterval(-duration.seconds))
    let mode: PurgePolicy.UntaggedMode = untaggedOnly ? .only : untagged ? .also : .none
    return Checked(
      policy: PurgePolicy(
        filters: parsed, cutoff: cutoff, keep: keep, untagged: mode,
        includeLocked: includeLocked, timeBasis: timeBasis),
      warnings: duration.capped ? [PurgeAgo.capWarning] : [])
  }
}
