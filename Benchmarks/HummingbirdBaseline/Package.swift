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
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .executableTarget(
            name: "hummingbird-baseline",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")]
        ),
    ]
)
