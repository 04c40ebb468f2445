import ArgumentParser
import Dispatch
import Foundation
import HotlineAnswering
import HotlineKnowledge
import HotlineServer
import HotlineStore
import HotlineText
import HotlineTickets
import Logging
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// `hotlined`: the text-protocol daemon hotline gateways talk to.
///
/// Settings come, lowest first, from the defaults, a configuration file (`--config`), `HOTLINED_*`
/// environment variables (`HOTLINED_PORT=12348`, `HOTLINED_DATA_DIR=…`) and flags.
@main
struct Hotlined: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotlined",
        abstract: "LegalHotline daemon: answers gateways' caller messages over a line-based text protocol.",
        discussion: "Every setting (file key = value, HOTLINED_<KEY> with - as _, or --set key=value):\n\n" + ServerConfiguration.documentation()
    )

    @Option(help: "Configuration file of `key = value` lines.") var config: String?
    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(help: "Port for gateways (default 12348).") var port: Int?
    @Option(help: "Data directory (default ./hotline-data).") var dataDir: String?
    @Option(help: "Knowledge base file (default: the shipped KB, rebuilt when its sources change).") var kb: String?
    @Option(help: "Engine configuration JSON (answering thresholds).") var engineConfig: String?
    @Option(help: "Adds (or re-keys) the gateway `default` with this token.") var gatewayToken: String?
    @Option(help: "trace, debug, info, notice, warning, error or critical (default info).") var logLevel: String?
    @Option(help: "Port for Prometheus metrics (off by default).") var metricsPort: Int?
    @Option(help: "Any other setting, as key=value (repeatable).") var set: [String] = []

    func run() async throws {
        var settings: [(key: String, value: String, source: String)] = []
        if let config {
            guard let text = try? String(contentsOfFile: config, encoding: .utf8) else { throw ValidationError("cannot read \(config)") }
            settings += try ServerConfiguration.parseFile(text, name: config)
        }
        var logLevelText = "info"
        for (name, value) in ProcessInfo.processInfo.environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("HOTLINED_") {
            let key = name.dropFirst("HOTLINED_".count).lowercased().replacingOccurrences(of: "_", with: "-")
            if key == "log-level" { logLevelText = value; continue }
            if key == "gateway-token" || key == "kb" { continue }
            settings.append((key, value, name))
        }
        if let host { settings.append(("host", host, "--host")) }
        if let port { settings.append(("port", "\(port)", "--port")) }
        if let dataDir { settings.append(("data-dir", dataDir, "--data-dir")) }
        if let metricsPort { settings.append(("metrics-port", "\(metricsPort)", "--metrics-port")) }
        for item in set {
            guard let equals = item.firstIndex(of: "=") else { throw ValidationError("--set expects key=value, got \(item)") }
            settings.append((String(item[..<equals]), String(item[item.index(after: equals)...]), "--set"))
        }
        if let logLevel { logLevelText = logLevel }
        var serverConfiguration = ServerConfiguration()
        do { try serverConfiguration.apply(settings) } catch { throw ValidationError("\(error)") }
        guard let level = Logger.Level(rawValue: logLevelText) else { throw ValidationError("unknown log level \(logLevelText)") }

        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "hotlined")

        let resources = try ProjectResources.locate()
        let operatorCatalog = try LocaleCatalog.load(directory: resources.localesDirectory + "/operator")
        let engineConfiguration = try engineConfig.map { try EngineConfiguration.load(path: $0) } ?? EngineConfiguration()
        let kbPath = kb ?? ProcessInfo.processInfo.environment["HOTLINED_KB"]
        let load: @Sendable () throws -> KnowledgeBaseFile = {
            if let kbPath { return try KnowledgeBaseFile(path: kbPath) }
            return try resources.defaultKnowledgeBaseFile(chinese: ChineseScriptTable())
        }
        let knowledge = try KnowledgeService(load: load, configuration: engineConfiguration, catalog: try resources.catalog(),
                                             hotlinePhone: serverConfiguration.hotlinePhone, threads: serverConfiguration.answeringThreads)
        let store = try ServiceStore(directory: serverConfiguration.dataDirectory)
        try provisionGateway(store: store, configuration: serverConfiguration, catalog: operatorCatalog)

        let tickets = try SQLiteTicketStore(directory: serverConfiguration.dataDirectory)
        let ticketIndex = TicketIndex()
        try await ticketIndex.load(from: tickets)
        let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: serverConfiguration.eventLoopThreads)
        let server = HotlineServer(configuration: serverConfiguration, knowledge: knowledge, store: store, tickets: tickets,
                                   ticketIndex: ticketIndex, operatorCatalog: operatorCatalog, logger: logger, group: eventLoops)
        // SIGHUP reloads the knowledge base (checked first; a bad file is refused).
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler { Task { await server.reloadKnowledgeBase() } }
        hangup.resume()

        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        Task {
            if let port = try? await server.listeningPort() {
                say(operatorCatalog.text("daemon.listening", .english, [
                    "host": serverConfiguration.host, "port": "\(port)", "kb": knowledge.generation.version, "data": serverConfiguration.dataDirectory,
                ]))
                say(operatorCatalog.text("daemon.connect-hint", .english, ["host": serverConfiguration.host, "port": "\(port)"]))
                if let metricsPort = try? await server.metricsPort() {
                    say(operatorCatalog.text("daemon.metrics", .english, ["host": serverConfiguration.host, "port": "\(metricsPort)"]))
                }
            }
        }
        try await group.run()
        hangup.cancel()
        try await knowledge.shutdown()
        try await eventLoops.shutdownGracefully()
    }

    /// `--gateway-token` adds the gateway `default`; with no gateway at all, the first start
    /// creates one with a random token, keeps it in the data directory and prints it.
    func provisionGateway(store: ServiceStore, configuration: ServerConfiguration, catalog: LocaleCatalog) throws {
        let token = gatewayToken ?? ProcessInfo.processInfo.environment["HOTLINED_GATEWAY_TOKEN"]
        if let token {
            guard ServiceStore.isAcceptableToken(token) else { throw ValidationError("a gateway token is 16-128 printable ASCII characters without spaces") }
            try store.addGateway(id: "default", token: token)
            return
        }
        guard try store.gateways().isEmpty else { return }
        let fresh = ServiceStore.randomToken()
        let path = configuration.dataDirectory + "/gateway-token"
        guard FileManager.default.createFile(atPath: path, contents: Data((fresh + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write \(path)")
        }
        try store.addGateway(id: "default", token: fresh)
        say(catalog.text("daemon.first-token", .english, ["gateway": "default", "token": fresh, "path": path]))
    }
}

/// Writes a line to standard output at once (print is buffered when stdout is a file or pipe).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
