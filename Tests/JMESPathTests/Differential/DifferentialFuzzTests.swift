import Foundation
import JMESPath
import Testing

/// Seeded random expressions and documents, run through regsh and a reference engine, with
/// zero differences allowed:
/// - the default dialect against jmespath.py: whatever jmespath.py answers, regsh answers the
///   same; only where jmespath.py gives a syntax error or an unknown function may regsh
///   give meaning (the community's additions);
/// - the community dialect against jmespath-community.
/// REGSH_DIFF_ITERATIONS sets the number of cases per engine, REGSH_FUZZ_SEED the seed.
struct DifferentialFuzzTests {
  static let iterations =
    Int(ProcessInfo.processInfo.environment["REGSH_DIFF_ITERATIONS"] ?? "") ?? 4_000
  static let seed = FuzzTests.seed

  enum Outcome {
    case same
    /// Allowed, and counted: regsh gives meaning where the reference has none.
    case extension_
    /// The reference engine failed with a Python exception rather than a JMESPath error
    /// (jmespath.py's `contains(@, null)` on a string raises TypeError): it has no answer.
    case referenceFailed
    case different(String)
  }

  static func regsh(_ expression: String, _ document: JSON, _ dialect: Dialect) -> Oracle.Answer {
    do {
      return .result(try Expression(expression, dialect: dialect).evaluate(document))
    } catch {
      if Self.specificationIsStricter(error.message) { return .error(Self.mergeLaterArgument) }
      return .error(error.kind.rawValue)
    }
  }

  /// Where the specification (and regsh) reject what the Python engines accept:
  /// - both type-check only the first argument of a variadic function, so they merge or zip
  ///   strings (`merge(@, '')`, `zip(a, 'foo')`);
  /// - jmespath-community's `from_items` makes keys of non-strings (`[[null, 5]]`).
  static func specificationIsStricter(_ message: String) -> Bool {
    for function in ["merge", "zip"]
    where message.hasPrefix("\(function)() expected argument")
      && !message.hasPrefix("\(function)() expected argument 1 ")
    {
      return true
    }
    return message.hasPrefix("from_items() expected [key, value] pairs")
  }

  static let mergeLaterArgument = "invalid-type (stricter than the reference)"

  /// The default dialect against jmespath.py.
  static func compareWithJMESPathPy(_ ours: Oracle.Answer, _ theirs: Oracle.Answer) -> Outcome {
    if case .error(let kind) = theirs, kind.hasPrefix("other:") { return .referenceFailed }
    if case .error(Self.mergeLaterArgument) = ours {
      if case .result = theirs { return .referenceFailed }
      return compareWithJMESPathPy(.error("invalid-type"), theirs)
    }
    switch (theirs, ours) {
    case (.result(let a), .result(let b)):
      return a == b ? .same : .different("jmespath.py \(a), regsh \(b)")
    case (.error(let kind), .result), (.error(let kind), .error):
      // What jmespath.py cannot read or call is where the extensions live.
      if kind == "syntax" || kind == "unknown-function" {
        if case .error(let mine) = ours, mine != kind,
          !["syntax", "unknown-function"].contains(mine)
        {
          return .extension_
        }
        return ours == theirs ? .same : .extension_
      }
      if case .error(let mine) = ours {
        return mine == kind ? .same : .different("jmespath.py \(kind), regsh \(mine)")
      }
      return .different("jmespath.py \(kind), regsh \(ours)")
    case (.result(let a), .error(let mine)):
      return .different("jmespath.py \(a), regsh error \(mine)")
    }
  }

