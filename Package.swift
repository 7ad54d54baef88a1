// swift-tools-version: 6.0
import PackageDescription

// Targets by layer: C shims → storage/protocol code → domain → processes.
// See DESIGN.md §2; each folder under Sources/ is one concern.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "AlphaEngine",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "alphaengine", targets: ["alphaengine"]),
        // For the fuzz package in Fuzz/, which depends on this one by path.
        .library(name: "AlphaHTTP", targets: ["AlphaHTTP"]),
        // For the Hummingbird baseline of `make bench-web`, which serves this same API.
        .library(name: "AlphaWeb", targets: ["AlphaWeb"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // MARK: C libraries from Debian (scripts/setup installs the -dev packages)
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CJWT", pkgConfig: "libjwt", providers: [.apt(["libjwt-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "CLinux"),

        // MARK: Protocol-level code that knows nothing of trading
        .target(name: "AlphaJSON", swiftSettings: strict),
        .target(name: "AlphaSystem", dependencies: ["CLinux", .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        .target(name: "AlphaCrypto", dependencies: ["COpenSSL", "CJWT"], swiftSettings: strict),
        .target(name: "AlphaWebSocket", dependencies: ["AlphaCrypto", "AlphaSystem", "COpenSSL"], swiftSettings: strict),
        .target(name: "AlphaHTTP", dependencies: ["AlphaJSON", "AlphaSystem", "AlphaWebSocket", "CLinux"], swiftSettings: strict),

        // MARK: The Binance USDⓈ-M adapter (the bot's only exchange I/O)
        .target(name: "AlphaExchange", dependencies: ["AlphaCore", "AlphaCrypto", "AlphaJSON", "AlphaSystem", "AlphaWebSocket", "CCurl"],
                swiftSettings: strict),

        // MARK: The web process: JSON API, auth, SSE (reads the store, inserts commands)
        .target(name: "AlphaWeb", dependencies: ["AlphaCore", "AlphaCrypto", "AlphaHTTP", "AlphaJSON", "AlphaStore", "AlphaStrategy", "AlphaSystem",
                                                 .product(name: "Logging", package: "swift-log")],
                swiftSettings: strict),

        // MARK: The bot: listener, reconciler, executor (no HTTP-server code)
        .target(name: "AlphaBot", dependencies: ["AlphaCore", "AlphaExchange", "AlphaStore", "AlphaStrategy", "AlphaJSON", "AlphaSystem",
                                                 .product(name: "Logging", package: "swift-log")], swiftSettings: strict),

        // MARK: Notifications: Slack and Telegram, beside the bot's kernel (issue 17)
        .target(name: "AlphaNotify", dependencies: ["AlphaCore", "AlphaExchange", "AlphaJSON", "AlphaStore", "AlphaSystem",
                                                    .product(name: "Logging", package: "swift-log")], swiftSettings: strict),

        // MARK: Backtests: the strategies on the simulator's matching, in process
        .target(name: "AlphaBacktest", dependencies: ["AlphaBot", "AlphaCore", "AlphaJSON", "AlphaSim", "AlphaStore", "AlphaStrategy"], swiftSettings: strict),

        // MARK: The embedded Binance USDⓈ-M simulator
        .target(name: "AlphaSim", dependencies: ["AlphaCore", "AlphaCrypto", "AlphaHTTP", "AlphaJSON", "AlphaSystem", "AlphaWebSocket", "COpenSSL"], swiftSettings: strict),

        // MARK: Pure domain, no I/O
        .target(name: "AlphaCore", dependencies: ["AlphaJSON"], swiftSettings: strict),

        // MARK: Strategies: pure decisions over closed candles (DESIGN rule 2: no exchange I/O)
        .target(name: "AlphaStrategy", dependencies: ["AlphaCore"], exclude: ["Strategies/README.md"], swiftSettings: strict),

        // MARK: Storage and settings
        .target(name: "AlphaStore", dependencies: ["AlphaCore", "AlphaSystem", "CPostgres", "CSQLite"], swiftSettings: strict),
        .target(name: "AlphaSettings", dependencies: ["AlphaCore", "Yams"], swiftSettings: strict),

        // MARK: The one executable
        .executableTarget(
            name: "alphaengine",
            dependencies: [
                "AlphaBacktest", "AlphaBot", "AlphaCore", "AlphaCrypto", "AlphaExchange", "AlphaNotify", "AlphaStore", "AlphaSettings", "AlphaSystem", "AlphaHTTP", "AlphaSim", "AlphaStrategy", "AlphaWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // MARK: Benchmarks (run with `make bench`, never as tests)
        .executableTarget(
            name: "alphaengine-bench",
            dependencies: ["AlphaCore", "AlphaStore", "AlphaTestSupport", "CSQLite"],
            path: "Benchmarks/StoreBench",
            swiftSettings: strict
        ),

        // `make bench-sim`: orders/s and user-data events/s of the simulator.
        .executableTarget(
            name: "alphaengine-bot-bench",
            dependencies: ["AlphaCore", "AlphaHTTP", "AlphaSim", "AlphaSettings", "AlphaStore", "AlphaTestSupport"],
            path: "Benchmarks/BotBench",
            swiftSettings: strict
        ),
        // `make bench-web`: seeding for wrk, and SSE fan-out commit → delivery latency.
        .executableTarget(
            name: "alphaengine-web-bench",
            dependencies: ["AlphaCore", "AlphaCrypto", "AlphaSettings", "AlphaStore", "AlphaTestSupport", "CLinux"],
            path: "Benchmarks/WebBench",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "alphaengine-sim-bench",
            dependencies: ["AlphaCore", "AlphaHTTP", "AlphaSim", "AlphaTestSupport", "AlphaWebSocket"],
            path: "Benchmarks/SimBench",
            swiftSettings: strict
        ),

        // The server `scripts/bench-http` measures against Hummingbird (Benchmarks/HummingbirdBaseline).
        .executableTarget(
            name: "alphahttp-bench-server",
            dependencies: ["AlphaHTTP", "AlphaJSON", "AlphaSystem"],
            path: "Benchmarks/HTTPBenchServer",
            swiftSettings: strict
        ),

        // MARK: Tests
        // A helper process for the multi-process and crash tests of the store.
        .executableTarget(
            name: "alphaengine-store-probe",
            dependencies: ["AlphaCore", "AlphaStore", "AlphaTestSupport"],
            path: "Tests/StoreProbe",
            swiftSettings: strict
        ),
        // Seeded random event streams shared by the tests, the probe and the benchmark.
        .target(name: "AlphaTestSupport", dependencies: ["AlphaCore"], path: "Tests/Support", swiftSettings: strict),
        .testTarget(name: "AlphaCoreTests", dependencies: ["AlphaCore", "AlphaJSON", "AlphaTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "AlphaStoreTests",
            dependencies: ["AlphaCore", "AlphaStore", "AlphaTestSupport", "alphaengine-store-probe"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AlphaEngineCLITests",
            dependencies: ["AlphaCore", "AlphaCrypto", "AlphaStore", "AlphaTestSupport"],
            exclude: ["Peers"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AlphaHTTPTests",
            dependencies: ["AlphaHTTP", "AlphaWebSocket", "AlphaJSON", "AlphaTestSupport", "alphahttp-bench-server"],
            exclude: ["Peers"],  // Python programs the tests run as third-party peers
            swiftSettings: strict
        ),
        .testTarget(name: "AlphaSimTests", dependencies: ["AlphaSim", "AlphaHTTP", "AlphaCore", "AlphaCrypto", "AlphaWebSocket", "AlphaTestSupport", "alphaengine"], exclude: ["Peers"], swiftSettings: strict),
        .testTarget(
            name: "AlphaExchangeTests",
            dependencies: ["AlphaExchange", "AlphaSim", "AlphaHTTP", "AlphaCore", "AlphaTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AlphaBotTests",
            dependencies: ["AlphaBot", "AlphaBacktest", "AlphaExchange", "AlphaNotify", "AlphaStore", "AlphaSim", "AlphaHTTP", "AlphaCore", "AlphaJSON", "AlphaSettings", "AlphaTestSupport", "AlphaCrypto", "AlphaSystem", "AlphaWeb", "alphaengine",
                           .product(name: "Logging", package: "swift-log")],
            exclude: ["Fixtures"],  // databases made by earlier versions, loaded by migration tests
            swiftSettings: strict
        ),
        .testTarget(name: "AlphaBacktestTests", dependencies: ["AlphaBacktest", "AlphaCore", "AlphaSim", "AlphaStrategy", "AlphaTestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "AlphaStrategyTests", dependencies: ["AlphaStrategy", "AlphaCore"], swiftSettings: strict),
        .testTarget(name: "AlphaSystemTests", dependencies: ["AlphaSystem"], swiftSettings: strict),
        .testTarget(name: "AlphaWebTests", dependencies: ["AlphaWeb", "AlphaStrategy", "AlphaCrypto", "AlphaStore", "AlphaCore", "AlphaHTTP", "AlphaJSON", "AlphaTestSupport", "CJWT", "alphaengine"],
                    exclude: ["Peers"], swiftSettings: strict),
        .testTarget(name: "AlphaSettingsTests", dependencies: ["AlphaSettings"], swiftSettings: strict),
        .testTarget(
            name: "CLibraryTests",
            dependencies: ["CSQLite", "COpenSSL", "CJWT", "CCurl", "CLinux"],
            swiftSettings: strict
        ),
    ]
)
