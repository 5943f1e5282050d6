// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "pallet",
    // No `platforms:` entry: pallet builds on Linux only (it imports Glibc and calls memfd_create),
    // and that entry can only name Apple platforms.
    products: [
        .executable(name: "pallet", targets: ["pallet"]),
        .library(name: "PalletSpec", targets: ["PalletSpec"]),
        .library(name: "PalletContract", targets: ["PalletContract"]),
        .library(name: "PalletCompiler", targets: ["PalletCompiler"]),
        .library(name: "PalletExecutor", targets: ["PalletExecutor"]),
        .library(name: "PalletReview", targets: ["PalletReview"]),
        .library(name: "PalletVendor", targets: ["PalletVendor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .systemLibrary(
            name: "CLibArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        .target(
            name: "PalletSpec",
            dependencies: ["CLibYAML"],
            // The built-in crates' spec files; scripts/embed-runtime.py embeds them (Crates/EmbeddedCrates.swift).
            exclude: ["Crates/BuiltIn"]
        ),
        .target(name: "CSystemShims"),
        // What the compiler and the executor share: plan.json, the inputs digest, tar, SHA-256,
        // the bundle's files and the node protocol. The executor depends on it, never on the compiler.
        .target(
            name: "PalletContract",
            dependencies: ["CLibArchive", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "PalletCompiler",
            dependencies: ["PalletSpec", "PalletContract", "CSystemShims"],
            // The runtime's shell sources; scripts/embed-runtime.py embeds them (Emit/Runtime/EmbeddedRuntime.swift).
            exclude: ["NodeRuntime", "ProvisionRuntime"]
        ),
        .target(
            name: "PalletExecutor",
            dependencies: [
                "PalletSpec",
                "PalletContract",
                "CSystemShims",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // What a change does: two out/ trees (the specs compiled, a folder, a git revision)
        // compared group by group and step by step, for `pallet diff`.
        .target(
            name: "PalletReview",
            dependencies: ["PalletContract", .product(name: "Subprocess", package: "swift-subprocess")]
        ),
        // `pallet vendor`: the .deb files of groups with `vendor:` resolved with the control host's apt
        // (private state, signed metadata), cached by SHA-256, and specs/vendor.lock. It depends on the
        // compiler only to read the resolved plan's package requests.
        .target(
            name: "PalletVendor",
            dependencies: ["PalletSpec", "PalletContract", "PalletCompiler", .product(name: "Subprocess", package: "swift-subprocess")]
        ),
        .executableTarget(
            name: "pallet",
            dependencies: [
                "PalletVendor",
                "PalletSpec",
                "PalletContract",
                "PalletCompiler",
                "PalletExecutor",
                "PalletReview",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "PalletTestSupport",
            dependencies: ["PalletSpec", "PalletContract", "PalletCompiler"],
            path: "Tests/PalletTestSupport"
        ),
        .executableTarget(
            name: "pallet-fuzz",
            dependencies: ["PalletTestSupport"],
            path: "Tests/PalletFuzz"
        ),
        // Test targets follow the modules: each depends only on what its files import.
        .testTarget(
            name: "PalletSpecTests",
            dependencies: ["PalletSpec", "PalletTestSupport"]
        ),
        // Compiling specs into out/: diagnostics, resolution, emitted scripts, tars.
        .testTarget(
            name: "PalletCompilerTests",
            dependencies: ["PalletSpec", "PalletContract", "PalletCompiler", "PalletTestSupport"]
        ),
        // The node runtime and the provisioning scripts at work: bundles on test hosts, runtime
        // functions without root, the VBoxManage simulator.
        .testTarget(
            name: "PalletRuntimeTests",
            dependencies: ["PalletSpec", "PalletContract", "PalletCompiler", "PalletTestSupport"]
        ),
        // The executor library used directly.
        .testTarget(
            name: "PalletExecutorTests",
            dependencies: ["PalletSpec", "PalletContract", "PalletCompiler", "PalletExecutor", "PalletTestSupport"]
        ),
        // Plan comparison: step matching, the summary's Markdown, bases from folders and git.
        .testTarget(
            name: "PalletReviewTests",
            dependencies: ["PalletContract", "PalletCompiler", "PalletReview", "PalletTestSupport"]
        ),
        // Vendoring with the control host's apt: requests, resolution, the cache and the lock.
        .testTarget(
            name: "PalletVendorTests",
            dependencies: ["PalletSpec", "PalletContract", "PalletCompiler", "PalletVendor", "PalletTestSupport"]
        ),
        // The pallet binary, run as a user runs it.
        .testTarget(
            name: "PalletCLITests",
            dependencies: ["PalletSpec", "PalletContract", "PalletCompiler", "PalletExecutor", "PalletTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
