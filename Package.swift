// swift-tools-version:6.0
// LegalHotline: a multilingual public legal-services hotline engine.
// Targets depend one way: text analysis → knowledge base → answering → store → protocol →
// server → executables (docs/ARCHITECTURE.md).
import PackageDescription

let package = Package(
    name: "LegalHotline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hotline", targets: ["hotline"]),
        .executable(name: "hotlined", targets: ["hotlined"]),
        .library(name: "HotlineAnswering", targets: ["HotlineAnswering"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // ICU behind a C facade whose header exposes no ICU types (see PLATFORM notes in
        // docs/ARCHITECTURE.md: Foundation carries its own private ICU).
        .target(
            name: "CICUFacade",
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icui18n"), .linkedLibrary("icudata")]
        ),
        // CLD2 (C++) behind a C header: language identification of text whose script is not enough.
        .target(name: "CLanguageID", linkerSettings: [.linkedLibrary("cld2")]),
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CStemmer", providers: [.apt(["libstemmer-dev"])]),
        // OpenCC: Simplified → Hong Kong Traditional (`s2hk`) for zh-Hant callers.
        .systemLibrary(name: "COpenCC", providers: [.apt(["libopencc-dev"])]),
        .target(name: "HotlineText", dependencies: ["CICUFacade", "CStemmer", "CLanguageID", "COpenCC"]),
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
        // The service's durable data in the data directory: gateways, consultations, feedback.
        .target(
            name: "HotlineStore",
            dependencies: ["HotlineKnowledge", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Escalation to lawyers: tickets, leases, the gateway outbox, behind the TicketStore protocol.
        .target(
            name: "HotlineTickets",
            dependencies: [
                "HotlineKnowledge", "HotlineStore", "HotlineText",
            ]
        ),
        // The gateway protocol: typed commands and replies, a pure parser and encoder, line framing.
        .target(
            name: "HotlineProtocol",
            dependencies: ["HotlineText", .product(name: "NIOCore", package: "swift-nio")],
            exclude: ["PROTOCOL.md"]
        ),
        // A protocol client (for `hotline chat`, `hotline bench` and the tests).
        .target(
            name: "HotlineClient",
            dependencies: [
                "HotlineProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The daemon as a Service: accept, limits, sessions, answering off the event loops, metrics.
        .target(
            name: "HotlineServer",
            dependencies: [
                "HotlineAnswering", "HotlineKnowledge", "HotlineProtocol", "HotlineStore", "HotlineText", "HotlineTickets",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "hotline",
            dependencies: [
                "HotlineAnswering", "HotlineKnowledge", "HotlineText", "HotlineStore", "HotlineClient", "HotlineProtocol", "HotlineTickets",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "hotlined",
            dependencies: [
                "HotlineServer", "HotlineAnswering", "HotlineStore", "HotlineKnowledge", "HotlineText", "HotlineTickets",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Test-only: a daemon on port 0 with its own temporary data directory, and a client.
        .target(
            name: "HotlineTesting",
            dependencies: [
                "HotlineServer", "HotlineClient", "HotlineAnswering", "HotlineStore", "HotlineTickets",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Tests/HotlineTesting"
        ),
        .testTarget(name: "HotlineTextTests", dependencies: ["HotlineText"]),
        .testTarget(name: "HotlineKnowledgeTests", dependencies: ["HotlineKnowledge", "HotlineText"]),
        .testTarget(name: "HotlineAnsweringTests", dependencies: ["HotlineAnswering", "HotlineKnowledge", "HotlineText"]),
        .testTarget(name: "HotlineProtocolTests", dependencies: ["HotlineProtocol", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOTestUtils", package: "swift-nio")]),
        .testTarget(name: "HotlineServerTests", dependencies: ["HotlineTesting", "HotlineServer", "HotlineClient", "HotlineProtocol", "HotlineStore", "HotlineAnswering", "HotlineTickets"]),
        .testTarget(name: "HotlineTicketsTests", dependencies: ["HotlineTickets", "HotlineTesting"]),
    ]
)
