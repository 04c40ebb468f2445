import Foundation
import HotlineAnswering
import HotlineClient
import HotlineKnowledge
import HotlineServer
import HotlineStore
import HotlineTickets
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// The checkout these tests were built from (Tests/HotlineTesting/ → root).
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// A fresh temporary directory, removed when the value goes away.
public final class TemporaryDirectory: Sendable {
    public let path: String
    public init() {
        path = NSTemporaryDirectory() + "hotline-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The shipped knowledge base compiled once per test process (read-only, shared by daemons).
public let shippedKnowledgeBasePath: String = {
    let directory = NSTemporaryDirectory() + "hotline-test-kb-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let (sources, diagnostics) = SourceLoader.load(directory: repositoryRoot + "/KnowledgeBase")
    precondition(diagnostics.isEmpty, "shipped sources have errors: run hotline kb check")
    let path = directory + "/kb.sqlite"
    try! KnowledgeBuilder(sources: sources).build(to: path)
    return path
}()

public let shippedCatalog: LocaleCatalog = try! LocaleCatalog.load(directory: repositoryRoot + "/Locales")
public let operatorCatalog: LocaleCatalog = try! LocaleCatalog.load(directory: repositoryRoot + "/Locales/operator")

/// A real daemon on a loopback port chosen by the kernel, with its own data directory and a
/// gateway `test` whose token is ``gatewayToken``.
public final class TestDaemon: Sendable {
    public static let gatewayToken = "test-gateway-token-0123456789"
    /// Lawyers every test daemon knows: Li (Chinese), Smith (English), Chen (a supervisor) and
    /// eight more for races (`lawyer-token-N`).
    public static let lawyers: [(Lawyer, String)] = [
        (Lawyer(id: "li", languages: ["zh-Hans", "zh-Hant"], specialties: [], supervisor: false), "lawyer-token-li-0123456789"),
        (Lawyer(id: "smith", languages: ["en"], specialties: [], supervisor: false), "lawyer-token-smith-0123456789"),
        (Lawyer(id: "chen", languages: ["zh-Hans", "en"], specialties: [], supervisor: true), "lawyer-token-chen-0123456789"),
    ] + (0..<8).map { (Lawyer(id: "l\($0)", languages: ["zh-Hans", "en"], specialties: [], supervisor: false), "lawyer-token-\($0)-0123456789") }

    public let server: HotlineServer
    public let port: Int
    public let dataDirectory: TemporaryDirectory
    private let group: ServiceGroup
    private let running: Task<Void, Error>

    /// Starts a daemon; `configure` adjusts its configuration (port and data directory are set).
    /// With `logs`, every log line at every level is captured there.
    public static func start(knowledgeBase: String = shippedKnowledgeBasePath, logs: CapturedLogs? = nil,
                             _ configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> TestDaemon {
        let directory = TemporaryDirectory()
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.dataDirectory = directory.path
        configuration.answeringThreads = 2
        configure(&configuration)
        let store = try ServiceStore(directory: configuration.dataDirectory)
        try store.addGateway(id: "test", token: gatewayToken)
        let knowledge = try KnowledgeService(load: { try KnowledgeBaseFile(path: knowledgeBase) }, catalog: shippedCatalog,
                                             hotlinePhone: configuration.hotlinePhone, threads: configuration.answeringThreads)
        var logger = logs.map { logs in Logger(label: "hotlined-test") { _ in CapturingLogHandler(logs: logs) } } ?? Logger(label: "hotlined-test")
        logger.logLevel = logs == nil ? .critical : .trace
        let tickets = try SQLiteTicketStore(directory: configuration.dataDirectory)
        for lawyer in TestDaemon.lawyers { try await tickets.addLawyer(lawyer.0, token: lawyer.1) }
        let ticketIndex = TicketIndex()
        try await ticketIndex.load(from: tickets)
        let server = HotlineServer(configuration: configuration, knowledge: knowledge, store: store, tickets: tickets,
                                   ticketIndex: ticketIndex, operatorCatalog: operatorCatalog, logger: logger)
        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [], logger: logger)
        let running = Task { try await group.run() }
        let port = try await server.listeningPort()
        return TestDaemon(server: server, port: port, dataDirectory: directory, group: group, running: running)
    }

    private init(server: HotlineServer, port: Int, dataDirectory: TemporaryDirectory, group: ServiceGroup, running: Task<Void, Error>) {
        self.server = server
        self.port = port
        self.dataDirectory = dataDirectory
        self.group = group
        self.running = running
    }

    public func connect() async throws -> LineClient {
        try await LineClient.connect(host: "127.0.0.1", port: port)
    }

    /// A connection that has sent AUTH with the test gateway's token and read the `OK`.
    public func gateway() async throws -> LineClient {
        let client = try await connect()
        try await client.send("AUTH \(TestDaemon.gatewayToken)")
        let reply = try await client.readLine()
        guard reply.hasPrefix("OK AUTH") else { throw TestDaemonError("AUTH failed: \(reply)") }
        return client
    }

    /// A connection authenticated as a lawyer, by token.
    public func lawyer(_ token: String) async throws -> LineClient {
        let client = try await connect()
        try await client.send("AUTH \(token)")
        let reply = try await client.readLine()
        guard reply.hasPrefix("OK AUTH lawyer=") else { throw TestDaemonError("lawyer AUTH failed: \(reply)") }
        return client
    }

    /// Graceful shutdown, as on SIGTERM; returns when the daemon has stopped.
    public func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
        try await server.knowledge.shutdown()
    }
}

public struct TestDaemonError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Waits for `future` with a deadline (tests wait for events, never sleep).
public func waitFor(_ future: EventLoopFuture<Void>, timeout: TimeAmount = .seconds(30)) async throws {
    let promise = future.eventLoop.makePromise(of: Void.self)
    let timer = future.eventLoop.scheduleTask(in: timeout) { promise.fail(TestDaemonError("timed out after \(timeout)")) }
    future.whenComplete { result in
        timer.cancel()
        promise.completeWith(result)
    }
    try await promise.futureResult.get()
}

/// Log lines a test daemon wrote (message and metadata, rendered as text).
public final class CapturedLogs: Sendable {
    private let lines = NIOLockedValueBox([String]())
    public init() {}
    public var all: [String] { lines.withLockedValue { $0 } }
    func append(_ line: String) { lines.withLockedValue { $0.append(line) } }
}

struct CapturingLogHandler: LogHandler {
    let logs: CapturedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        let all = metadata.merging(explicit ?? [:]) { $1 }
        logs.append("\(level) \(message) \(all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
    }
}
