// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "swift-lenet",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "LeNet", targets: ["LeNet"]),
        .library(name: "LeNetData", targets: ["LeNetData"]),
        .executable(name: "lenet", targets: ["LeNetCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        // The system zlib, for gzipped IDX files.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        // Numeric kernels on raw buffers: no model knowledge.
        .target(
            name: "LeNetKernels",
            exclude: ["README.md"]
        ),
        // Layers, models, losses, optimizers, training loop, model files.
        .target(
            name: "LeNet",
            dependencies: ["LeNetKernels", .product(name: "RealModule", package: "swift-numerics")],
            exclude: ["README.md"]
        ),
        // IDX / MNIST readers.
        .target(name: "LeNetData", dependencies: ["LeNet", "CZlib"], exclude: ["README.md"]),
        // The `lenet` command: a thin shell over the libraries.
        .executableTarget(
            name: "LeNetCLI",
            dependencies: [
                "LeNet", "LeNetData",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LeNetKernelsTests", dependencies: ["LeNetKernels"]),
        .testTarget(name: "LeNetTests", dependencies: ["LeNet", "LeNetData"]),
        .testTarget(name: "LeNetDataTests", dependencies: ["LeNetData", "CZlib"]),
        .testTarget(name: "LeNetCLITests", dependencies: ["LeNetCLI"], exclude: ["__Snapshots__"]),
    ]
)
