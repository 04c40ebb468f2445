import Dispatch
import HotlineAnswering
import HotlineProtocol
import HotlineStore
import HotlineTickets
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `hotlined` as a `Service`: listens for gateways, runs their connections, and on graceful
/// shutdown (SIGTERM through the ServiceGroup) stops accepting, tells every client `DRAINING`,
/// answers what it already received, and closes within the drain deadline.
public final class HotlineServer: Service, Sendable {
    public let configuration: ServerConfiguration
    public let knowledge: KnowledgeService
    public let store: ServiceStore
    public let metrics: ServerMetrics
    let context: ServerContext
    let group: EventLoopGroup
    private let logger: Logger
    private let connections = NIOLockedValueBox([ObjectIdentifier: Channel]())
    private let nextConnection = NIOLockedValueBox(0)
    private let listening: EventLoopPromise<Int>
    private let metricsListening: EventLoopPromise<Int?>

    public let tickets: TicketStore

    /// `ticketIndex` must have been loaded from `tickets` (``TicketIndex/load(from:)``).
    public init(configuration: ServerConfiguration, knowledge: KnowledgeService, store: ServiceStore, tickets: TicketStore,
                ticketIndex: TicketIndex, operatorCatalog: LocaleCatalog, logger: Logger,
                group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.tickets = tickets
        self.configuration = configuration
        self.knowledge = knowledge
        self.store = store
        self.group = group
        self.logger = logger
        let metrics = ServerMetrics()
        self.metrics = metrics
        context = ServerContext(
            configuration: configuration, knowledge: knowledge, sessions: SessionRegistry(expiry: configuration.sessionIdleExpiry),
            store: store, metrics: metrics, logger: logger,
            authentication: AuthenticationLimiter(allowed: configuration.authenticationFailuresAllowed, window: configuration.authenticationFailureWindow),
            startedAt: .now(), tickets: tickets, ticketIndex: ticketIndex, gatewayChannels: GatewayChannels(), operatorCatalog: operatorCatalog)
        listening = group.next().makePromise(of: Int.self)
        metricsListening = group.next().makePromise(of: Int?.self)
    }

    /// The port the daemon listens on, once it does (the real one when configured with port 0).
    public func listeningPort() async throws -> Int { try await listening.futureResult.get() }

    /// The metrics port once listening, `nil` when metrics are off.
    public func metricsPort() async throws -> Int? { try await metricsListening.futureResult.get() }

    public var sessions: SessionRegistry { context.sessions }
    public var openConnections: Int { connections.withLockedValue { $0.count } }

    /// Completes when every connection open now has closed (for tests and tools).
    public func connectionsOpenNowClosed() -> EventLoopFuture<Void> {
        let open = connections.withLockedValue { Array($0.values) }
        return EventLoopFuture.andAllComplete(open.map(\.closeFuture), on: group.next())
    }

    public func run() async throws {
        // No lawyer is connected before the daemon listens: claims left by a previous run (a crash)
        // go back to the queue at once instead of waiting out their leases.
        if let released = try? await tickets.releaseAllClaims(), released > 0 {
            logger.notice("claims of the previous run returned to the queue", metadata: ["hotline.tickets": "\(released)"])
        }
        let serverChannel: Channel
        do {
            serverChannel = try await bootstrap().bind(host: configuration.host, port: configuration.port).get()
        } catch {
            listening.fail(error)
            metricsListening.fail(error)
            throw error
        }
        let port = serverChannel.localAddress?.port ?? configuration.port
        logger.info("listening", metadata: ["hotline.host": "\(configuration.host)", "hotline.port": "\(port)", "hotline.kb": "\(knowledge.generation.version)"])
        listening.succeed(port)
        var metricsChannel: Channel?
        if let metricsPort = configuration.metricsPort {
            do {
                metricsChannel = try await MetricsEndpoint.bind(host: configuration.host, port: metricsPort, group: group) { [context] in
                    context.metrics.render(sessions: context.sessions.count)
                }
                metricsListening.succeed(metricsChannel?.localAddress?.port)
            } catch {
                metricsListening.fail(error)
                try? await serverChannel.close()
                throw error
            }
        } else {
            metricsListening.succeed(nil)
        }
        let sessions = context.sessions
        // Expiry rebuilds the session table: it runs on a background queue, not on a loop.
        let sweeper = group.next().scheduleRepeatedTask(initialDelay: .seconds(60), delay: .seconds(60)) { _ in
            DispatchQueue.global(qos: .utility).async { sessions.expire(now: .now()) }
        }

        // Expired leases return their tickets to the queue (and bury the ones that keep expiring).
        let tickets = self.tickets
        let buryAfter = configuration.buryAfterExpiries
        let sweeperLoop = group.next()
        let leaseSweeper = sweeperLoop.scheduleRepeatedAsyncTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            sweeperLoop.makeFutureWithTask { _ = try? await tickets.expireLeases(now: ServerContext.millisecondsNow(), buryAfter: buryAfter) }
        }

