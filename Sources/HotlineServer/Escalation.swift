import Foundation
import HotlineAnswering
import HotlineProtocol
import HotlineText
import HotlineTickets
import NIOConcurrencyHelpers
import NIOCore

/// Which sessions have a ticket their messages join (open, claimed or answered), so an ASK needs
/// no ticket-store query to know. Loaded from the store at start; kept in step by this daemon, the
/// only writer of its SQLite ticket store.
public final class TicketIndex: Sendable {
    private let tickets = NIOLockedValueBox([SessionKey: Int64]())

    public init() {}

    func ticket(for key: SessionKey) -> Int64? { tickets.withLockedValue { $0[key] } }

    /// Fills the index from the store (at start).
    public func load(from store: TicketStore) async throws {
        let attached = try await store.attachedSessions()
        tickets.withLockedValue { table in
            for (gateway, session, ticket) in attached {
                if let id = SessionID(session) { table[SessionKey(gateway: gateway, session: id)] = ticket }
            }
        }
    }
    func attach(_ key: SessionKey, _ ticket: Int64) { tickets.withLockedValue { $0[key] = ticket } }
    func detach(_ key: SessionKey) { tickets.withLockedValue { _ = $0.removeValue(forKey: key) } }
}

/// Sent through a gateway connection's pipeline when the gateway has events to receive.
struct EventsAvailable: Sendable {}

/// The connections of each gateway, to deliver events to (the oldest connection receives them;
/// when it closes, the next one gets every event not yet acknowledged).
final class GatewayChannels: Sendable {
    private let channels = NIOLockedValueBox([String: [Channel]]())

    func register(_ gateway: String, _ channel: Channel) {
        channels.withLockedValue { $0[gateway, default: []].append(channel) }
        channel.closeFuture.whenComplete { [self] _ in
            let next = channels.withLockedValue { table -> Channel? in
                table[gateway]?.removeAll { $0 === channel }
                if table[gateway]?.isEmpty == true { table[gateway] = nil }
                return table[gateway]?.first
            }
            next?.pipeline.fireUserInboundEventTriggered(EventsAvailable())
        }
    }

    func notify(_ gateway: String) {
        channels.withLockedValue { $0[gateway]?.first }?.pipeline.fireUserInboundEventTriggered(EventsAvailable())
    }
}

extension ServerContext {
    static func millisecondsNow() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Opens the ticket for an escalated question and rewrites the reply around it: the ticket
    /// id, the promised time, in the caller's language.
    func openTicket(_ outcome: ConsultationOutcome, key: SessionKey, question: String, on eventLoop: EventLoop) -> EventLoopFuture<ConsultationOutcome> {
        let urgent: Bool
        let reason: String
        switch outcome.escalation {
        case .urgent(let trigger, _)?: (urgent, reason) = (true, "urgent:" + trigger)
        case .callerAskedForPerson?: (urgent, reason) = (false, "caller-request")
        default: (urgent, reason) = (false, "low-confidence")
        }
        let minutes = urgent ? configuration.urgentResponseMinutes : configuration.ticketResponseMinutes
        let now = ServerContext.millisecondsNow()
        let new = NewTicket(gateway: key.gateway, session: key.session.value, language: outcome.language.tag, topic: outcome.topic,
                            priority: urgent ? .urgent : .normal, reason: reason, question: question, candidates: outcome.candidates,
                            deadline: now + Int64(minutes) * 60_000)
        let tickets = self.tickets
        return eventLoop.makeFutureWithTask { try await tickets.open(new, now: now) }.map { [self] ticket in
            ticketIndex.attach(key, ticket.id)
            var escalated = outcome
            escalated.ticket = ticket.wireID
            escalated.fields = outcome.fields.filter { $0.key != "phone" }
                + [ReplyField("respond-within", "\(minutes)"), ReplyField("deadline", "\(ticket.deadline)")]
            escalated.text = ticketText(urgent: urgent, key: "ticket.opened", ticket: ticket.wireID, minutes: minutes, language: outcome.language)
            return escalated
        }
    }

    /// A message from a session whose ticket is open joins the ticket instead of being answered.
    /// An urgent message (a trigger such as "he is hitting me now") raises the ticket to urgent and
    /// tells the caller to ring 110.
    func joinTicket(_ ticket: Int64, key: SessionKey, text: String, urgent: Bool, on eventLoop: EventLoop) -> EventLoopFuture<ConsultationOutcome> {
        let tickets = self.tickets
        let now = ServerContext.millisecondsNow()
        let urgentDeadline = urgent ? now + Int64(configuration.urgentResponseMinutes) * 60_000 : nil
        return eventLoop.makeFutureWithTask {
            try await tickets.addCallerMessage(ticket: ticket, text: text, now: now, urgentDeadline: urgentDeadline)
        }.map { [self] ticket in
            let language = Language(tag: ticket.language) ?? .english
            var fields = [ReplyField("lang", language.tag), ReplyField("reason", "joined")]
            if urgent { fields.append(ReplyField("priority", "urgent")) }
            var outcome = ConsultationOutcome(kind: .escalated, language: language, fields: fields,
                                              text: ticketText(urgent: urgent, key: "ticket.joined", ticket: ticket.wireID, minutes: 0, language: language),
                                              faq: nil, confidence: 0, citations: [], choices: [])
            outcome.ticket = ticket.wireID
            return outcome
        }
    }

