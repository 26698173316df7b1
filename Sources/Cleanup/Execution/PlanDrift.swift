/// A saved plan against a fresh evaluation of the same policy over a just-synced cache:
/// what the saved plan removes goes only if the fresh plan removes it too, the same way.
/// Anything that drifted — retagged, pushed again, tagged since, newly protected or kept —
/// is skipped and said, never deleted.
public enum PlanDrift {
  public struct Drifted: Sendable {
    public var decision: PolicyDecision
    public var reason: String
  }

  public static func compare(saved: PolicyPlan, fresh: PolicyPlan) -> (
    proceed: [PolicyDecision], drifted: [Drifted]
  ) {
    var now: [String: PolicyDecision] = [:]
    for decision in fresh.decisions { now["\(decision.kind.rawValue) \(decision.name)"] = decision }
    var proceed: [PolicyDecision] = []
    var drifted: [Drifted] = []
    for old in saved.decisions where old.goes {
      guard let new = now["\(old.kind.rawValue) \(old.name)"] else {
        drifted.append(
          Drifted(decision: old, reason: "no longer a candidate (gone, retagged or out of scope)"))
        continue
      }
      if new.digest != old.digest {
        drifted.append(Drifted(decision: old, reason: "retagged: now points at \(new.digest)"))
      } else if new.time != old.time {
        drifted.append(
          Drifted(
            decision: old,
            reason:
              "pushed again: its time is \(new.time ?? "unknown"), was \(old.time ?? "unknown")"))
      } else if old.kind == .manifest,
        let extra = Set(new.tags).subtracting(old.tags).sorted().first
      {
        drifted.append(Drifted(decision: old, reason: "tagged since the plan: \(extra)"))
      } else if old.kind == .manifest,
        let lost = Set(old.tags).subtracting(new.tags).sorted().first
      {
        // Its tag moved elsewhere: the image the plan named by that tag is not this one now.
        drifted.append(Drifted(decision: old, reason: "retagged: \(lost) no longer points at it"))
      } else if new.action != old.action {
        let why =
          new.keptBy.isEmpty
          ? "its action is now \(new.action.rawValue)" : new.keptBy.joined(separator: "; ")
        drifted.append(Drifted(decision: old, reason: "now kept: \(why)"))
      } else if new.chosenBy != old.chosenBy {
        drifted.append(
          Drifted(
            decision: old,
            reason:
              "now chosen by \(new.chosenBy.joined(separator: ", ")), was \(old.chosenBy.joined(separator: ", "))"
          ))
      } else {
        proceed.append(old)
      }
    }
    return (proceed, drifted)
  }
}
