import Foundation
import HotlineAnswering
import HotlineKnowledge
import HotlineProtocol
import HotlineStore
import HotlineText
import HotlineTickets
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Limits AUTH attempts per client address: at most `allowed` failures within a window, and a
/// bounded number of checks in flight at once (so parallel connections cannot guess far beyond
/// the limit before their failures are counted, while an office of lawyers behind one address can
/// still log in together).
final class AuthenticationLimiter: Sendable {
    private struct Entry {
        var failures = 0
        var inFlight = 0
        var since: NIODeadline
    }

    private let entries = NIOLockedValueBox([String: Entry]())
    private let lastPruneSize = NIOLockedValueBox(1024)
    let allowed: Int
    let window: TimeAmount
    var maximumInFlight: Int { max(16, allowed * 4) }

    init(allowed: Int, window: TimeAmount) {
        self.allowed = allowed
        self.window = window
    }

    /// Counts an attempt from `address` as in flight; `false` when the address is blocked.
    func beginAttempt(_ address: String, now: NIODeadline) -> Bool {
        entries.withLockedValue { table in
            var entry = table[address] ?? Entry(since: now)
            if entry.since + window < now { entry.failures = 0; entry.since = now }
            guard entry.failures < allowed, entry.inFlight < maximumInFlight else { return false }
            entry.inFlight += 1
            table[address] = entry
            if table.count > 4 * lastPruneSize.withLockedValue({ $0 }) {
                table = table.filter { $0.value.inFlight > 0 || $0.value.since + window >= now }
                lastPruneSize.withLockedValue { $0 = max(1024, table.count) }
            }
            return true
        }
    }

    func finishAttempt(_ address: String, succeeded: Bool, now: NIODeadline) {
        entries.withLockedValue { table in
            guard var entry = table[address] else { return }
            entry.inFlight = max(0, entry.inFlight - 1)
            if !succeeded {
                if entry.since + window < now { entry.failures = 0; entry.since = now }
                entry.failures += 1
            }
            table[address] = entry
        }
    }
}

/// What every connection shares: configuration, the knowledge base, sessions, the store,
/// metrics and the logger. Everything here is `Sendable`; the answering logic lives here so that
/// connection handlers only sequence commands and write replies.
struct ServerContext: Sendable {
    let configuration: ServerConfiguration
    let knowledge: KnowledgeService
    let sessions: SessionRegistry
    let store: ServiceStore
    let metrics: ServerMetrics
    let logger: Logger
    let authentication: AuthenticationLimiter
    let startedAt: NIODeadline
    let tickets: TicketStore
    let ticketIndex: TicketIndex
    let gatewayChannels: GatewayChannels

    var catalog: LocaleCatalog { knowledge.catalog }

    /// The text of an error reply, from `Locales/operator` (operators read these, in English).
    func errorReply(_ error: ProtocolError) -> Reply {
        metrics.recordError(error.code.rawValue)
        return .error(error, text: operatorText("error.\(error.code.rawValue)"))
    }

    func operatorText(_ key: String, _ values: [String: String] = [:]) -> String {
        operatorCatalog.text(key, .english, values)
    }

    let operatorCatalog: LocaleCatalog

