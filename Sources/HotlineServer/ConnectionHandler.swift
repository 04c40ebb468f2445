import HotlineProtocol
import HotlineTickets
import Logging
import NIOCore

/// Sent through a connection's pipeline when the daemon starts draining.
struct DrainRequest: Sendable {}

/// One gateway connection: runs commands in arrival order and writes their replies in that order.
///
/// Runs on the connection's event loop and never blocks it: answering, token checks and SQLite
/// writes run on other threads and come back as futures. Limits enforced here: the line cap
/// (raised after AUTH), the authentication and idle timeouts, commands per turn and in flight
/// (so one pipelining client cannot starve the rest), and the output a client leaves unread.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = InboundFrame
    typealias OutboundOut = ByteBuffer

    /// A frame waiting to run; `refused` when it arrived after the drain began (it gets
    /// `ERR DRAINING` in its turn, so replies keep their order).
    private struct Pending {
        var frame: InboundFrame
        var refused: Bool
    }

    private let server: ServerContext
    private let limit: LineLimit
    private let connectionCount: @Sendable () -> Int
    private var logger: Logger
    private var gateway: String?
    /// Set when a lawyer authenticated on this connection (instead of a gateway).
    private var lawyer: Lawyer?
    /// Claims made on this connection (ticket → claim token): returned to the queue when the
    /// connection goes away.
    private var claims: [Int64: String] = [:]
    /// Gateway events: the highest id written on this connection, and whether a fetch runs.
    private var lastDeliveredEvent: Int64 = 0
    private var fetchingEvents = false
    private var eventsWaiting = false
    private var context: ChannelHandlerContext!

    /// Frames received and not yet run. Frames are only queued as they are read; they run in
    /// turns of at most `commandsPerTurn` (after each read burst, or in a scheduled turn).
    private var inbox = CircularBuffer<Pending>()
    /// Replies in command order; `nil` while a command is still being answered.
    private var slots = CircularBuffer<Reply?>()
    private var firstSlot = 0
    /// Commands being answered off the loop.
    private var inFlight = 0
    /// While AUTH is checked no later command runs (its outcome changes what they may do).
    private var awaitingAuthentication = false
    /// Commands per session still running, so one session's commands run in order.
    private var sessionTails: [SessionID: (count: Int, tail: EventLoopFuture<Void>)] = [:]
    private var turnScheduled = false
    private var flushScheduled = false
    private var readingPaused = false
    /// No more commands are run; the connection closes once every reply is written.
    private var closing = false
    private var draining = false
    /// The client closed its sending side: what it sent is answered, then the connection closes.
    private var inputClosed = false
    /// The connection times out when no complete line arrives for `timeoutAmount` after
    /// `lastActivity` (one timer, re-checked when it fires, rather than one per command).
    private var timeout: Scheduled<Void>?
    private var timeoutAmount: TimeAmount = .seconds(10)
    private var lastActivity = NIODeadline.now()
    private var stallTimer: Scheduled<Void>?
    private var bufferedBytes = 0

    init(server: ServerContext, limit: LineLimit, connectionCount: @escaping @Sendable () -> Int, logger: Logger) {
        self.server = server
        self.limit = limit
        self.connectionCount = connectionCount
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        armTimeout(server.configuration.authenticationTimeout)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !claims.isEmpty {
            // A lawyer who disconnects returns their claims at once.
            let tickets = server.tickets, held = claims, now = ServerContext.millisecondsNow()
            claims = [:]
            Task { for (ticket, token) in held { try? await tickets.release(ticket: ticket, token: token, now: now) } }
        }
        timeout?.cancel()
        stallTimer?.cancel()
        inbox.removeAll()
        closing = true
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        inbox.append(Pending(frame: unwrapInboundIn(data), refused: draining))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        processInbox()
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is DrainRequest {
            beginDraining()
        } else if event is EventsAvailable {
            deliverEvents()
        } else if case ChannelEvent.inputClosed = event {
            inputClosed = true
            processInbox()
            closeWhenIdle()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stallTimer?.cancel()
            stallTimer = nil
        } else if stallTimer == nil {
            stallTimer = context.eventLoop.assumeIsolated().scheduleTask(in: server.configuration.outputStallTimeout) { [self] in
                logger.notice("client left its output unread: connection cut off")
                self.context.close(promise: nil)
            }
        }
        updateReading()
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: Running commands

    private func processInbox() {
        var handled = 0
        while !inbox.isEmpty, !closing, !awaitingAuthentication, inFlight < server.configuration.maximumCommandsInFlight,
              handled < server.configuration.commandsPerTurn {
            let pending = inbox.removeFirst()
            if pending.refused { refuseWhileDraining(pending.frame) } else { handle(pending.frame) }
            handled += 1
        }
        if closing { inbox.removeAll() }
        if handled == server.configuration.commandsPerTurn, !inbox.isEmpty, !turnScheduled {
            // Let the other connections on this event loop have a turn first.
            turnScheduled = true
            context.eventLoop.assumeIsolated().execute { [self] in
                turnScheduled = false
                processInbox()
            }
        }
        updateReading()
        if inputClosed || draining { closeWhenIdle() }
    }

    /// Stops reading from a client that has many commands queued or in flight, or does not read
    /// its output; resumes when that passes.
    private func updateReading() {
        let pause = inbox.count >= server.configuration.commandsPerTurn * 4
            || inFlight >= server.configuration.maximumCommandsInFlight
            || !context.channel.isWritable
        guard pause != readingPaused else { return }
        readingPaused = pause
        context.channel.setOption(ChannelOptions.autoRead, value: !pause).whenFailure { _ in }
        if !pause { context.read() }
    }

    private func handle(_ frame: InboundFrame) {
        switch frame {
        case .tlsHello:
            logger.notice("TLS hello on the text port: closed")
            server.metrics.recordError(ProtocolError.Code.notHotlineProtocol.rawValue)
            closing = true
            context.close(promise: nil)
        case .overlong(let bytes):
            replyNow(server.errorReply(ProtocolError(.lineTooLong, detail: "\(bytes) bytes")))
            if gateway == nil && lawyer == nil { closeAfterReplies() }
        case .line(let line):
            if gateway == nil, lawyer == nil, line.readableBytes > server.configuration.maximumLineBytesBeforeAuthentication {
                replyNow(server.errorReply(ProtocolError(.lineTooLong, detail: "\(server.configuration.maximumLineBytesBeforeAuthentication) bytes before AUTH")))
                closeAfterReplies()
                return
            }
            if gateway != nil || lawyer != nil { lastActivity = .now() }
            switch CommandParser.parse(line.readableBytesView) {
            case .failure(let error):
                replyNow(server.errorReply(error))
                if error.closesConnection { closeAfterReplies() } else { lowerLineCapUnlessAuthenticating() }
            case .success(let command):
                run(command)
            }
        }
    }

    private func run(_ command: Command) {
        guard gateway != nil || lawyer != nil else {
            switch command {
            case .ping: replyNow(.pong)
            case .quit: quit()
            case .auth(let token): authenticate(token)
            default:
                replyNow(server.errorReply(ProtocolError(.authenticationRequired, session: command.session)))
                lowerLineCapUnlessAuthenticating()
            }
            return
        }
        if (command.isGatewayCommand && gateway == nil) || (command.isLawyerCommand && lawyer == nil) {
            replyNow(server.errorReply(ProtocolError(.notAllowed, session: command.session)))
            return
        }
        let loop = context.eventLoop
        let server = self.server
        switch command {
        case .ping:
            replyNow(.pong)
        case .quit:
            quit()
        case .auth:
            replyNow(server.errorReply(ProtocolError(.alreadyAuthenticated)))
        case .stats:
            let connections = connectionCount()
            replyLater {
                loop.makeFutureWithTask {
                    .stats(server.statsFields(connections: connections) + ((try? await server.queueFields()) ?? []))
                }
            }
        case .end(let session):
            let gateway = self.gateway!
            inSessionOrder(session) {
                let key = SessionKey(gateway: gateway, session: session)
                server.sessions.end(key)
                server.ticketIndex.detach(key)
                return loop.makeFutureWithTask {
                    try await server.tickets.closeSession(gateway: gateway, session: session.value, now: ServerContext.millisecondsNow())
                    return Reply.ok(verb: "END", session: session, fields: [])
                }
            }
        case .feedback(let session, let value, let reference):
            let gateway = self.gateway!
            inSessionOrder(session) { server.feedback(gateway: gateway, session: session, value: value, reference: reference, on: loop) }
        case .set(let session, let attributes):
            let gateway = self.gateway!
            inSessionOrder(session) { server.setAttributes(gateway: gateway, session: session, attributes, on: loop) }
        case .ask(let session, let language, let text):
            let gateway = self.gateway!
            inSessionOrder(session) { server.ask(gateway: gateway, session: session, language: language, text: text, on: loop) }
        case .acknowledge(let event):
            let gateway = self.gateway!
            replyLater {
                loop.makeFutureWithTask {
                    try await server.tickets.acknowledge(gateway: gateway, event: event, now: ServerContext.millisecondsNow())
                        ? Reply.ok(verb: "ACK", session: nil, fields: [ReplyField("event", "\(event)")])
                        : server.errorReply(ProtocolError(.noSuchEvent, detail: "\(event)"))
                }
            }
        case .next:
            let lawyer = self.lawyer!
            let configuration = server.configuration
            let slot = reserveSlot()
            inFlight += 1
            loop.makeFutureWithTask {
                try await server.tickets.claimNext(lawyer: lawyer, now: ServerContext.millisecondsNow(),
                                                   lease: configuration.ticketLease.nanoseconds / 1_000_000,
                                                   anyLanguageAfter: configuration.anyLanguageAfter.nanoseconds / 1_000_000,
                                                   atRiskMargin: configuration.atRiskMargin.nanoseconds / 1_000_000)
            }.assumeIsolated().whenComplete { [self] result in
                inFlight -= 1
                switch result {
                case .success(let claim?):
                    guard context.channel.isActive else {
                        // The lawyer left while the claim was being made: give it straight back.
                        let tickets = server.tickets
                        Task { try? await tickets.release(ticket: claim.ticket.id, token: claim.token, now: ServerContext.millisecondsNow()) }
                        break
                    }
                    claims[claim.ticket.id] = claim.token
                    fill(slot, server.ticketReply(claim, lawyer: lawyer))
                case .success(nil):
                    fill(slot, .none)
                case .failure(let error):
                    server.logger.error("claiming failed", metadata: ["error": "\(error)"])
                    fill(slot, server.errorReply(ProtocolError(.internalError)))
                }
                processInbox()
            }
        case .reply(let ticket, let claim, let text):
            let lawyer = self.lawyer!
            replyLater(endingClaimOn: ticket) {
                server.lawyerCommand(on: loop, ticket: ticket, {
                    try await server.tickets.reply(ticket: ticket, token: claim, lawyer: lawyer.id, text: text, now: ServerContext.millisecondsNow())
                }, reply: { event in
                    server.openRating(event)
                    server.gatewayChannels.notify(event.gateway)
                    return .ok(verb: "REPLY", session: nil, fields: [ReplyField("ticket", "T\(ticket)"), ReplyField("event", "\(event.id)")])
                })
            }
        case .touch(let ticket, let claim):
            let lease = server.configuration.ticketLease.nanoseconds / 1_000_000
            replyLater {
                server.lawyerCommand(on: loop, ticket: ticket, {
                    try await server.tickets.touch(ticket: ticket, token: claim, now: ServerContext.millisecondsNow(), lease: lease)
                }, reply: { until in .ok(verb: "TOUCH", session: nil, fields: [ReplyField("ticket", "T\(ticket)"), ReplyField("lease-until", "\(until)")]) })
            }
        case .release(let ticket, let claim):
            replyLater(endingClaimOn: ticket) {
                server.lawyerCommand(on: loop, ticket: ticket, {
                    try await server.tickets.release(ticket: ticket, token: claim, now: ServerContext.millisecondsNow())
                }, reply: { _ in .ok(verb: "RELEASE", session: nil, fields: [ReplyField("ticket", "T\(ticket)")]) })
            }
        case .transfer(let ticket, let claim, let language):
            replyLater(endingClaimOn: ticket) {
                server.lawyerCommand(on: loop, ticket: ticket, {
                    try await server.tickets.transfer(ticket: ticket, token: claim, language: language, now: ServerContext.millisecondsNow())
                }, reply: { _ in .ok(verb: "TRANSFER", session: nil, fields: [ReplyField("ticket", "T\(ticket)"), ReplyField("lang", language)]) })
            }
        case .bury(let ticket), .kick(let ticket):
            guard lawyer?.supervisor == true else {
                replyNow(server.errorReply(ProtocolError(.notAllowed, detail: "supervisors only")))
                return
            }
            let bury: Bool
            if case .bury = command { bury = true } else { bury = false }
            replyLater {
                loop.makeFutureWithTask {
                    let now = ServerContext.millisecondsNow()
                    let done = bury ? try await server.tickets.bury(ticket: ticket, now: now) : try await server.tickets.kick(ticket: ticket, now: now)
                    return done ? Reply.ok(verb: bury ? "BURY" : "KICK", session: nil, fields: [ReplyField("ticket", "T\(ticket)")])
                        : server.errorReply(ProtocolError(.noSuchTicket, detail: "T\(ticket)"))
                }
            }
        case .reassign(let ticket, let language):
            guard lawyer?.supervisor == true else {
                replyNow(server.errorReply(ProtocolError(.notAllowed, detail: "supervisors only")))
                return
            }
            replyLater {
                loop.makeFutureWithTask {
                    try await server.tickets.reassign(ticket: ticket, language: language, now: ServerContext.millisecondsNow())
                        ? Reply.ok(verb: "REASSIGN", session: nil, fields: [ReplyField("ticket", "T\(ticket)"), ReplyField("lang", language)])
                        : server.errorReply(ProtocolError(.noSuchTicket, detail: "T\(ticket)"))
                }
            }
        case .complain(let session, let text):
            let gateway = self.gateway!
            inSessionOrder(session) { server.complain(gateway: gateway, session: session, text: text, language: nil, on: loop) }
        case .list(let status):
            let stored: TicketStatus = status == "waiting" ? .open : (status == "claimed" ? .claimed : .buried)
            replyLater {
                loop.makeFutureWithTask {
                    let now = ServerContext.millisecondsNow()
                    let tickets = try await server.tickets.list(status: stored, limit: 100)
                    return Reply.listing([ReplyField("status", status), ReplyField("count", "\(tickets.count)")] + tickets.map {
                        ReplyField("ticket", "\($0.wireID):\($0.language):\($0.priority == .urgent ? "urgent" : "normal"):\($0.reason):\((now - $0.createdAt) / 1000)")
                    })
                }
            }
        case .close(let ticket, let claim):
            let lawyer = self.lawyer!
            replyLater(endingClaimOn: ticket) {
                server.lawyerCommand(on: loop, ticket: ticket, {
                    try await server.tickets.close(ticket: ticket, token: claim, lawyer: lawyer.id, now: ServerContext.millisecondsNow())
                }, reply: { _ in .ok(verb: "CLOSE", session: nil, fields: [ReplyField("ticket", "T\(ticket)")]) })
            }
        case .note(let ticket, let claim, let text):
            let lawyer = self.lawyer!
            replyLater {
                server.lawyerCommand(on: loop, ticket: ticket, {
                    try await server.tickets.note(ticket: ticket, token: claim, lawyer: lawyer.id, text: text, now: ServerContext.millisecondsNow())
                }, reply: { _ in .ok(verb: "NOTE", session: nil, fields: [ReplyField("ticket", "T\(ticket)")]) })
            }
        }
    }

    /// Writes the gateway's unacknowledged events not yet written on this connection. Events are
    /// not replies: they go out at once, between replies.
    private func deliverEvents() {
        guard let gateway, !closing else { return }
        guard !fetchingEvents else {
            eventsWaiting = true
            return
        }
        fetchingEvents = true
        eventsWaiting = false
        let tickets = server.tickets, after = lastDeliveredEvent
        context.eventLoop.makeFutureWithTask { try await tickets.pendingEvents(gateway: gateway, after: after) }
            .assumeIsolated().whenComplete { [self] result in
                fetchingEvents = false
                switch result {
                case .success(let events):
                    for event in events where event.id > lastDeliveredEvent {
                        lastDeliveredEvent = event.id
                        write(server.eventReply(event))
                    }
                    if events.count == 1000 { eventsWaiting = true }
                case .failure(let error):
                    // Try again shortly: the events stay in the outbox meanwhile.
                    logger.error("reading the gateway's events failed", metadata: ["error": "\(error)"])
                    context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { [self] in deliverEvents() }
                }
                if eventsWaiting { deliverEvents() }
            }
    }

    /// Runs a session's commands one after another (a "2" must see the prompt it answers, a
    /// FEEDBACK the answer it rates), while different sessions run in parallel.
    private func inSessionOrder(_ session: SessionID, _ work: @escaping @Sendable () -> EventLoopFuture<Reply>) {
        let previous = sessionTails[session]?.tail ?? context.eventLoop.makeSucceededVoidFuture()
        let reply = previous.flatMap(work)
        // The tail always succeeds, so one failed command never stops the session's next ones.
        let tail = reply.map { _ in () }.recover { _ in () }
        sessionTails[session] = ((sessionTails[session]?.count ?? 0) + 1, tail)
        tail.assumeIsolated().whenComplete { [self] _ in
            if let entry = sessionTails[session] {
                sessionTails[session] = entry.count <= 1 ? nil : (entry.count - 1, entry.tail)
            }
        }
        replyLater { reply }
    }

    private func authenticate(_ token: String) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        // The attempt is counted before the token is looked up, so parallel connections from
        // one address cannot try more tokens than the limit.
        guard server.authentication.beginAttempt(address, now: .now()) else {
            logger.notice("too many failed AUTH attempts", metadata: ["hotline.address": "\(address)"])
            replyNow(server.errorReply(ProtocolError(.rateLimited)))
            closeAfterReplies()
            return
        }
        awaitingAuthentication = true
        let slot = reserveSlot()
        inFlight += 1
        let checked = context.eventLoop.makePromise(of: String?.self)
        server.store.authenticateGateway(token: token) { checked.completeWith($0) }
        let tickets = server.tickets
        let role = checked.futureResult.flatMap { gateway -> EventLoopFuture<(String?, Lawyer?)> in
            if let gateway { return checked.futureResult.eventLoop.makeSucceededFuture((gateway, nil)) }
            return checked.futureResult.eventLoop.makeFutureWithTask { (nil, try await tickets.authenticateLawyer(token: token)) }
        }
        role.assumeIsolated().whenComplete { [self] result in
            inFlight -= 1
            awaitingAuthentication = false
            switch result {
            case .success((let id?, _)):
                server.authentication.finishAttempt(address, succeeded: true, now: .now())
                gateway = id
                limit.raiseAfterAuthentication()
                logger[metadataKey: "hotline.gateway"] = "\(id)"
                logger.info("gateway authenticated")
                armTimeout(server.configuration.idleTimeout)
                fill(slot, .ok(verb: "AUTH", session: nil, fields: [
                    ReplyField("gateway", id), ReplyField("max-line", "\(server.configuration.maximumLineBytes)"), ReplyField("protocol", "1"),
                ]))
                server.gatewayChannels.register(id, context.channel)
                deliverEvents()
            case .success((nil, let lawyer?)):
                server.authentication.finishAttempt(address, succeeded: true, now: .now())
                self.lawyer = lawyer
                limit.raiseAfterAuthentication()
                logger[metadataKey: "hotline.lawyer"] = "\(lawyer.id)"
                logger.info("lawyer authenticated")
                armTimeout(server.configuration.idleTimeout)
                fill(slot, .ok(verb: "AUTH", session: nil, fields: [
                    ReplyField("lawyer", lawyer.id), ReplyField("languages", lawyer.languages.joined(separator: ",")),
                    ReplyField("max-line", "\(server.configuration.maximumLineBytes)"), ReplyField("protocol", "1"),
                ]))
            default:
                server.authentication.finishAttempt(address, succeeded: false, now: .now())
                lowerLineCapUnlessAuthenticating()
                logger.notice("AUTH failed", metadata: ["hotline.address": "\(address)"])
                fill(slot, server.errorReply(ProtocolError(.authenticationFailed)))
            }
            processInbox()
        }
    }

    /// Before AUTH succeeds the line cap is the small one, except while an AUTH line the decoder
    /// has already cut is still waiting to run (it raised the cap for what follows it).
    private func lowerLineCapUnlessAuthenticating() {
        guard gateway == nil, lawyer == nil, !awaitingAuthentication else { return }
        let authenticationQueued = inbox.contains { pending in
            guard case .line(let line) = pending.frame else { return false }
            return LineFrameDecoder.isAuthenticationLine(line)
        }
        if !authenticationQueued { limit.lowerAfterFailedAuthentication() }
    }

    private func quit() {
        replyNow(.bye)
        closeAfterReplies()
    }

    /// A frame that arrived after the drain began: QUIT and PING are still served, anything else
    /// gets `ERR DRAINING` (an over-long line its `ERR LINE_TOO_LONG`).
    private func refuseWhileDraining(_ frame: InboundFrame) {
        switch frame {
        case .tlsHello:
            handle(frame)
        case .overlong:
            handle(frame)
        case .line(let line):
            switch CommandParser.parse(line.readableBytesView) {
            case .success(.quit): quit()
            case .success(.ping): replyNow(.pong)
            case .success(let command): replyNow(server.errorReply(ProtocolError(.draining, session: command.session)))
            case .failure(let error): replyNow(server.errorReply(error))
            }
        }
    }

    private func beginDraining() {
        guard !draining else { return }
        draining = true
        write(.draining(text: server.operatorText("event.draining")))
        closeWhenIdle()
    }

    // MARK: Ordered replies

    private func reserveSlot() -> Int {
        slots.append(nil)
        return firstSlot + slots.count - 1
    }

    private func fill(_ slot: Int, _ reply: Reply) {
        slots[offset: slot - firstSlot] = reply
        while let first = slots.first, let reply = first {
            slots.removeFirst()
            firstSlot += 1
            write(reply)
        }
        closeWhenIdle()
    }

    private func replyNow(_ reply: Reply) { fill(reserveSlot(), reply) }

    /// Reserves the next reply slot and fills it when `make`'s future completes. A command that
    /// ends a claim (`endingClaimOn`) forgets it only when the store accepted it (`OK`); a refused
    /// one leaves the claim to be returned on disconnect.
    private func replyLater(endingClaimOn claimedTicket: Int64? = nil, _ make: () -> EventLoopFuture<Reply>) {
        let slot = reserveSlot()
        inFlight += 1
        make().assumeIsolated().whenComplete { [self] result in
            inFlight -= 1
            switch result {
            case .success(let reply):
                if let claimedTicket, case .ok = reply { claims[claimedTicket] = nil }
                fill(slot, reply)
            case .failure: fill(slot, server.errorReply(ProtocolError(.internalError)))
            }
            processInbox()
        }
    }

    private func write(_ reply: Reply) {
        guard context.channel.isActive else { return }
        var buffer = context.channel.allocator.buffer(capacity: 512)
        ReplyEncoder.write(reply, into: &buffer)
        buffer.writeInteger(UInt8(ascii: "\n"))
        let size = buffer.readableBytes
        bufferedBytes += size
        if bufferedBytes > 2 * server.configuration.maximumBufferedOutputBytes {
            logger.notice("client left too much output unread: connection cut off")
            closing = true
            context.close(promise: nil)
            return
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenComplete { [self] _ in bufferedBytes -= size }
        context.write(wrapOutboundOut(buffer), promise: written)
        scheduleFlush()
    }

    private func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute { [self] in
            flushScheduled = false
            context.flush()
        }
    }

    // MARK: Closing

    private func closeAfterReplies() {
        closing = true
        inbox.removeAll()
        closeWhenIdle()
    }

    /// Closes once nothing is queued, running or unwritten — after QUIT or a fatal error, during
    /// a drain, or once a client that closed its sending side has had every reply.
    private func closeWhenIdle() {
        guard closing || draining || inputClosed, slots.isEmpty, inFlight == 0, inbox.isEmpty, context.channel.isActive else { return }
        closing = true
        timeout?.cancel()
        context.eventLoop.assumeIsolated().execute { [self] in
            guard context.channel.isActive else { return }
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).assumeIsolated().whenComplete { [self] _ in
                context.close(promise: nil)
            }
        }
    }

    private func armTimeout(_ amount: TimeAmount) {
        timeoutAmount = amount
        lastActivity = .now()
        timeout?.cancel()
        scheduleTimeoutCheck(after: amount)
    }

    private func scheduleTimeoutCheck(after amount: TimeAmount) {
        timeout = context.eventLoop.assumeIsolated().scheduleTask(in: amount) { [self] in
            guard !closing, context.channel.isActive else { return }
            let idle = NIODeadline.now() - lastActivity
            if idle < timeoutAmount {
                scheduleTimeoutCheck(after: timeoutAmount - idle)
                return
            }
            logger.info("connection timed out")
            replyNow(server.errorReply(ProtocolError(.timeout)))
            closeAfterReplies()
        }
    }
}
