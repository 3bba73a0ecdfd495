// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "exp",
    products: [
        .executable(name: "exp", targets: ["exp"]),
        .library(name: "Tensors", targets: ["Tensors"]),
        .library(name: "Autodiff", targets: ["Autodiff"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CEditLine", pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]),
        .target(name: "CKernels"),
        .target(name: "CProcess"),
        .target(
            name: "Tensors",
            dependencies: ["CBLAS", "CKernels", .product(name: "RealModule", package: "swift-numerics")]),
        .target(name: "Autodiff", dependencies: ["Tensors"]),
        .target(name: "Lab", dependencies: ["Tensors", "Autodiff"]),
        .target(name: "Plot"),
        .target(name: "Language", dependencies: ["Tensors", "Autodiff", "CProcess"], resources: [.copy("Prelude")]),
        .target(name: "Experiments", dependencies: ["Tensors", "Autodiff", "Lab", "Plot", "Language"]),
        .target(name: "REPL", dependencies: ["Language", "Experiments", "Lab", "Plot", "Tensors", "CEditLine"]),
        .executableTarget(
            name: "CoreBench", dependencies: ["Tensors", "Autodiff", "CBLAS"],
            path: "Benchmarks/CoreBench"),
        .executableTarget(
            name: "exp", dependencies: ["Tensors", "Autodiff", "Lab", "Language", "Experiments", "REPL", "CProcess", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "ExpFuzz", dependencies: ["Language", "Experiments", "Tensors"],
            swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors", "CKernels"]),
        .testTarget(name: "AutodiffTests", dependencies: ["Autodiff", "Tensors"]),
        .testTarget(name: "LabTests", dependencies: ["Lab", "Autodiff", "Tensors"]),
        .testTarget(name: "LanguageTests", dependencies: ["Language", "Experiments", "Lab", "Plot", "Autodiff", "Tensors"], exclude: ["Golden"]),
        .testTarget(name: "PlotTests", dependencies: ["Plot", "Language", "Experiments"]),
        .testTarget(name: "REPLTests", dependencies: ["REPL", "Language", "Experiments"]),
    ]
)
