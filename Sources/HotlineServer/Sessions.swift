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

/// An open language prompt: the caller's message was too short to tell its language; the next
/// bare number picks one, and the held question is answered in it.
public struct OpenLanguagePrompt: Sendable, Hashable {
    /// The consultation that asked.
    public var consultation: Int64
    /// The caller's question, answered once a language is picked.
    public var question: String
    /// The languages offered, in the order shown (choice 1 first).
    public var choices: [Language]

    public init(consultation: Int64, question: String, choices: [Language]) {
        self.consultation = consultation
        self.question = question
        self.choices = choices
    }
}

/// What to do with one caller message, decided from the session's state.
public enum MessagePlan: Sendable, Equatable {
    /// An ordinary question; `language` is what the gateway said (nil: detect). With
    /// `mayAskLanguage`, a message too short to tell its language gets a language prompt instead
    /// of an answer in a guessed language (only once per session, and only before its language
    /// is known).
    case question(language: Language?, mayAskLanguage: Bool = false)
    /// The caller picked a language from the open language prompt: answer its held question.
    case pickLanguage(prompt: OpenLanguagePrompt, language: Language)
    /// A number that is no choice of the open language prompt: show it again.
    case repeatLanguagePrompt(OpenLanguagePrompt)
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
    public var openLanguagePrompt: OpenLanguagePrompt?
    /// Whether this session was ever asked for its language (it is asked at most once).
    public var languageAsked = false
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
        if let prompt = openLanguagePrompt {
            if let number = SessionState.bareNumber(message) {
                if (1...prompt.choices.count).contains(number) { return .pickLanguage(prompt: prompt, language: prompt.choices[number - 1]) }
                return .repeatLanguagePrompt(prompt)
            }
            // Anything else passes the prompt over: the new message is the question.
            openLanguagePrompt = nil
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
        return .question(language: language, mayAskLanguage: language == nil && self.language == nil && !languageAsked)
    }

    /// Records what was replied: a clarify or language prompt opens, anything else closes both.
    /// `question` is the caller's message (held by a language prompt).
    public mutating func record(kind: ConsultationKind, consultation: Int64, language: Language, choices: [String], question: String = "") {
        if kind == .language {
            // The language is what the caller is about to choose, not the guess the prompt was
            // written in; a repeated prompt keeps the question it holds.
            let held = openLanguagePrompt?.question ?? question
            openLanguagePrompt = OpenLanguagePrompt(consultation: consultation, question: held, choices: choices.compactMap(Language.init(tag:)))
            languageAsked = true
            openPrompt = nil
            return
        }
        openLanguagePrompt = nil
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
