// swift-tools-version:6.2
import PackageDescription

/// Every migration in sql/, compiled into the binary (see sql/Migrations.swift, which lists
/// them again by the names SwiftPM gives them; a test checks both lists against the folder).
let migrationFiles = [
    "001_stock_ledger.sql",
    "002_batched_posting.sql",
    "003_demand_history.sql",
    "004_planning_jobs.sql",
    "005_purchasing.sql",
    "006_requisitions.sql",
    "007_returns.sql",
    "008_transfer_orders.sql",
    "009_exceptions.sql",
    "010_issue_batches.sql",
    "011_one_write_path.sql",
    "012_record_documents.sql",
    "013_warranty.sql",
    "014_serials_repairs.sql",
    "015_job_findings.sql",
    "016_history_start.sql",
    "017_review_days.sql",
    "018_fill_rate.sql",
    "019_obsolescence.sql",
    "020_part_fill_rate.sql",
    "021_demand_model.sql",
    "022_method_trial.sql",
    "023_demand_history_by_location.sql",
    "024_reorder_line_proposal_check.sql",
]

/// The functions, views and triggers in sql/functions, in the order they are applied (see
/// sql/Migrations.swift, which lists them again by the names SwiftPM gives them).
let scriptFiles = [
    "functions/requests.sql",
    "functions/ledger.sql",
    "functions/master_data.sql",
    "functions/stock.sql",
    "functions/purchasing.sql",
    "functions/requisitions.sql",
    "functions/transfer_orders.sql",
    "functions/exceptions.sql",
    "functions/planning.sql",
    "functions/warranty.sql",
    "functions/serials.sql",
    "functions/repairs.sql",
    "functions/exchanges.sql",
    "functions/deadlines.sql",
]

let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "partsd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "partsd", targets: ["partsd"]),
        .executable(name: "partsctl", targets: ["partsctl"]),
        .executable(name: "partsbench", targets: ["partsbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // RFC 4180 CSV for partsctl's imports and exports: a streaming reader and a writer.
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
    ],
    targets: [
        // The system library and nothing else.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // QR codes for the warranty tags: Debian's libqrencode, a real encoder.
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),

        // A small Swift face of libpq: connections on threads of their own, a pool, typed errors.
        .target(
            name: "PostgresClient",
            dependencies: [
                "CLibPQ",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: settings
        ),

        // Value types of the parts business: exact decimals, quantities, roles. No I/O.
        .target(name: "PartsDomain", swiftSettings: settings),

        // Forecasting and reorder maths for spare parts. Pure functions.
        .target(name: "PartsPlanning", dependencies: [.product(name: "HeapModule", package: "swift-collections")],
                swiftSettings: settings),

        // The admin-socket protocol: request lines in, reply text and JSON out. No sockets.
        .target(name: "PartsProtocol", dependencies: ["PartsDomain"], swiftSettings: settings),

        // The numbered schema migrations, as files in sql/ and as bytes in the binary.
        .target(
            name: "PartsMigrations", path: "sql", sources: ["Migrations.swift"],
            resources: (migrationFiles + scriptFiles).map { .embedInCode($0) }, swiftSettings: settings
        ),

        // The SQL that carries out each workflow as one transaction.
        .target(
            name: "PartsStore",
            dependencies: [
                "PostgresClient", "PartsDomain", "PartsMigrations",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            ],
            swiftSettings: settings
        ),

        // Job runs and planning: the job runner and its schedule, the planner, the reorder run.
        .target(
            name: "PartsJobs",
            dependencies: [
                "PartsStore", "PartsPlanning", "PartsDomain", "PostgresClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: settings
        ),

        // The daemon's body: configuration, socket server, sessions, command table, lifecycle.
        .target(
            name: "PartsServer",
            dependencies: [
                "PartsJobs", "PartsStore", "PartsProtocol", "PartsDomain", "PartsPlanning", "PostgresClient", "CQREncode",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: settings
        ),

        // A blocking line-protocol client shared by partsctl and the tests.
        .target(name: "PartsClient", swiftSettings: settings),

        .executableTarget(
            name: "partsd",
            dependencies: [
                "PartsServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "partsctl",
            dependencies: [
                "PartsClient",
                "PartsDomain",
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: settings
        ),

        // Load generator for the benchmarks under deploy/.
        .executableTarget(
            name: "partsbench",
            dependencies: [
                "PartsClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: settings
        ),

        // Coverage-guided fuzzing of the line buffer and request parser (deploy/fuzz.sh builds it
        // with libFuzzer); a plain build replays corpus files.
        .executableTarget(
            name: "protocol-fuzz", dependencies: ["PartsProtocol", "PartsDomain"], path: "Fuzz/ProtocolFuzz",
            swiftSettings: settings
        ),

        .testTarget(name: "PartsDomainTests", dependencies: ["PartsDomain"], swiftSettings: settings),
        .testTarget(name: "PartsProtocolTests", dependencies: ["PartsProtocol", "PartsDomain"], swiftSettings: settings),
        .testTarget(
            name: "PartsPlanningTests", dependencies: ["PartsPlanning"],
            resources: [.copy("Fixtures")], swiftSettings: settings
        ),
        .testTarget(name: "PartsJobsTests", dependencies: ["PartsJobs"], swiftSettings: settings),
        .testTarget(
            name: "PartsServerTests",
            dependencies: ["PartsServer", .product(name: "NIOHTTP1", package: "swift-nio")], swiftSettings: settings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["PartsClient", "PostgresClient", "PartsDomain", "PartsMigrations", "PartsStore", "PartsProtocol",
                           .product(name: "Logging", package: "swift-log")],
            resources: [.copy("Transcripts"), .copy("Fixtures")],
            swiftSettings: settings
        ),
    ]
)