  /// A slice right after an index, `a[0][1:3]`: jmespath-community (a fork of jmespath.py)
  /// keeps jmespath.py's quirk of not projecting it; its specification says a slice projects,
  /// and the community dialect follows the specification.
  static func slicesAfterAnIndex(_ expression: String) -> Bool {
    expression.range(of: #"\[-?[0-9]+\]\[-?[0-9]*:"#, options: .regularExpression) != nil
  }

  /// The community dialect against jmespath-community.
  static func compareWithCommunity(_ ours: Oracle.Answer, _ theirs: Oracle.Answer) -> Outcome {
    switch (theirs, ours) {
    case (.result(let a), .result(let b)):
      return a == b ? .same : .different("community \(a), regsh \(b)")
    case (_, .error(Self.mergeLaterArgument)):
      return .referenceFailed
    case (.error(let kind), .error(let mine)):
      // Python's own exceptions where the specification names a kind: arithmetic on a
      // non-number (TypeError) is invalid-type, division by zero is not-a-number.
      let expected =
        switch kind {
        case "other:ZeroDivisionError": "not-a-number"
        case "other:TypeError": "invalid-type"
        default: kind
        }
      // Python's TypeError from comparing a number with a string: no answer to compare.
      if expected.hasPrefix("other:") || (kind == "other:TypeError" && mine != "invalid-type") {
        return .referenceFailed
      }
      return expected == mine ? .same : .different("community \(kind), regsh \(mine)")
    case (.error(let kind), .result(let b)):
      // Python's TypeError from comparing a number with a string, or `null in "text"`.
      if kind.hasPrefix("other:") { return .referenceFailed }
      return .different("community \(kind), regsh \(b)")
    case (.result(let a), .error(let mine)):
      return .different("community \(a), regsh error \(mine)")
    }
  }

  static func run(
    _ oracle: Oracle, dialect: Dialect, generator: ExpressionGenerator,
    compare: (Oracle.Answer, Oracle.Answer) -> Outcome
  ) throws {
    var generator = generator
    var cases: [(expression: String, document: JSON)] = []
    for _ in 0..<iterations {
      cases.append((generator.expression(), generator.document()))
    }
    let answers = try oracle.answers(cases)
    var same = 0
    var extensions = 0
    var differences = 0
    var referenceFailures = 0
    var results = 0
    for (c, theirs) in zip(cases, answers) {
      let ours = regsh(c.expression, c.document, dialect)
      if case .result = theirs { results += 1 }
      var outcome = compare(ours, theirs)
      if case .different = outcome, dialect == .community, Self.slicesAfterAnIndex(c.expression) {
        outcome = .referenceFailed
      }
      switch outcome {
      case .same: same += 1
      case .extension_:
        extensions += 1
        if ProcessInfo.processInfo.environment["REGSH_DIFF_SHOW_EXTENSIONS"] != nil, extensions < 30
        {
          print("extension: \(c.expression) → regsh \(ours), \(oracle.name) \(theirs)")
        }
      case .referenceFailed: referenceFailures += 1
      case .different(let why):
        differences += 1
        if differences <= 25 {
          Issue.record(
            "\(oracle.name) vs regsh --dialect \(dialect): \(c.expression) on \(JSONWriter(style: .compact).string(c.document)): \(why)"
          )
        }
      }
    }
    print(
      "differential fuzz vs \(oracle.name) (\(dialect), seed \(seed)): \(cases.count) cases, "
        + "\(results) with a result, \(same) same, \(extensions) extensions, "
        + "\(referenceFailures) where the reference has no comparable answer (a Python exception, a check of the specification it skips, the community slice quirk), \(differences) differences"
    )
    #expect(differences == 0)
    // The generator must reach results, not only errors.
    #expect(results > cases.count / 5, "only \(results) cases had a result")
  }

  @Test func defaultDialectAgreesWithJMESPathPy() throws {
    guard let oracle = Oracle.jmespathPy else {
      if Oracle.required { Issue.record(Comment(rawValue: Oracle.missingMessage("jmespath.py"))) }
      print("WARNING: " + Oracle.missingMessage("jmespath.py"))
      return
    }
    // Standard expressions only: every one jmespath.py answers must be answered the same.
    var standard = ExpressionGenerator(seed: Self.seed ^ 0xD1FF)
    standard.communityFunctions = false
    try Self.run(
      oracle, dialect: .default, generator: standard, compare: Self.compareWithJMESPathPy)
    // With the additions mixed in: they may only give meaning where jmespath.py has none.
    var extended = ExpressionGenerator(seed: Self.seed ^ 0xD1FE)
    extended.arithmetic = true
    extended.variables = true
    extended.ternary = true
    extended.communityFunctions = true
    extended.extensionOdds = 8
    try Self.run(
      oracle, dialect: .default, generator: extended, compare: Self.compareWithJMESPathPy)
  }

  @Test func communityDialectAgreesWithJMESPathCommunity() throws {
    guard let oracle = Oracle.community else {
      if Oracle.required {
        Issue.record(Comment(rawValue: Oracle.missingMessage("jmespath-community")))
      }
      print("WARNING: " + Oracle.missingMessage("jmespath-community"))
      return
    }
    var generator = ExpressionGenerator(seed: Self.seed ^ 0xC0DE)
    generator.extensionOdds = 2
    generator.arithmetic = true
    generator.variables = true
    // jmespath-community 1.1.3 predates the ternary operator (JEP-21); the suite and the
    // specification cases cover it.
    generator.ternary = false
    generator.communityFunctions = true
    try Self.run(
      oracle, dialect: .community, generator: generator, compare: Self.compareWithCommunity)
  }
}
