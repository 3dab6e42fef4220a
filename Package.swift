// swift-tools-version:6.2
import PackageDescription

/// One set of settings for every target: Swift 6 language mode plus the upcoming features STYLE.md
/// asks for, and warnings as errors (dependencies are not affected).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "vigil",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vigil", targets: ["vigil"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
        .target(
            name: "VigilOTLPProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilSafety",
            dependencies: ["VigilCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilIngest",
            dependencies: [
                "VigilCore", "VigilOTLPProto", "VigilSafety", "CZlib",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilEventLog",
            dependencies: [
                "VigilCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilEmbeddedPostgres",
            dependencies: [
                "VigilCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilStats",
            dependencies: ["COpenBLAS"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilProjections",
            dependencies: [
                "VigilCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilQueries",
            dependencies: [
                "VigilCore", "VigilEventLog", "VigilStats", "VigilProjections",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilDrift",
            dependencies: [
                "VigilCore", "VigilEventLog", "VigilStats", "VigilQueries", "VigilProjections",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilProcessors",
            dependencies: [
                "VigilCore", "VigilEventLog", "VigilStats", "VigilProjections",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilCollector",
            dependencies: [
                "VigilCore", "VigilIngest", "VigilEventLog", "VigilQueries", "VigilSafety",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilGRPC",
            dependencies: [
                "VigilCore", "VigilCollector", "VigilIngest", "VigilEventLog",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilHTTPBase",
            dependencies: [
                "VigilCore",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilHTTP",
            dependencies: [
                "VigilCore", "VigilHTTPBase", "VigilCollector", "VigilIngest", "VigilEventLog", "VigilStats", "VigilAlerting", "VigilDashboards", "VigilQueries", "VigilDrift", "VigilProjections", "VigilSafety",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilAlerting",
            dependencies: [
                "VigilCore", "VigilEventLog", "VigilStats", "VigilQueries", "VigilProjections",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilDashboards",
            dependencies: [
                "VigilCore", "VigilEventLog",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilWebUI",
            dependencies: [
                "VigilCore", "VigilEventLog", "VigilHTTPBase", "VigilAlerting", "VigilStats", "VigilQueries",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilDemo",
            dependencies: [
                "VigilCore", "VigilStats",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilApp",
            dependencies: [
                "VigilCore", "VigilEventLog", "VigilEmbeddedPostgres", "VigilHTTPBase", "VigilHTTP", "VigilCollector", "VigilGRPC", "VigilIngest", "VigilProcessors", "VigilAlerting", "VigilWebUI", "VigilDashboards", "VigilQueries", "VigilDrift", "VigilSafety",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "vigil",
            dependencies: [
                "VigilCore", "VigilApp", "VigilEventLog", "VigilProcessors", "VigilQueries", "VigilDrift", "VigilAlerting", "VigilStats", "VigilDashboards", "VigilDemo", "VigilHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilTestSupport",
            dependencies: [
                "VigilCore", "VigilEventLog", "VigilStats", "VigilOTLPProto",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/VigilTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilGRPCTests",
            dependencies: [
                "VigilCore", "VigilCollector", "VigilGRPC", "VigilEventLog", "VigilIngest", "VigilOTLPProto", "VigilSafety", "VigilTestSupport",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilCoreTests",
            dependencies: ["VigilCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilDashboardsTests",
            dependencies: [
                "VigilCore", "VigilDashboards", "VigilEventLog", "VigilTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilAlertingTests",
            dependencies: ["VigilAlerting", "VigilCore"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilStatsTests",
            dependencies: ["VigilStats", "VigilTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilAppTests",
            dependencies: ["VigilApp", "VigilAlerting", "VigilCore", "VigilDrift", "VigilEventLog", "VigilHTTP", "VigilGRPC", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilProcessorsTests",
            dependencies: [
                "VigilCore", "VigilEventLog", "VigilProcessors", "VigilStats", "VigilTestSupport", "VigilProjections", "VigilQueries",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilSafetyTests",
            dependencies: ["VigilSafety", "VigilCore"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilIngestTests",
            dependencies: [
                "VigilCore", "VigilIngest", "VigilOTLPProto", "VigilSafety",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilEventLogTests",
            dependencies: [
                "VigilCore", "VigilEventLog", "VigilTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilDemoTests",
            dependencies: ["VigilDemo", "VigilCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilHTTPTests",
            dependencies: [
                "VigilCore", "VigilHTTPBase", "VigilHTTP", "VigilEventLog", "VigilIngest", "VigilOTLPProto", "VigilProcessors", "VigilAlerting", "VigilDashboards", "VigilTestSupport", "VigilQueries", "VigilProjections", "VigilDrift",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilWebUITests",
            dependencies: [
                "VigilCore", "VigilWebUI", "VigilHTTPBase", "VigilHTTP", "VigilEventLog", "VigilProcessors", "VigilAlerting", "VigilTestSupport", "VigilQueries",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

// libFuzzer targets, one per decoder, declared only when VIGIL_FUZZ=1: `make fuzz` (scripts/fuzz.sh)
// builds each with `swift build --sanitize=fuzzer --product NAME`. Each is Fuzz/NAME/main.swift
// defining only LLVMFuzzerTestOneInput: under --sanitize=fuzzer SwiftPM compiles an executable as a
// library and libFuzzer's own main drives it, so the ordinary build never sees these targets.
if Context.environment["VIGIL_FUZZ"] == "1" {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzOTLPProtobuf", ["VigilIngest", "VigilSafety"]),
        ("FuzzOTLPJSON", ["VigilIngest", "VigilSafety"]),
        ("FuzzGzip", ["VigilIngest", "VigilSafety"]),
        ("FuzzRuleFile", ["VigilAlerting"]),
        ("FuzzLabelRegex", ["VigilCore"]),
        ("FuzzDashboard", ["VigilDashboards"]),
        ("FuzzPanelSQL", ["VigilDashboards"]),
        ("FuzzOutputMessages", ["VigilProcessors"]),
        ("FuzzFormBody", ["VigilWebUI"]),
        ("FuzzEmbeddings", ["VigilHTTP", "VigilSafety"]),
        ("FuzzRedactor", ["VigilSafety"]),
    ]
    for target in fuzzTargets {
        package.targets.append(.executableTarget(
            name: target.name,
            dependencies: target.dependencies,
            path: "Fuzz/\(target.name)",
            swiftSettings: swiftSettings
        ))
        package.products.append(.executable(name: target.name, targets: [target.name]))
    }
}