    /// A caller's complaint about the service: a ticket only supervisors take; it does not hold
    /// the session (the caller may go on asking).
    func complain(gateway: String, session: SessionID, text: String, language: Language?, on eventLoop: EventLoop) -> EventLoopFuture<Reply> {
        let now = ServerContext.millisecondsNow()
        let language = language ?? sessions.peek(SessionKey(gateway: gateway, session: session), now: .now())?.language ?? .simplifiedChinese
        let new = NewTicket(gateway: gateway, session: session.value, language: language.tag, topic: "complaint", priority: .normal,
                            reason: "complaint", question: text, candidates: [],
                            deadline: now + Int64(configuration.ticketResponseMinutes) * 60_000)
        let tickets = self.tickets
        return eventLoop.makeFutureWithTask { try await tickets.open(new, now: now) }
            .map { Reply.ok(verb: "COMPLAIN", session: session, fields: [ReplyField("ticket", $0.wireID)]) }
            .recover { [self] _ in errorReply(ProtocolError(.internalError, session: session)) }
    }

    /// After a lawyer's reply the caller's next bare 1–5 rates it.
    /// Only while the session still belongs to that ticket (not after END).
    func openRating(_ event: GatewayEvent) {
        guard let session = SessionID(event.session) else { return }
        let key = SessionKey(gateway: event.gateway, session: session)
        guard ticketIndex.ticket(for: key) == event.ticket else { return }
        let language = Language(tag: event.language) ?? .english
        sessions.withSession(key, now: .now()) { $0.openRating = (event.ticket, language) }
    }

    func ticketText(urgent: Bool, key: String, ticket: String, minutes: Int, language: Language) -> String {
        var lines: [String] = []
        if urgent { lines.append(catalog.text("escalate.urgent", language, ["phone": configuration.hotlinePhone])) }
        lines.append(catalog.text(key, language, ["ticket": ticket, "minutes": "\(minutes)"]))
        lines.append("")
        lines.append(catalog.text("notice.not-legal-advice", language, ["phone": configuration.hotlinePhone]))
        return lines.joined(separator: "\n")
    }

    /// The event line a gateway receives for a lawyer's reply, in the caller's language.
    func eventReply(_ event: GatewayEvent) -> Reply {
        let language = Language(tag: event.language) ?? .english
        let ticket = "T\(event.ticket)"
        let text = catalog.text("ticket.reply", language, ["ticket": ticket]) + "\n" + event.text + "\n\n"
            + catalog.text("rating.question", language) + "\n\n"
            + catalog.text("notice.not-legal-advice", language, ["phone": configuration.hotlinePhone])
        return .event(id: event.id, kind: event.kind, session: event.session, ticket: ticket, fields: [ReplyField("lang", language.tag)], text: text)
    }

    /// The `TICKET` line for a claim: who, what, by when, the transcript and the bot's draft.
    func ticketReply(_ claim: Claim, lawyer: Lawyer) -> Reply {
        let ticket = claim.ticket
        var fields = [
            ReplyField("lang", ticket.language), ReplyField("priority", ticket.priority == .urgent ? "urgent" : "normal"),
            ReplyField("reason", ticket.reason), ReplyField("gateway", ticket.gateway), ReplyField("session", ticket.session),
            ReplyField("deadline", "\(ticket.deadline)"), ReplyField("lease-until", "\(claim.leaseUntil)"),
        ]
        if let topic = ticket.topic { fields.append(ReplyField("topic", topic)) }
        for candidate in ticket.candidates { fields.append(ReplyField("candidate", candidate)) }
        var lines = ticket.messages.map { message -> String in
            switch message.author {
            case .caller: "caller: " + message.text
            case .lawyer(let id): "lawyer \(id): " + message.text
            case .note(let id): "note \(id): " + message.text
            }
        }
        let language = Language(tag: ticket.language) ?? .english
        if let best = ticket.candidates.first, let faq = knowledge.generation.file.faqs.first(where: { $0.id == best }) {
            let draft = faq.answers[language] ?? faq.answers[.simplifiedChinese] ?? faq.answers[.english] ?? ""
            lines.append("draft \(best): " + draft)
            // The related FAQ in the lawyer's own language too, where the KB has it.
            if let own = lawyer.languages.compactMap({ Language(tag: $0) }).first, own != language, let text = faq.answers[own] {
                lines.append("draft \(best) (\(own.tag)): " + text)
            }
        }
        return .ticket(id: ticket.wireID, claim: claim.token, fields: fields, text: lines.joined(separator: "\n"))
    }

    /// Runs a ticket-store call for a lawyer command, turning a stale claim into its error.
    func lawyerCommand<T: Sendable>(on eventLoop: EventLoop, ticket: Int64, _ body: @escaping @Sendable () async throws -> T,
                                    reply: @escaping @Sendable (T) -> Reply) -> EventLoopFuture<Reply> {
        eventLoop.makeFutureWithTask { try await body() }.map(reply).recover { [self] error in
            switch error {
            case TicketError.staleClaim, TicketError.noSuchTicket: return errorReply(ProtocolError(.staleClaim, detail: "T\(ticket)"))
            default:
                logger.error("ticket store failed", metadata: ["error": "\(error)"])
                return errorReply(ProtocolError(.internalError))
            }
        }
    }

    func queueFields() async throws -> [ReplyField] {
        let stats = try await tickets.statistics(now: ServerContext.millisecondsNow(),
                                                 atRiskMargin: configuration.atRiskMargin.nanoseconds / 1_000_000)
        return [
            ReplyField("tickets-waiting", "\(stats.waiting)"), ReplyField("tickets-claimed", "\(stats.claimed)"),
            ReplyField("tickets-buried", "\(stats.buried)"), ReplyField("oldest-waiting", "\(stats.oldestWaitingAge / 1000)"),
            ReplyField("at-risk", "\(stats.atRisk)"), ReplyField("breached", "\(stats.breached)"),
        ]
    }
}