    /// Answers one caller message: plans it from the session's state, answers on an answering
    /// thread, stores the transcript line (group commit) and only then replies, with the
    /// transcript line's id as `ref`.
    func ask(gateway: String, session: SessionID, language requested: LanguageRequest, text: String,
             on eventLoop: EventLoop) -> EventLoopFuture<Reply> {
        let started = NIODeadline.now()
        let key = SessionKey(gateway: gateway, session: session)
        let plan = sessions.withSession(key, now: started) { $0.plan(message: text, language: requested.language, now: started) }
        let stored = eventLoop.makePromise(of: (ConsultationOutcome, Int64).self)
        let record = { @Sendable (outcome: ConsultationOutcome, version: String, choiceOf: Int64?) in
            store.record(ConsultationRecord(
                gateway: gateway, session: session.value, askedAt: Int64(Date().timeIntervalSince1970 * 1000),
                language: outcome.language.tag, question: text, kind: outcome.kind.rawValue, faq: outcome.faq,
                confidence: outcome.confidence, citations: outcome.citations.isEmpty ? nil : outcome.citations.joined(separator: ","),
                knowledgeBaseVersion: version, latencyMicroseconds: (NIODeadline.now() - started).nanoseconds / 1000, choiceOf: choiceOf)
            ) { result in stored.completeWith(result.map { (outcome, $0) }) }
        }
        if case .rate(let ticket, let score, let language) = plan {
            let tickets = self.tickets
            eventLoop.makeFutureWithTask { try await tickets.rate(ticket: ticket, score: score, now: ServerContext.millisecondsNow()) }
                .whenComplete { [self, knowledge] result in
                    switch result {
                    case .success:
                        let text = catalog.text("rating.thanks", language)
                        let outcome = ConsultationOutcome(kind: .rated, language: language,
                                                          fields: [ReplyField("lang", language.tag), ReplyField("ticket", "T\(ticket)"), ReplyField("rating", "\(score)")],
                                                          text: text, faq: nil, confidence: 0, citations: [], choices: [])
                        record(outcome, knowledge.generation.version, nil)
                    case .failure(let error):
                        stored.fail(error)
                    }
                }
        } else if let ticket = ticketIndex.ticket(for: key) {
            // While the session's ticket is open, the caller's messages join it; the urgent
            // triggers still run on each (the engine decides, on an answering thread).
            let requested = plan
            knowledge.run(on: eventLoop) { _, worker -> Bool in
                guard case .question(let language, _) = requested else { return false }
                if case .urgent? = try worker.engine.answer(text, language: language).escalation { return true }
                return false
            }.flatMap { [self] urgent in
                joinTicket(ticket, key: key, text: text, urgent: urgent, on: eventLoop)
            }.whenComplete { [knowledge] result in
                switch result {
                case .success(let outcome): record(outcome, knowledge.generation.version, nil)
                case .failure(let error): stored.fail(error)
                }
            }
        } else {
            // Answer on an answering thread and queue the transcript line from there; the store's
            // thread fulfils `stored` after COMMIT. An escalation first opens its ticket (durable
            // before the caller hears its number), back on the loop.
            let answered = knowledge.run(on: eventLoop) { [self] generation, worker -> (ConsultationOutcome, String, Int64?)? in
                let (outcome, version, choiceOf) = try consult(plan: plan, text: text, generation: generation, worker: worker)
                if outcome.kind == .escalated { return (outcome, version, choiceOf) }
                record(outcome, version, choiceOf)
                return nil
            }
            answered.whenComplete { [self] result in
                switch result {
                case .failure(let error):
                    stored.fail(error)
                case .success(nil):
                    break
                case .success(let (outcome, version, choiceOf)?):
                    openTicket(outcome, key: key, question: text, on: eventLoop).whenComplete { opened in
                        switch opened {
                        case .success(let escalated): record(escalated, version, choiceOf)
                        case .failure(let error): stored.fail(error)
                        }
                    }
                }
            }
        }
        return stored.futureResult.map { [self] (outcome: ConsultationOutcome, reference: Int64) -> Reply in
            sessions.withSession(key, now: NIODeadline.now()) {
                $0.record(kind: outcome.kind, consultation: reference, language: outcome.language, choices: outcome.choices, question: text)
            }
            let seconds = Double((NIODeadline.now() - started).nanoseconds) / 1e9
            metrics.recordAsk(language: outcome.language.tag, kind: outcome.kind.rawValue, seconds: seconds)
            logger.debug("answered", metadata: [
                "hotline.session": "\(session)", "hotline.kind": "\(outcome.kind.rawValue)", "hotline.question": "\(Redaction.redact(text))",
            ])
            return .consultation(ConsultationReply(kind: outcome.kind, session: session, ticket: outcome.kind == .escalated ? (outcome.ticket ?? "none") : nil,
                                                   fields: [ReplyField("ref", "\(reference)")] + outcome.fields, text: outcome.text))
        }.recover { [self] error in
            logger.error("answering or storing failed", metadata: ["hotline.session": "\(session)", "error": "\(error)"])
            return errorReply(ProtocolError(.internalError, session: session))
        }
    }

