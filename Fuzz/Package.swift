// swift-tools-version: 6.0
import PackageDescription

// libFuzzer targets, kept out of the product's package so normal builds never need
// `-sanitize=fuzzer`. Build and run with `scripts/fuzz-http` (see README).
let package = Package(
    name: "AlphaEngineFuzz",
    dependencies: [.package(name: "AlphaEngine", path: "..")],
    targets: [
        .executableTarget(
            name: "HTTPParserFuzz",
            dependencies: [.product(name: "AlphaHTTP", package: "AlphaEngine")]
        ),
    ]
)
