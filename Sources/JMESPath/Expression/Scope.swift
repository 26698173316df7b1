/// The variables visible at one point of an evaluation: a chain from the innermost `let`
/// binding outwards, so an inner binding shadows an outer one of the same name and a
/// binding is gone once its `let` has been evaluated (lexical scope, JEP-11a).
final class Scope: Sendable {
  let name: String
  let value: JSON
  let parent: Scope?

  init(name: String, value: JSON, parent: Scope?) {
    self.name = name
    self.value = value
    self.parent = parent
  }

  func lookup(_ wanted: String) -> JSON? {
    var scope: Scope? = self
    while let s = scope {
      if s.name == wanted { return s.value }
      scope = s.parent
    }
    return nil
  }
}
