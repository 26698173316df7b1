#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// JMESPath Community's arithmetic (JEP-16) over JSON numbers.
///
/// Operands must be numbers (else `invalid-type`). Integers stay integers while the result
/// fits; `/` always divides as floating point. `%` and `//` round toward negative infinity,
/// as in Python (the community's reference implementation): `-7 // 2` is -4, `-7 % 2` is 1.
/// A result that is not a finite number — division by zero, overflow — is `not-a-number`.
enum Arithmetic {
  static func apply(_ op: ArithmeticOperator, _ left: JSON, _ right: JSON) throws(JMESPathError)
    -> JSON
  {
    guard left.isNumber else { throw notNumber(symbol(op), left) }
    guard right.isNumber else { throw notNumber(symbol(op), right) }
    if case .int(let a) = left, case .int(let b) = right, let exact = integer(op, a, b) {
      return .int(exact)
    }
    let a = left.numberValue!
    let b = right.numberValue!
    let result: Double
    switch op {
    case .add: result = a + b
    case .subtract: result = a - b
    case .multiply: result = a * b
    case .divide:
      guard b != 0 else { throw divisionByZero(op) }
      result = a / b
    case .integerDivide:
      guard b != 0 else { throw divisionByZero(op) }
      result = floorDivide(a, b)
    case .modulo:
      guard b != 0 else { throw divisionByZero(op) }
      let r = fmod(a, b)
      result = r != 0 && (r < 0) != (b < 0) ? r + b : r
    }
    guard result.isFinite else {
      throw JMESPathError(.notANumber, "\(symbol(op)) has no finite result for \(a) and \(b)")
    }
    // A float operand (or `/`) gives a float, as in Python: `2.5 + 2.5` is 5.0.
    return .double(result)
  }

  /// CPython's float floor division (float_divmod), which rounds through the remainder:
  /// `1 // 0.2` is 4, not floor(1 / 0.2) = 5, because 0.2 is a little more than a fifth.
  static func floorDivide(_ a: Double, _ b: Double) -> Double {
    var mod = fmod(a, b)
    var div = (a - mod) / b
    if mod != 0 {
      if (b < 0) != (mod < 0) {
        mod += b
        div -= 1
      }
    }
    guard div != 0 else { return (a / b).sign == .minus ? -0.0 : 0.0 }
    var floorDiv = div.rounded(.down)
    if div - floorDiv > 0.5 { floorDiv += 1 }
    return floorDiv
  }

  /// The exact integer result, or nil when it overflows, is fractional or divides by zero
  /// (those go the floating-point way, which reports them).
  static func integer(_ op: ArithmeticOperator, _ a: Int, _ b: Int) -> Int? {
    switch op {
    case .add:
      let (r, o) = a.addingReportingOverflow(b)
      return o ? nil : r
    case .subtract:
      let (r, o) = a.subtractingReportingOverflow(b)
      return o ? nil : r
    case .multiply:
      let (r, o) = a.multipliedReportingOverflow(by: b)
      return o ? nil : r
    case .divide:
      return nil
    case .integerDivide:
      guard b != 0, !(a == .min && b == -1) else { return nil }
      let q = a / b
      return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q
    case .modulo:
      guard b != 0, !(a == .min && b == -1) else { return nil }
      let r = a % b
      return r != 0 && (r < 0) != (b < 0) ? r + b : r
    }
  }

  static func negate(_ operand: JSON) throws(JMESPathError) -> JSON {
    switch operand {
    case .int(let i) where i != .min: return .int(-i)
    case .int(let i): return .double(-Double(i))
    case .double(let d): return .double(-d)
    default: throw notNumber("-", operand)
    }
  }

  static func notNumber(_ symbol: String, _ operand: JSON) -> JMESPathError {
    JMESPathError(
      .invalidType, "\(symbol) expected a number, but received \(operand.typeName)")
  }

  static func divisionByZero(_ op: ArithmeticOperator) -> JMESPathError {
    JMESPathError(.notANumber, "\(symbol(op)) by zero")
  }

  static func symbol(_ op: ArithmeticOperator) -> String {
    switch op {
    case .add: "+"
    case .subtract: "-"
    case .multiply: "*"
    case .divide: "/"
    case .integerDivide: "//"
    case .modulo: "%"
    }
  }
}
