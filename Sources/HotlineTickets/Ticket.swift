/// A lawyer who may log in and take tickets.
public struct Lawyer: Sendable, Hashable {
    public var id: String
    /// BCP 47 tags of the languages the lawyer answers in.
    public var languages: [String]
    /// Topics the lawyer takes (FAQ topics such as `labor`, `family`); empty: any topic.
    public var specialties: [String]
    public var supervisor: Bool
    public var disabled: Bool

    public init(id: String, languages: [String], specialties: [String], supervisor: Bool, disabled: Bool = false) {
        self.id = id
        self.languages = languages
        self.specialties = specialties
        self.supervisor = supervisor
        self.disabled = disabled
    }
}

/// Where a ticket is in its life.
public enum TicketStatus: String, Sendable, Hashable {
    /// Waiting in the queue for a lawyer.
    case open
    /// A lawyer holds it under a lease.
    case claimed
    /// A lawyer replied; the caller's next message reopens it.
    case answered
    /// Its lease expired too often: a supervisor must look at it.
    case buried
    /// The session ended or a lawyer closed it.
    case closed
}

/// Why a question became a ticket; urgent tickets jump the queue.
public enum TicketPriority: Int, Sendable, Hashable, Comparable {
    case normal = 1
    case urgent = 2

    public static func < (a: TicketPriority, b: TicketPriority) -> Bool { a.rawValue < b.rawValue }
}

/// What a new ticket is opened with.
public struct NewTicket: Sendable {
    public var gateway: String
    public var session: String
    public var language: String
    /// The best FAQ's topic, for routing by specialty (nil: any lawyer).
    public var topic: String?
    public var priority: TicketPriority
    /// `low-confidence`, `caller-request`, `urgent:<trigger>`, `complaint`.
    public var reason: String
    public var question: String
    /// The bot's candidate answers (FAQ ids, best first): the lawyer's draft.
    public var candidates: [String]
    /// Milliseconds since 1970 by which a lawyer must first respond.
    public var deadline: Int64

    public init(gateway: String, session: String, language: String, topic: String?, priority: TicketPriority, reason: String,
                question: String, candidates: [String], deadline: Int64) {
        self.gateway = gateway
        self.session = session
        self.language = language
        self.topic = topic
        self.priority = priority
        self.reason = reason
        self.question = question
        self.candidates = candidates
        self.deadline = deadline
    }
}

/// One line of a ticket's transcript.
public struct TicketMessage: Sendable, Hashable {
    public enum Author: Sendable, Hashable {
        case caller
        case lawyer(String)
        /// Internal, never shown to callers.
        case note(String)
    }

    public var author: Author
    public var text: String
    public var at: Int64
}

public struct Ticket: Sendable, Hashable {
    public var id: Int64
    public var gateway: String
    public var session: String
    public var language: String
    public var topic: String?
    public var priority: TicketPriority
    public var reason: String
    public var status: TicketStatus
    public var createdAt: Int64
    public var deadline: Int64
    public var candidates: [String]
    public var expiries: Int
    public var messages: [TicketMessage]

    /// The id on the wire: `T` and the number.
    public var wireID: String { "T\(id)" }

}

/// A ticket handed to a lawyer, with the claim token that proves the claim.
public struct Claim: Sendable, Hashable {
    public var ticket: Ticket
    public var token: String
    public var leaseUntil: Int64
}

/// Something to tell a gateway, kept until the gateway acknowledges it (the outbox).
public struct GatewayEvent: Sendable, Hashable {
    public var id: Int64
    public var gateway: String
    public var session: String
    /// `REPLY` (a lawyer answered), …
    public var kind: String
    public var ticket: Int64
    public var language: String
    public var text: String
}

/// What the queue looks like now.
public struct QueueStatistics: Sendable, Hashable {
    public var waiting: Int
    public var claimed: Int
    public var buried: Int
    /// Age in milliseconds of the oldest waiting ticket.
    public var oldestWaitingAge: Int64
    /// Waiting or claimed tickets within the at-risk margin of their deadline, not yet answered.
    public var atRisk: Int
    /// Tickets whose first response came (or has not yet come) after their deadline.
    public var breached: Int
}

public enum TicketError: Error, Equatable, Sendable {
    /// The claim token is unknown, spent, expired or someone else's.
    case staleClaim
    case noSuchTicket
    case notAllowed
}
