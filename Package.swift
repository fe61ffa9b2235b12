// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "kisictl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kisictl", targets: ["kisictl"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // HMAC for saved plans and masked addresses (already built as part of hummingbird's graph).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // Member data in PostgreSQL, and in SQLite (SQLite vendored: no system library needed).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Plain value types shared by every module: time, member records, the typed config, diagnostics.
        .target(name: "AccessModel", dependencies: ["CivilTime"]),
        // The one calendar: Gregorian dates as day counts, for local dates and RFC 3339 alike.
        .target(name: "CivilTime"),
        // RFC 3339 timestamps parsed and printed fast, for the Kisi client and the sandbox.
        .target(name: "RFC3339", dependencies: ["CivilTime"]),
        // A seeded random generator with a fixed algorithm, for reproducible sites and faults.
        .target(name: "SeededRandom"),
        // JSON values with ordered keys: a strict parser that records lines, and a deterministic writer.
        .target(name: "JSONSupport"),
        // Pure evaluation: (config, member data, instant) -> desired access with reasons.
        .target(name: "AccessRules", dependencies: ["AccessModel"]),
        // YAML -> typed, validated SiteConfig with file:line:column diagnostics.
        .target(name: "KisiConfig", dependencies: ["AccessModel", "JSONSupport", "Yams"]),
        // Member data from CSV/JSON exports or from a command's JSON output.
        .target(
            name: "MemberSources",
            dependencies: [
                "AccessModel", "JSONSupport", "KisiHTTP", "Subprocesses",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The one process runner: own process group, clean signal mask, bounded waits, capped output.
        .target(name: "Subprocesses", dependencies: ["CProcessSpawn"]),
        // posix_spawn with a working directory and pipe2, which Swift's Glibc module does not show.
        .target(name: "CProcessSpawn"),
        // The plan as data: access states and their diff, resource addresses and changes, typed
        // reasons and problems, the plan and its saved file.
        .target(name: "PlanModel", dependencies: ["AccessModel", .product(name: "Crypto", package: "swift-crypto")]),
        // Plans, validation summaries and explanations in words: text, Markdown and JSON.
        .target(name: "Rendering", dependencies: ["AccessModel", "AccessRules", "JSONSupport", "PlanModel"]),
        // A faithful local Kisi REST API over real HTTP: tests, trials and benchmarks run against it.
        .target(
            name: "KisiSandbox",
            dependencies: [
                "AccessModel", "JSONSupport", "KisiHTTP", "RFC3339", "SeededRandom", "Yams",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // Typed Kisi REST client: auth, pagination, pacing under the rate limit, retries, errors.
        .target(name: "KisiAPI", dependencies: ["CivilTime", "JSONSupport", "KisiHTTP", "RFC3339"]),
        // How requests reach Kisi: one HTTP exchange protocol, over the network or in process.
        .target(name: "KisiHTTP"),
        // Refresh live Kisi, diff against desired access, plan, guard, and apply with an audit log.
        .target(name: "Reconciler", dependencies: ["AccessModel", "AccessRules", "JSONSupport", "KisiAPI", "PlanModel"]),
        // The pipeline every caller shares: load a site, evaluate it, read Kisi, plan.
        .target(
            name: "Pipeline",
            dependencies: [
                "AccessModel", "AccessRules", "KisiAPI", "KisiConfig", "MemberSources", "PlanModel", "Reconciler", "Subprocesses",
            ]
        ),
        // Deterministic synthetic sites for benchmarks and scale tests.
        .target(name: "SyntheticSites", dependencies: ["AccessModel", "AccessRules", "JSONSupport", "KisiConfig", "SeededRandom"]),
        .executableTarget(
            name: "kisictl",
            dependencies: [
                "AccessModel", "AccessRules", "JSONSupport", "KisiAPI", "KisiConfig", "KisiSandbox", "MemberSources", "Pipeline", "PlanModel",
                "Reconciler", "Rendering", "Subprocesses", "SyntheticSites", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "kisictl-benchmarks",
            dependencies: [
                "AccessModel", "AccessRules", "KisiAPI", "KisiConfig", "KisiSandbox", "MemberSources", "Pipeline", "PlanModel", "Reconciler",
                "Subprocesses", "SyntheticSites", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ]
        ),
        .testTarget(name: "AccessModelTests", dependencies: ["AccessModel"]),
        .testTarget(name: "AccessRulesTests", dependencies: ["AccessModel", "AccessRules", "Rendering"]),
        .testTarget(name: "KisiConfigTests", dependencies: ["AccessModel", "KisiConfig", "SeededRandom", "TestSupport", "Yams"]),
        .testTarget(
            name: "MemberSourcesTests",
            dependencies: [
                "AccessModel", "JSONSupport", "MemberSources", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ]),
        .testTarget(name: "KisiAPITests", dependencies: ["KisiAPI"]),
        .testTarget(name: "KisiSandboxTests", dependencies: ["KisiSandbox", "JSONSupport", "TestSupport"]),
        .testTarget(
            name: "ReconcilerTests",
            dependencies: [
                "AccessModel", "AccessRules", "KisiAPI", "KisiConfig", "KisiSandbox", "MemberSources", "Pipeline", "PlanModel", "Reconciler",
                "Rendering", "TestSupport",
            ]
        ),
        .testTarget(
            name: "kisictlTests",
            dependencies: [
                "kisictl", "AccessModel", "JSONSupport", "PlanModel", "Rendering", "KisiSandbox", "SeededRandom", "Subprocesses", "TestSupport",
                "Yams",
            ]),
        .testTarget(name: "SubprocessesTests", dependencies: ["Subprocesses"]),
        .testTarget(name: "PlanModelTests", dependencies: ["AccessModel", "PlanModel"]),
        // Helpers shared by test targets: a JSON Schema validator for our schemas and Kisi's.
        .target(name: "TestSupport", dependencies: ["SeededRandom", "Subprocesses", "Yams"], path: "Tests/TestSupport"),
    ]
)
