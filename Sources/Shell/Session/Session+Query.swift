import JMESPath
import RegistryFunctions

/// How the shell compiles JMESPath: in the session's dialect, with regsh's registry
/// functions (`ago`, `semver`, …) beside the language's own.
extension Session {
  /// The host functions every query the shell runs may call.
  public static let queryFunctions: [FunctionDefinition] = RegistryFunctions.all()

  /// Every function an expression in `dialect` may call, for completion and `help functions`.
  public static func functionTable(_ dialect: Dialect) -> FunctionTable {
    FunctionTable.forDialect(dialect, adding: queryFunctions)
  }

  /// The registry functions with this session's clock: REGSH_NOW of its environment.
  var sessionFunctions: [FunctionDefinition] {
    RegistryFunctions.all(clock: .environment(environment))
  }

  func compile(_ source: String) throws(JMESPathError) -> Expression {
    try Expression(source, dialect: dialect, functions: sessionFunctions)
  }
}
