import HotlineText

/// One `key=value` field of a reply line. Values are written percent-encoded (see PROTOCOL.md);
/// a key may repeat (one `cite=` per citation).
public struct ReplyField: Hashable, Sendable {
    public var key: String
    public var value: String
    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// The kinds of reply to a caller's message. Gateways show an unknown kind's text as is.
public enum ConsultationKind: String, Hashable, Sendable, CaseIterable {
    case answer = "ANSWER"
    case clarify = "CLARIFY"
    case escalated = "ESCALATED"
    case outOfScope = "OUT_OF_SCOPE"
    /// The caller's rating of a lawyer's reply was recorded.
    case rated = "RATED"
    /// The message was too short to tell its language: the caller is asked to pick one.
    case language = "LANGUAGE"
}

/// The reply to `ASK`: the kind, the session, machine-readable fields, and the text in the
/// caller's language (ending with the not-legal-advice notice).
public struct ConsultationReply: Hashable, Sendable {
    public var kind: ConsultationKind
    public var session: SessionID
    /// `ESCALATED` only: the ticket id, `none` until the ticket queue exists.
    public var ticket: String?
    public var fields: [ReplyField]
    public var text: String

    public init(kind: ConsultationKind, session: SessionID, ticket: String? = nil, fields: [ReplyField], text: String) {
        self.kind = kind
        self.session = session
        self.ticket = ticket
        self.fields = fields
        self.text = text
    }

    /// The first value of field `key`.
    public func field(_ key: String) -> String? { fields.first { $0.key == key }?.value }
}

/// Every line the daemon sends: replies to commands and unsolicited events.
public enum Reply: Hashable, Sendable {
    /// `OK <VERB> [session=<id>] [fields]`: AUTH, FEEDBACK, SET and END succeeded.
    case ok(verb: String, session: SessionID?, fields: [ReplyField])
    case pong
    case bye
    case consultation(ConsultationReply)
    /// `STATS <fields>`.
    case stats([ReplyField])
    /// `ERR <CODE> [session=<id>] :<text>`.
    case error(ProtocolError, text: String)
    /// Event: the daemon is shutting down; commands already sent are still answered.
    case draining(text: String)
    /// To a lawyer: `TICKET <ticket-id> <claim-token> fields :<transcript>`.
    case ticket(id: String, claim: String, fields: [ReplyField], text: String)
    /// To a lawyer: no ticket to take.
    case none
    /// To a lawyer: `TICKETS <fields>` (LIST).
    case listing([ReplyField])
    /// To a gateway, kept until acknowledged: `EVENT <event-id> <KIND> <session-id> <ticket-id> fields :<text>`.
    case event(id: Int64, kind: String, session: String, ticket: String, fields: [ReplyField], text: String)
}
