import HotlineProtocol
import HotlineText
import NIOConcurrencyHelpers
import NIOCore

/// A caller session, keyed by its gateway and the gateway's session id.
public struct SessionKey: Hashable, Sendable {
    public var gateway: String
    public var session: SessionID
    public init(gateway: String, session: SessionID) {
        self.gateway = gateway
        self.session = session
    }
}

/// An open clarify prompt: the caller's next bare number picks one of `choices`.
public struct OpenPrompt: Sendable, Hashable {
    /// The consultation that asked.
    public var consultation: Int64
    /// FAQ ids, in the order shown (choice 1 first).
    public var choices: [String]
    public var language: Language

    public init(consultation: Int64, choices: [String], language: Language) {
        self.consultation = consultation
        self.choices = choices
        self.language = language
    }
}

/// What to do with one caller message, decided from the session's state.
public enum MessagePlan: Sendable, Equatable {
    /// An ordinary question; `language` is what the gateway said (nil: detect).
    case question(language: Language?)
    /// The caller picked choice `index` (0-based) of `prompt`.
    case pick(prompt: OpenPrompt, index: Int)
    /// A number that is no choice of the open prompt: show the prompt again.
    case repeatPrompt(OpenPrompt)
    /// The caller rated a lawyer's reply (1–5).
    case rate(ticket: Int64, score: Int, language: Language)
}

/// One session's state as a value: a message in, a plan out; an outcome in, a new state.
/// Time is a parameter, so tests need no clock.
public struct SessionState: Sendable {
    public var language: Language?
    public var openPrompt: OpenPrompt?
    /// After a lawyer's reply: the ticket whose reply the caller's next bare 1–5 rates.
    public var openRating: (ticket: Int64, language: Language)?
    /// The latest answers' consultation ids (newest last), which FEEDBACK may rate.
    public var answers: [Int64] = []
    public var messages = 0
    public var lastActive: NIODeadline

    public init(now: NIODeadline) { lastActive = now }

    /// A bare number (ASCII or full-width digits, up to two) picks from the open prompt; with no
    /// prompt open it is an ordinary question.
    public mutating func plan(message: String, language: Language?, now: NIODeadline) -> MessagePlan {
        lastActive = now
        messages += 1
        // An open clarify prompt wins over a pending rating question for a bare number.
        if let prompt = openPrompt, let number = SessionState.bareNumber(message) {
            if (1...prompt.choices.count).contains(number) { return .pick(prompt: prompt, index: number - 1) }
            return .repeatPrompt(prompt)
        }
        if let rating = openRating {
            // The rating question is answered, or passed over, by the very next message.
            openRating = nil
            if let score = SessionState.bareNumber(message), (1...5).contains(score) {
                return .rate(ticket: rating.ticket, score: score, language: rating.language)
            }
        }
        // A message with almost no letters ("ok", "?", "👍") says nothing about its language:
        // keep the session's.
        if language == nil, let known = self.language, message.unicodeScalars.filter(\.properties.isAlphabetic).count < 3 {
            return .question(language: known)
        }
        // A short Latin-script message ("abogado gratis") says too little for identification;
        // in a conversation already in a Latin-script language, it keeps that language.
        if language == nil, let known = self.language, SessionState.latinLanguages.contains(known), message.unicodeScalars.count < 20,
           message.unicodeScalars.allSatisfy({ !$0.properties.isAlphabetic || $0.value < 0x0250 || (0x1E00...0x1EFF).contains($0.value) }) {
            return .question(language: known)
        }
        return .question(language: language)
    }

    /// Records what was replied: a clarify opens a prompt, anything else closes it.
    public mutating func record(kind: ConsultationKind, consultation: Int64, language: Language, choices: [String]) {
        self.language = language
        switch kind {
        case .clarify:
            openPrompt = OpenPrompt(consultation: consultation, choices: choices, language: language)
        case .answer:
            openPrompt = nil
            answers.append(consultation)
            if answers.count > 16 { answers.removeFirst(answers.count - 16) }
        default:
            openPrompt = nil
        }
    }

    /// The consultation FEEDBACK rates: the given one if it is an answer of this session,
    /// else the latest answer.
    public func ratedConsultation(_ reference: Int64?) -> Int64? {
        guard let reference else { return answers.last }
        return answers.contains(reference) ? reference : nil
    }

    static let latinLanguages: Set<Language> = [.english, .french, .spanish, .portuguese, .german, .indonesian, .vietnamese]

    static func bareNumber(_ message: String) -> Int? {
        var digits = ""
        for scalar in message.unicodeScalars where !scalar.properties.isWhitespace {
            switch scalar.value {
            case 0x30...0x39: digits.unicodeScalars.append(scalar)
            case 0xFF10...0xFF19: digits.unicodeScalars.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            default: return nil
            }
        }
        guard (1...2).contains(digits.count) else { return nil }
        return Int(digits)
    }
}

/// Every live session, shared by all connections (a gateway may reconnect and continue).
public final class SessionRegistry: Sendable {
    private let sessions = NIOLockedValueBox([SessionKey: SessionState]())
    public let expiry: TimeAmount

    public init(expiry: TimeAmount) { self.expiry = expiry }

    /// Runs `body` on the session's state, creating it (or replacing an expired one).
    public func withSession<Result>(_ key: SessionKey, now: NIODeadline, _ body: (inout SessionState) -> Result) -> Result {
        sessions.withLockedValue { table in
            if let existing = table[key], existing.lastActive + expiry < now { table[key] = nil }
            return body(&table[key, default: SessionState(now: now)])
        }
    }

    /// The session's state if it is live.
    public func peek(_ key: SessionKey, now: NIODeadline) -> SessionState? {
        sessions.withLockedValue { table in
            guard let state = table[key], state.lastActive + expiry >= now else { return nil }
            return state
        }
    }

    public func end(_ key: SessionKey) { sessions.withLockedValue { _ = $0.removeValue(forKey: key) } }

    /// Forgets sessions idle longer than the expiry; returns how many.
    @discardableResult
    public func expire(now: NIODeadline) -> Int {
        sessions.withLockedValue { table in
            let before = table.count
            table = table.filter { $0.value.lastActive + expiry >= now }
            return before - table.count
        }
    }

    public var count: Int { sessions.withLockedValue { $0.count } }
}
