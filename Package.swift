// swift-tools-version: 6.0
// The layers of ../shared/DESIGN.md: a lower module never imports a higher one.
import PackageDescription

let package = Package(
  name: "regsh",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "regsh", targets: ["regsh"]),
    .library(name: "JMESPath", targets: ["JMESPath"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    // The team store (issue 14): PostgreSQL's wire protocol, no libpq.
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    // postgres-nio's own: its connections live on NIO event loops and log through swift-log.
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.5.3"),
  ],
  targets: [
    .target(
      name: "JMESPath",
      dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]
    ),
    .target(name: "RegistryFunctions", dependencies: ["JMESPath"]),
    .target(
      name: "RegistryAPI",
      dependencies: [.product(name: "Crypto", package: "swift-crypto")]
    ),
    .target(
      name: "MetadataCache",
      dependencies: [
        "RegistryAPI", "JMESPath", .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .target(name: "ImageActions", dependencies: ["RegistryAPI", "MetadataCache", "JMESPath"]),
    .target(
      name: "Cleanup",
      dependencies: [
        "MetadataCache", "ImageActions", "RegistryFunctions", "RegistryAPI", "JMESPath",
        // Retention policy files are YAML (JSON is read as YAML); their nodes carry line numbers.
        .product(name: "Yams", package: "Yams"),
      ]
    ),
    .systemLibrary(
      name: "CLibedit",
      pkgConfig: "libedit",
      providers: [.apt(["libedit-dev"])]
    ),
    .target(
      name: "Shell",
      dependencies: [
        "JMESPath", "RegistryFunctions", "RegistryAPI", "MetadataCache", "ImageActions", "Cleanup",
        "CLibedit",
        .product(name: "Yams", package: "Yams"),
        // The shell's commands are ArgumentParser commands, so one definition serves the
        // command line, the REPL and the generated completion scripts.
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "regsh",
      dependencies: ["Shell", .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),
    // A seeded generator for the fuzz tests, with no dependencies, so any test target can use it.
    .target(name: "SeededRandom", path: "Tests/SeededRandom"),
    .testTarget(name: "JMESPathTests", dependencies: ["JMESPath", "SeededRandom"]),
    .testTarget(
      name: "RegistryFunctionsTests",
      dependencies: ["RegistryFunctions", "JMESPath", "MetadataCache", "SeededRandom"]),
    // What the test targets share: live registries, fixtures, and running regsh itself.
    .target(
      name: "TestSupport",
      // MetadataCache: StoreKind, the two store backends a suite runs against.
      dependencies: ["RegistryAPI", "MetadataCache"],
      path: "Tests/TestSupport",
      resources: [
        .copy("Resources/fake_registry.py"), .copy("Resources/wire_server.py"),
        .copy("Resources/hostile_registry.py"),
      ]
    ),
    .testTarget(name: "RegistryAPITests", dependencies: ["RegistryAPI", "TestSupport"]),
    .testTarget(
      name: "MetadataCacheTests",
      dependencies: ["MetadataCache", "RegistryAPI", "JMESPath", "TestSupport", "regsh"]),
    .testTarget(
      name: "ImageActionsTests",
      dependencies: [
        "ImageActions", "RegistryAPI", "MetadataCache", "JMESPath",
        // TestPostgres: the action tests run against both store backends.
        "TestSupport",
      ]),
    .testTarget(
      name: "CleanupTests",
      dependencies: [
        "Cleanup", "ImageActions", "RegistryAPI", "MetadataCache", "JMESPath",
        // TemporaryDirectory: the caches the bulk-read tests populate.
        "TestSupport",
      ]),
    .testTarget(
      name: "ShellTests",
      dependencies: ["Shell", "JMESPath", "TestSupport", "SeededRandom", "regsh"]),
  ]
)
