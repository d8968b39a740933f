// swift-tools-version:6.0
import PackageDescription

/// One library (`GridGRPO`) holds the domain; each stage executable is a thin
/// `main.swift` that parses its flags and calls into it.
let stages = ["rollout", "pair", "update", "evaluate", "checkpoint", "dag"]

let package = Package(
    name: "GridGRPO",
    products: [.library(name: "GridGRPO", targets: ["GridGRPO"])]
        + stages.map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CHDF5",
            pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]
        ),
        .target(
            name: "GridGRPO",
            dependencies: ["CHDF5", .product(name: "Yams", package: "Yams")]
        ),
        // The stage executables are test dependencies so `swift test` builds
        // them: the end-to-end tests run the real binaries through the Makefile.
        .testTarget(name: "GridGRPOTests", dependencies: ["GridGRPO"] + stages.map { .target(name: $0) }),
    ] + stages.map {
        .executableTarget(
            name: $0,
            dependencies: ["GridGRPO", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        )
    }
)