    /// The outcome of one planned message, on an answering thread: (outcome, KB version, the
    /// clarify consultation a pick answers).
    private func consult(plan: MessagePlan, text: String, generation: KnowledgeGeneration, worker: AnsweringWorker) throws -> (ConsultationOutcome, String, Int64?) {
        switch plan {
        case .question(var language, let mayAskLanguage):
            if mayAskLanguage {
                let identification = worker.engine.searcher.analyzer.identifyLanguage(text)
                if !identification.isCertain {
                    return (ConsultationFormatter.languagePrompt(identification.candidates, renderer: worker.renderer), generation.version, nil)
                }
                language = identification.language  // identified once, not again by the engine
            }
            let result = try worker.engine.answer(text, language: language)
            return (ConsultationFormatter.outcome(result, renderer: worker.renderer, hotlinePhone: configuration.hotlinePhone), generation.version, nil)
        case .pickLanguage(let prompt, let language):
            let result = try worker.engine.answer(prompt.question, language: language)
            return (ConsultationFormatter.outcome(result, renderer: worker.renderer, hotlinePhone: configuration.hotlinePhone), generation.version, prompt.consultation)
        case .repeatLanguagePrompt(let prompt):
            let again = ConsultationFormatter.languagePrompt(prompt.choices, renderer: worker.renderer,
                                                             prefix: worker.renderer.catalog.text("clarify.out-of-range", prompt.choices[0], ["count": "\(prompt.choices.count)"]))
            return (again, generation.version, prompt.consultation)
        case .pick(let prompt, let index):
            if let faq = generation.file.faqs.first(where: { $0.id == prompt.choices[index] }) {
                let result = try worker.engine.answer(picked: faq, language: prompt.language)
                return (ConsultationFormatter.outcome(result, renderer: worker.renderer, hotlinePhone: configuration.hotlinePhone), generation.version, prompt.consultation)
            }
            // The FAQ left the knowledge base in a reload: show the prompt again with what remains.
            return reprompt(prompt, generation, worker)
        case .repeatPrompt(let prompt):
            return reprompt(prompt, generation, worker)
        case .rate:
            preconditionFailure("ratings are handled before answering")
        }
    }

    /// The open prompt again, with a line asking for a number in range (out of scope when none
    /// of its FAQs is left).
    private func reprompt(_ prompt: OpenPrompt, _ generation: KnowledgeGeneration, _ worker: AnsweringWorker) -> (ConsultationOutcome, String, Int64?) {
        let faqs = prompt.choices.compactMap { id in generation.file.faqs.first { $0.id == id } }
        var result = EngineResult(language: prompt.language, decision: .clarify, confidence: 0, faqMatches: [], articleMatches: [],
                                  citations: [], choices: faqs, escalation: nil)
        if faqs.count < 2 { result.decision = .outOfScope }
        let prefix = faqs.count < 2 ? nil : worker.renderer.catalog.text("clarify.out-of-range", prompt.language, ["count": "\(faqs.count)"])
        return (ConsultationFormatter.outcome(result, renderer: worker.renderer, hotlinePhone: configuration.hotlinePhone, prefix: prefix),
                generation.version, prompt.consultation)
    }

    func feedback(gateway: String, session: SessionID, value: FeedbackValue, reference: Int64?, on eventLoop: EventLoop) -> EventLoopFuture<Reply> {
        let key = SessionKey(gateway: gateway, session: session)
        guard let consultation = sessions.peek(key, now: .now())?.ratedConsultation(reference) else {
            return eventLoop.makeSucceededFuture(errorReply(ProtocolError(.nothingToRate, session: session)))
        }
        let stored = eventLoop.makePromise(of: Int64.self)
        store.recordFeedback(consultation: consultation, value: value.rawValue) { stored.completeWith($0) }
        return stored.futureResult.map { _ in Reply.ok(verb: "FEEDBACK", session: session, fields: [ReplyField("ref", "\(consultation)")]) }
            .recover { [self] _ in errorReply(ProtocolError(.internalError, session: session)) }
    }

    func setAttributes(gateway: String, session: SessionID, _ attributes: [SessionAttributeValue], on eventLoop: EventLoop) -> EventLoopFuture<Reply> {
        let stored = eventLoop.makePromise(of: Int64.self)
        store.setAttributes(gateway: gateway, session: session.value, attributes.map { ($0.attribute.rawValue, $0.value) }) { stored.completeWith($0) }
        return stored.futureResult.map { _ in Reply.ok(verb: "SET", session: session, fields: []) }
            .recover { [self] _ in errorReply(ProtocolError(.internalError, session: session)) }
    }

    func statsFields(connections: Int) -> [ReplyField] {
        [
            ReplyField("connections", "\(connections)"),
            ReplyField("sessions", "\(sessions.count)"),
            ReplyField("answered", "\(metrics.answeredQuestions)"),
            ReplyField("uptime", "\((NIODeadline.now() - startedAt).nanoseconds / 1_000_000_000)"),
            ReplyField("kb", knowledge.generation.version),
        ]
    }
}
