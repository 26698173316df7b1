import JMESPath

/// A plan saved with `policy plan --out` and read back by `policy apply --plan`.
extension PolicyPlan {
  public struct Unreadable: Error, CustomStringConvertible {
    public let description: String
  }

  /// Reads the document `document` printed; what apply needs must be there.
  public init(saved text: String, file: String) throws {
    let root: JSON
    do {
      root = try JSONReader.parse(text)
    } catch {
      throw Unreadable(description: "\(file): not a saved plan: \(error)")
    }
    func field(_ object: JSONObject, _ key: String) throws -> String {
      guard case .string(let value)? = object[key] else {
        throw Unreadable(description: "\(file): not a saved plan (no '\(key)')")
      }
      return value
    }
    guard case .object(let top) = root, case .array(let candidates)? = top["candidates"] else {
      throw Unreadable(
        description:
          "\(file): not a saved plan (no 'candidates'); make one with policy plan FILE --out")
    }
    let basis = try field(top, "timeBasis")
    self.init(
      registry: try field(top, "registry"), source: try field(top, "policy"),
      now: try field(top, "now"), timeBasis: TimeBasis(rawValue: basis) ?? .updated,
      limits: Limits())
    if case .array(let names)? = top["ecrRepositories"] {
      ecrRepositories = names.compactMap { if case .string(let s) = $0 { s } else { nil } }
    }
    for candidate in candidates {
      guard case .object(let item) = candidate,
        let kind = PolicyDecision.Kind(rawValue: try field(item, "kind")),
        let action = PolicyDecision.Action(rawValue: try field(item, "action"))
      else { throw Unreadable(description: "\(file): a candidate has no kind or action") }
      func strings(_ key: String) -> [String] {
        guard case .array(let values)? = item[key] else { return [] }
        return values.compactMap { if case .string(let s) = $0 { s } else { nil } }
      }
      var time: String?
      if case .string(let value)? = item["time"] { time = value }
      decisions.append(
        PolicyDecision(
          repository: try field(item, "repository"), kind: kind,
          reference: try field(item, "reference"), digest: try field(item, "digest"),
          tags: strings("tags"), time: time, action: action, chosenBy: strings("chosenBy"),
          keptBy: strings("keptBy")))
    }
  }
}
