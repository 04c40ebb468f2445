/// An error reply: `ERR <CODE> [session=<id>] :<text>`. Each code is listed in PROTOCOL.md.
public struct ProtocolError: Error, Hashable, Sendable {
    public enum Code: String, Sendable, CaseIterable {
        /// A received line is longer than the limit (8 KiB after AUTH, 512 bytes before).
        case lineTooLong = "LINE_TOO_LONG"
        /// A received line is not valid UTF-8.
        case badUTF8 = "BAD_UTF8"
        case unknownCommand = "UNKNOWN_COMMAND"
        /// Wrong number of arguments or a malformed argument.
        case badArguments = "BAD_ARGUMENTS"
        case badSessionID = "BAD_SESSION_ID"
        /// Only AUTH, PING and QUIT are accepted before AUTH.
        case authenticationRequired = "AUTH_REQUIRED"
        case authenticationFailed = "AUTH_FAILED"
        case alreadyAuthenticated = "ALREADY_AUTHENTICATED"
        /// Too many failed AUTH attempts from this address: the connection is closed.
        case rateLimited = "RATE_LIMITED"
        /// The daemon holds its maximum number of connections: the connection is closed.
        case tooManyConnections = "TOO_MANY_CONNECTIONS"
        /// No complete line in time (first line or idle): the connection is closed.
        case timeout = "TIMEOUT"
        /// An HTTP request or a TLS hello on the text port: the connection is closed.
        case notHotlineProtocol = "NOT_HOTLINE_PROTOCOL"
        /// The daemon is shutting down and takes no new commands.
        case draining = "DRAINING"
        /// FEEDBACK with no answer to rate.
        case nothingToRate = "NOTHING_TO_RATE"
        /// The command is for the other role (a gateway sent NEXT, a lawyer sent ASK).
        case notAllowed = "NOT_ALLOWED"
        /// The claim token is unknown, spent, expired or someone else's.
        case staleClaim = "STALE_CLAIM"
        /// BURY or KICK of a ticket that is not in a state it applies to.
        case noSuchTicket = "NO_SUCH_TICKET"
        /// ACK of an event this gateway does not have.
        case noSuchEvent = "NO_SUCH_EVENT"
        /// The daemon failed to handle the command; nothing about the caller was lost.
        case internalError = "INTERNAL"
    }

    public var code: Code
    /// The session a session-scoped command named.
    public var session: SessionID?
    /// Extra detail for the operator (e.g. the limit that was exceeded), appended to the text.
    public var detail: String?

    public init(_ code: Code, session: SessionID? = nil, detail: String? = nil) {
        self.code = code
        self.session = session
        self.detail = detail
    }

    /// Whether the daemon closes the connection after sending this error.
    public var closesConnection: Bool {
        switch code {
        case .rateLimited, .tooManyConnections, .timeout, .notHotlineProtocol: true
        default: false
        }
    }
}
