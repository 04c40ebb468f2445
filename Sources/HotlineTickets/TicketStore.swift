/// Where tickets, lawyers and the gateway outbox live. SQLite by default; the protocol is async
/// and takes the time as a parameter, so a PostgreSQL store can implement it (claims with
/// `FOR UPDATE SKIP LOCKED`, leases checked against the given time) without the server changing,
/// and tests control the clock.
///
/// Times are milliseconds since 1970.
public protocol TicketStore: Sendable {
    func addLawyer(_ lawyer: Lawyer, token: String) async throws
    func lawyers() async throws -> [Lawyer]
    /// `false` when there is no such lawyer.
    func setLawyerDisabled(_ id: String, _ disabled: Bool) async throws -> Bool
    func authenticateLawyer(token: String) async throws -> Lawyer?

    /// Every (gateway, session, ticket) whose ticket is open, claimed or answered.
    func attachedSessions() async throws -> [(gateway: String, session: String, ticket: Int64)]
    /// The ticket a session's messages join: open, claimed or answered (not buried or closed).
    func attachedTicket(gateway: String, session: String) async throws -> Ticket?
    func open(_ ticket: NewTicket, now: Int64) async throws -> Ticket
    /// Adds a caller's message to a ticket; an answered ticket goes back to the queue. An urgent
    /// message raises the ticket to urgent and brings its deadline forward to `urgentDeadline`.
    func addCallerMessage(ticket: Int64, text: String, now: Int64, urgentDeadline: Int64?) async throws -> Ticket
    /// Claims the highest-priority, oldest open ticket the lawyer may take: in one of their
    /// languages and specialties, or in any language once it has waited `anyLanguageAfter` ms.
    /// A ticket within `atRiskMargin` ms of its deadline rises one priority level. Complaints go
    /// to supervisors only.
    func claimNext(lawyer: Lawyer, now: Int64, lease: Int64, anyLanguageAfter: Int64, atRiskMargin: Int64) async throws -> Claim?
    /// Extends a lease; the new lease end.
    func touch(ticket: Int64, token: String, now: Int64, lease: Int64) async throws -> Int64
    /// Gives a claimed ticket back to the queue.
    func release(ticket: Int64, token: String, now: Int64) async throws
    /// The lawyer's reply: ends the claim, and queues a `REPLY` event for the gateway in the same
    /// transaction. Throws `staleClaim` unless `token` holds the ticket's live lease.
    func reply(ticket: Int64, token: String, lawyer: String, text: String, now: Int64) async throws -> GatewayEvent
    /// An internal note (never shown to callers); needs the live claim.
    func note(ticket: Int64, token: String, lawyer: String, text: String, now: Int64) async throws
    /// Returns every claimed ticket to the queue (at start: no lawyer is connected yet).
    func releaseAllClaims() async throws -> Int
    /// Tickets in a state, highest priority and oldest first.
    func list(status: TicketStatus, limit: Int) async throws -> [Ticket]
    /// A lawyer closes a claimed ticket without replying (spam, a duplicate); noted in its transcript.
    func close(ticket: Int64, token: String, lawyer: String, now: Int64) async throws
    /// Returns every ticket the lawyer holds to the queue (the lawyer disconnected).
    func releaseClaims(of lawyer: String) async throws -> Int
    /// Returns tickets whose lease ended to the queue; buries those that expired `buryAfter` times.
    func expireLeases(now: Int64, buryAfter: Int) async throws -> Int
    /// The session ended: its messages no longer join its ticket; an answered ticket is closed,
    /// a waiting or claimed one stays in the queue and its reply is still delivered.
    func closeSession(gateway: String, session: String, now: Int64) async throws

    /// Events for the gateway not yet acknowledged, with ids above `after`, oldest first.
    func pendingEvents(gateway: String, after: Int64) async throws -> [GatewayEvent]
    /// `false` when the gateway has no such event.
    func acknowledge(gateway: String, event: Int64, now: Int64) async throws -> Bool
    func statistics(now: Int64, atRiskMargin: Int64) async throws -> QueueStatistics
    /// A caller's 1–5 rating of a lawyer's reply.
    func rate(ticket: Int64, score: Int, now: Int64) async throws
    /// Supervisor: bury a waiting or claimed ticket (it leaves the queue), or put a buried one back.
    func bury(ticket: Int64, now: Int64) async throws -> Bool
    func kick(ticket: Int64, now: Int64) async throws -> Bool
    /// Supervisor: put a waiting, claimed or buried ticket back in the queue for `language`,
    /// ending any claim on it.
    func reassign(ticket: Int64, language: String, now: Int64) async throws -> Bool
    /// A lawyer hands a claimed ticket back to the queue for another language (ends the claim).
    func transfer(ticket: Int64, token: String, language: String, now: Int64) async throws
    /// A ticket with its transcript.
    func ticket(_ id: Int64) async throws -> Ticket?
    /// A caller's access request: the session's tickets and every message on them.
    func exportSession(gateway: String?, session: String) async throws -> [[String: String]]
    /// A caller's deletion request: blank the session's raw text, zeroed in the file.
    @discardableResult func eraseSession(gateway: String?, session: String) async throws -> Int
    /// Retention: blank raw text older than `cutoff` that no one needs any more.
    @discardableResult func purgeRawText(before cutoff: Int64) async throws -> Int
}
