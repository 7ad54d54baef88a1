// swift-tools-version: 6.0
import PackageDescription

// The Hummingbird 2 baseline for scripts/bench-http (`make bench-http`).
// A standalone package on purpose: the main package must not depend on Hummingbird.
// Build: swift build -c release --package-path Benchmarks/HummingbirdBaseline \
//          --scratch-path Benchmarks/HummingbirdBaseline/.build
let package = Package(
    name: "HummingbirdBaseline",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hummingbird-baseline", targets: ["hummingbird-baseline"]),
        .executable(name: "hummingbird-web-baseline", targets: ["hummingbird-web-baseline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // AlphaEngine itself, for the web API the second baseline serves.
        .package(name: "AlphaEngine", path: "../.."),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "hummingbird-baseline",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")]
        ),
        .executableTarget(
            name: "hummingbird-web-baseline",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AlphaWeb", package: "AlphaEngine"),
                .product(name: "AlphaHTTP", package: "AlphaEngine"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
    ]
)
