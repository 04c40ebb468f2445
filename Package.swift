// swift-tools-version:6.0
// LegalHotline: a multilingual public legal-services hotline engine.
// Targets depend one way: text analysis → knowledge base → answering → executables.
import PackageDescription

let package = Package(
    name: "LegalHotline",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hotline", targets: ["hotline"]),
        .library(name: "HotlineAnswering", targets: ["HotlineAnswering"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // ICU behind a C facade whose header exposes no ICU types (see PLATFORM notes in
        // docs/ARCHITECTURE.md: Foundation carries its own private ICU).
        .target(
            name: "CICUFacade",
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icui18n"), .linkedLibrary("icudata")]
        ),
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CStemmer", providers: [.apt(["libstemmer-dev"])]),
        .target(name: "HotlineText", dependencies: ["CICUFacade", "CStemmer"]),
        .target(
            name: "HotlineKnowledge",
            dependencies: [
                "HotlineText", "CSQLite",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "HotlineAnswering",
            dependencies: ["HotlineKnowledge", "HotlineText"]
        ),
        .executableTarget(
            name: "hotline",
            dependencies: [
                "HotlineAnswering", "HotlineKnowledge", "HotlineText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "HotlineTextTests", dependencies: ["HotlineText"]),
        .testTarget(name: "HotlineKnowledgeTests", dependencies: ["HotlineKnowledge", "HotlineText"]),
        .testTarget(name: "HotlineAnsweringTests", dependencies: ["HotlineAnswering", "HotlineKnowledge", "HotlineText"]),
    ]
)
