// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "swift-lenet",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "LeNet", targets: ["LeNet"]),
        .library(name: "LeNetData", targets: ["LeNetData"]),
        .library(name: "LeNetImages", targets: ["LeNetImages"]),
        .library(name: "LeNetServer", targets: ["LeNetServer"]),
        .library(name: "LeNetONNX", targets: ["LeNetONNX"]),
        .executable(name: "lenet", targets: ["LeNetCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // The system zlib, for gzipped IDX files.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        // The system libpng, for reading any PNG (palette, 16-bit, alpha, interlaced).
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"]), .brew(["libpng"])]
        ),
        // AVX2 + FMA kernels in C (and AVX-512 ones for the batch convolutions, matrices and
        // tanh), each function compiled for its instructions by a target attribute (no build
        // flags), called by LeNetKernels after a runtime CPU check.
        .target(name: "LeNetAVX2Kernels", exclude: ["README.md"]),
        // A pool of spinning worker threads for a batch's chunks (C, pthreads).
        .target(name: "LeNetWorkers", exclude: ["README.md"]),
        // Numeric kernels on raw buffers: no model knowledge.
        .target(
            name: "LeNetKernels",
            dependencies: ["LeNetAVX2Kernels"],
            exclude: ["README.md"]
        ),
        // Layers, models, losses, optimizers, training loop, model files.
        .target(
            name: "LeNet",
            dependencies: ["LeNetKernels", "LeNetWorkers", .product(name: "RealModule", package: "swift-numerics")],
            exclude: ["README.md"]
        ),
        // IDX / MNIST readers.
        .target(name: "LeNetData", dependencies: ["LeNet", "CZlib"], exclude: ["README.md"]),
        // Image files (PNG, PGM) and MNIST-style preprocessing of any digit picture.
        .target(name: "LeNetImages", dependencies: ["LeNet", "CPNG", "CZlib"], exclude: ["README.md"]),
        // The draw-a-digit page and its JSON API; the only target that needs an HTTP server.
        .target(
            name: "LeNetServer",
            dependencies: ["LeNet", "LeNetImages", .product(name: "FlyingFox", package: "FlyingFox"),
                           .product(name: "FlyingSocks", package: "FlyingFox")],
            exclude: ["README.md"]
        ),
        // ONNX export; onnx.pb.swift is generated from onnx.proto by scripts/generate-onnx-swift.sh.
        .target(
            name: "LeNetONNX",
            dependencies: ["LeNet", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["onnx.proto", "README.md"]
        ),
        // The `lenet` command: a thin shell over the libraries.
        .executableTarget(
            name: "LeNetCLI",
            dependencies: [
                "LeNet", "LeNetData", "LeNetImages", "LeNetServer", "LeNetONNX",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LeNetKernelsTests", dependencies: ["LeNetKernels"]),
        .testTarget(name: "LeNetTests", dependencies: ["LeNet", "LeNetData"]),
        .testTarget(name: "LeNetDataTests", dependencies: ["LeNetData", "CZlib"]),
        .testTarget(name: "LeNetImagesTests", dependencies: ["LeNetImages", "LeNetData", "CZlib"], exclude: ["Fixtures"]),
        .testTarget(name: "LeNetONNXTests", dependencies: ["LeNetONNX"]),
        .testTarget(name: "LeNetServerTests", dependencies: ["LeNetServer", .product(name: "FlyingFox", package: "FlyingFox")]),
        .testTarget(name: "LeNetCLITests", dependencies: ["LeNetCLI"], exclude: ["__Snapshots__"]),
    ]
)