        // Retention: once an hour, blank raw text older than `retention-days` (off the loops).
        let store = context.store
        let retention = Int64(configuration.retentionDays) * 86_400_000
        let logger = self.logger
        let retentionSweeper = sweeperLoop.scheduleRepeatedAsyncTask(initialDelay: .minutes(1), delay: .hours(1)) { _ in
            sweeperLoop.makeFutureWithTask {
                let cutoff = ServerContext.millisecondsNow() - retention
                do {
                    let transcript = try await withCheckedThrowingContinuation { continuation in
                        DispatchQueue.global(qos: .utility).async { continuation.resume(with: Result { try store.purgeRawText(before: cutoff) }) }
                    }
                    let ticketText = try await tickets.purgeRawText(before: cutoff)
                    if transcript + ticketText > 0 {
                        logger.info("retention purge", metadata: ["hotline.transcript-rows": "\(transcript)", "hotline.ticket-rows": "\(ticketText)"])
                    }
                } catch {
                    logger.error("retention purge failed", metadata: ["error": "\(error)"])
                }
            }
        }

        try? await gracefulShutdown()

        sweeper.cancel()
        leaseSweeper.cancel()
        retentionSweeper.cancel()
        await drain(serverChannel)
        try? await metricsChannel?.close()
    }

    private func drain(_ serverChannel: Channel) async {
        try? await serverChannel.close()
        let open = connections.withLockedValue { Array($0.values) }
        logger.info("draining", metadata: ["hotline.connections": "\(open.count)"])
        for channel in open { channel.pipeline.fireUserInboundEventTriggered(DrainRequest()) }
        let loop = group.next()
        let deadline = loop.scheduleTask(in: configuration.drainTimeout) {
            for channel in open { channel.close(promise: nil) }
        }
        try? await EventLoopFuture.andAllComplete(open.map(\.closeFuture), on: loop).get()
        deadline.cancel()
        store.flush()
        logger.info("drained")
    }

    /// Loads the knowledge base again and swaps it in; a bad file is refused and the old one
    /// keeps serving. Questions in flight finish on the file they started with.
    @discardableResult
    public func reloadKnowledgeBase() async -> Bool {
        do {
            let generation = try await knowledge.reloadOffTheAnsweringThreads()
            metrics.recordReload(succeeded: true)
            logger.info("knowledge base reloaded", metadata: ["hotline.kb": "\(generation.version)"])
            return true
        } catch {
            metrics.recordReload(succeeded: false)
            logger.error("knowledge base reload refused; the old one keeps serving", metadata: ["error": "\(error)"])
            return false
        }
    }

    private func bootstrap() -> ServerBootstrap {
        let configuration = self.configuration
        let context = self.context
        let connections = self.connections
        let metrics = self.metrics
        let nextConnection = self.nextConnection
        let logger = self.logger
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // A client that shuts down its sending side (`nc -N`) still gets every reply.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.writeBufferWaterMark,
                                value: .init(low: configuration.maximumBufferedOutputBytes / 4, high: configuration.maximumBufferedOutputBytes))
            .childChannelInitializer { channel in
                let id = ObjectIdentifier(channel)
                let admitted = connections.withLockedValue { table -> Bool in
                    guard table.count < configuration.maximumConnections else { return false }
                    table[id] = channel
                    return true
                }
                guard admitted else {
                    metrics.connectionRefused()
                    let reply = context.errorReply(ProtocolError(.tooManyConnections))
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(RefusingHandler(line: ReplyEncoder.line(reply)))
                    }
                }
                metrics.connectionOpened()
                channel.closeFuture.whenComplete { _ in
                    connections.withLockedValue { _ = $0.removeValue(forKey: id) }
                    metrics.connectionClosed()
                }
                let number = nextConnection.withLockedValue { $0 += 1; return $0 }
                var connectionLogger = logger
                connectionLogger[metadataKey: "hotline.connection"] = "\(number)"
                return channel.eventLoop.makeCompletedFuture {
                    let limit = LineLimit(beforeAuthentication: configuration.maximumLineBytesBeforeAuthentication,
                                          afterAuthentication: configuration.maximumLineBytes)
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(limit: limit)))
                    try channel.pipeline.syncOperations.addHandler(ConnectionHandler(
                        server: context, limit: limit, connectionCount: { connections.withLockedValue { $0.count } }, logger: connectionLogger))
                }
            }
    }
}

/// Answers a connection beyond the limit with one error line and closes it.
final class RefusingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let line: String

    init(line: String) { self.line = line }

    func channelActive(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: line.utf8.count + 1)
        buffer.writeString(line + "\n")
        context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
