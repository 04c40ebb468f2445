import HotlineText

/// A caller session's id: 1–64 characters of `A-Z a-z 0-9 . _ : -`, chosen by the gateway.
///
/// Gateways map callers to opaque ids, so a session id never carries personal data and can be
/// logged as is.
public struct SessionID: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    /// `nil` unless `text` is a valid session id.
    public init?(_ text: Substring) {
        guard (1...64).contains(text.utf8.count), text.utf8.allSatisfy(SessionID.isAllowed) else { return nil }
        value = String(text)
    }

    public init?(_ text: String) { self.init(Substring(text)) }

    static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }

    public var description: String { value }
}

/// The language a gateway says a message is in: a supported language, or "detect it".
/// An unsupported BCP 47 tag is treated as `auto` (the contract says so).
public enum LanguageRequest: Hashable, Sendable {
    case auto
    case language(Language)

    public init(tag: Substring) {
        if tag == "auto" { self = .auto; return }
        self = Language(tag: String(tag)).map { .language($0) } ?? .auto
    }

    public var language: Language? {
        if case .language(let language) = self { return language }
        return nil
    }
}

/// What a caller said about an answer.
public enum FeedbackValue: String, Hashable, Sendable {
    case helpful
    case unhelpful
}

/// Session attributes a gateway may set, for reports and routing.
public enum SessionAttribute: String, Hashable, Sendable, CaseIterable {
    /// The gateway's channel: `phone`, `sms`, `wechat`, `web`, … (free text, ≤ 32 bytes).
    case channel
    /// The caller's district, as the gateway knows it (free text, ≤ 32 bytes).
    case district
}

/// One command a gateway (or, later, a lawyer) sends, already checked for arity and syntax.
public enum Command: Hashable, Sendable {
    case auth(token: String)
    case ping
    case quit
    /// A caller's message. `text` has its `\n` and `\\` escapes decoded.
    case ask(session: SessionID, language: LanguageRequest, text: String)
    /// Feedback on the consultation `reference`, or on the session's latest answer.
    case feedback(session: SessionID, value: FeedbackValue, reference: Int64?)
    /// Attaches attributes to a session.
    case set(session: SessionID, attributes: [SessionAttributeValue])
    /// The caller hung up or closed the chat: forget the session's open prompt.
    case end(session: SessionID)
    case stats
    /// Gateway: the event `id` was received and handled; it is not delivered again.
    case acknowledge(event: Int64)
    /// Lawyer: claim the next ticket.
    case next
    /// Lawyer: reply to the caller; ends the claim.
    case reply(ticket: Int64, claim: String, text: String)
    /// Lawyer: extend the claim's lease.
    case touch(ticket: Int64, claim: String)
    /// Lawyer: give the ticket back to the queue.
    case release(ticket: Int64, claim: String)
    /// Lawyer: an internal note on the ticket, never shown to callers.
    case note(ticket: Int64, claim: String, text: String)
    /// Lawyer: give the ticket back to the queue for lawyers of another language.
    case transfer(ticket: Int64, claim: String, language: String)
    /// Supervisor: take a ticket out of the queue, or put a buried one back.
    case bury(ticket: Int64)
    case kick(ticket: Int64)
    /// Supervisor: back to the queue for lawyers of `language`, whoever holds it.
    case reassign(ticket: Int64, language: String)
    /// Lawyer: the tickets in a state (`waiting`, `claimed`, `buried`).
    case list(status: String)
    /// Lawyer: close a claimed ticket without replying (spam, a duplicate).
    case close(ticket: Int64, claim: String)
    /// Gateway: a caller's complaint about the service; it becomes a ticket for supervisors.
    case complain(session: SessionID, text: String)

    /// The verb, for metrics and logs.
    public var verb: String {
        switch self {
        case .auth: "AUTH"
        case .ping: "PING"
        case .quit: "QUIT"
        case .ask: "ASK"
        case .feedback: "FEEDBACK"
        case .set: "SET"
        case .end: "END"
        case .stats: "STATS"
        case .acknowledge: "ACK"
        case .next: "NEXT"
        case .reply: "REPLY"
        case .touch: "TOUCH"
        case .release: "RELEASE"
        case .note: "NOTE"
        case .transfer: "TRANSFER"
        case .bury: "BURY"
        case .kick: "KICK"
        case .reassign: "REASSIGN"
        case .list: "LIST"
        case .close: "CLOSE"
        case .complain: "COMPLAIN"
        }
    }

    /// Commands accepted before AUTH.
    public var allowedBeforeAuthentication: Bool {
        switch self {
        case .auth, .ping, .quit: true
        default: false
        }
    }

    /// Commands only a gateway connection may send.
    public var isGatewayCommand: Bool {
        switch self {
        case .ask, .feedback, .set, .end, .acknowledge, .complain: true
        default: false
        }
    }

    /// Commands only a lawyer connection may send.
    public var isLawyerCommand: Bool {
        switch self {
        case .next, .reply, .touch, .release, .note, .transfer, .bury, .kick, .reassign, .list, .close: true
        default: false
        }
    }

    /// The session a command is about, if any.
    public var session: SessionID? {
        switch self {
        case .ask(let session, _, _), .feedback(let session, _, _), .set(let session, _), .end(let session), .complain(let session, _): session
        default: nil
        }
    }
}

public struct SessionAttributeValue: Hashable, Sendable {
    public var attribute: SessionAttribute
    public var value: String
    public init(_ attribute: SessionAttribute, _ value: String) {
        self.attribute = attribute
        self.value = value
    }
}
