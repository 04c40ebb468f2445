import HotlineStore
import Dispatch
import Foundation
import HotlineKnowledge

/// The ticket store in `<data-dir>/tickets.sqlite`: WAL with `synchronous=FULL`, so a ticket or a
/// reply acknowledged on the wire survives `kill -9` and power loss. One serial queue owns the
/// connection and group-commits: the operations queued while a commit runs share the next
/// transaction (each in its own savepoint), so a claim is atomic, exactly one lawyer holds a
/// ticket, and a burst of escalations costs one fsync, not one each. "database is locked" never
/// reaches a client (a busy timeout covers another process such as `hotline tickets`).
public final class SQLiteTicketStore: TicketStore, @unchecked Sendable {
    public let path: String
    private let commits: GroupCommit

    /// 2 added `ratings`, 3 the audit chain; every migration step is idempotent (CREATE … IF NOT EXISTS).
    static let schemaVersion = 3

    public init(directory: String) throws {
        path = directory + "/tickets.sqlite"
        let connection = try ServiceStore.openDatabase(path, durability: .full, busyTimeoutMilliseconds: 10_000)
        try SQLiteTicketStore.migrate(connection, path: path)
        commits = GroupCommit(connection: connection, label: "hotline.tickets")
    }

    private static func migrate(_ db: SQLiteConnection, path: String) throws {
        let version = Int(try db.rows("PRAGMA user_version").first?.first??.description ?? "0") ?? 0
        if version > schemaVersion { throw TicketStoreError("\(path) has schema version \(version); this build knows \(schemaVersion)") }
        guard version < schemaVersion else { return }
        try db.transaction {
            try db.execute("""
            CREATE TABLE IF NOT EXISTS lawyers(
                id TEXT PRIMARY KEY, token_sha256 TEXT NOT NULL UNIQUE, languages TEXT NOT NULL, specialties TEXT NOT NULL,
                supervisor INTEGER NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS tickets(
                id INTEGER PRIMARY KEY, gateway TEXT NOT NULL, session TEXT NOT NULL, language TEXT NOT NULL, topic TEXT,
                priority INTEGER NOT NULL, reason TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL,
                queued_at INTEGER NOT NULL, deadline_at INTEGER NOT NULL, first_response_at INTEGER, candidates TEXT NOT NULL,
                claim_token TEXT, claimed_by TEXT, lease_until INTEGER, expiries INTEGER NOT NULL DEFAULT 0,
                session_ended INTEGER NOT NULL DEFAULT 0, claimed_after INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS tickets_queue ON tickets(status, priority DESC, queued_at, id);
            CREATE INDEX IF NOT EXISTS tickets_by_session ON tickets(gateway, session, status);
            CREATE INDEX IF NOT EXISTS tickets_by_lawyer ON tickets(claimed_by) WHERE claimed_by IS NOT NULL;
            CREATE TABLE IF NOT EXISTS ticket_messages(
                id INTEGER PRIMARY KEY, ticket INTEGER NOT NULL REFERENCES tickets(id), author TEXT NOT NULL,
                text TEXT NOT NULL, at INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS ticket_messages_by_ticket ON ticket_messages(ticket, id);
            CREATE TABLE IF NOT EXISTS events(
                id INTEGER PRIMARY KEY, gateway TEXT NOT NULL, session TEXT NOT NULL, kind TEXT NOT NULL,
                ticket INTEGER NOT NULL, language TEXT NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL, acked_at INTEGER);
            CREATE INDEX IF NOT EXISTS events_pending ON events(gateway, id) WHERE acked_at IS NULL;
            CREATE TABLE IF NOT EXISTS ratings(
                ticket INTEGER NOT NULL REFERENCES tickets(id), lawyer TEXT, score INTEGER NOT NULL, at INTEGER NOT NULL);
            \(AuditLog.schema)
            PRAGMA user_version = \(schemaVersion);
            """)
        }
    }

    /// Runs `body` on the store's queue as its own savepoint inside a group commit (see
    /// ``GroupCommit``): a burst of escalations costs one fsync, and a stale claim rolls back only
    /// its own operation.
    private func transaction<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await commits.run(body)
    }

    static func digest(_ token: String) -> String { ServiceStore.tokenDigest(token) }

    static func randomClaimToken() -> String { ServiceStore.randomToken() }

    // MARK: Lawyers

    public func addLawyer(_ lawyer: Lawyer, token: String) async throws {
        try await transaction { db in
            try db.prepare("""
            INSERT INTO lawyers(id, token_sha256, languages, specialties, supervisor, created_at) VALUES(?,?,?,?,?,?)
            ON CONFLICT(id) DO UPDATE SET token_sha256 = excluded.token_sha256, languages = excluded.languages,
                specialties = excluded.specialties, supervisor = excluded.supervisor, disabled = 0
            """).run([.text(lawyer.id), .text(SQLiteTicketStore.digest(token)), .text(lawyer.languages.joined(separator: ",")),
                      .text(lawyer.specialties.joined(separator: ",")), .integer(lawyer.supervisor ? 1 : 0),
                      .integer(Int64(Date().timeIntervalSince1970 * 1000))])
        }
    }

    public func lawyers() async throws -> [Lawyer] {
        try await transaction { db in
            try db.rows("SELECT id, languages, specialties, supervisor, disabled FROM lawyers ORDER BY id").map(SQLiteTicketStore.lawyer)
        }
    }

    public func setLawyerDisabled(_ id: String, _ disabled: Bool) async throws -> Bool {
        try await transaction { db in
            try db.prepare("UPDATE lawyers SET disabled = ? WHERE id = ?").run([.integer(disabled ? 1 : 0), .text(id)])
            return try db.rows("SELECT changes()").first?.first??.description != "0"
        }
    }

    public func authenticateLawyer(token: String) async throws -> Lawyer? {
        try await transaction { db in
            try db.rows("SELECT id, languages, specialties, supervisor, disabled FROM lawyers WHERE token_sha256 = ? AND disabled = 0",
                        [.text(SQLiteTicketStore.digest(token))]).first.map(SQLiteTicketStore.lawyer)
        }
    }

    static func lawyer(_ row: [String?]) -> Lawyer {
        Lawyer(id: row[0] ?? "", languages: (row[1] ?? "").split(separator: ",").map(String.init),
               specialties: (row[2] ?? "").split(separator: ",").map(String.init), supervisor: row[3] == "1", disabled: row[4] == "1")
    }

    // MARK: Tickets

    static let ticketColumns = "id, gateway, session, language, topic, priority, reason, status, created_at, deadline_at, candidates, expiries"

    static func ticket(_ row: [String?], messages: [TicketMessage] = []) -> Ticket {
        Ticket(id: Int64(row[0] ?? "0") ?? 0, gateway: row[1] ?? "", session: row[2] ?? "", language: row[3] ?? "", topic: row[4],
               priority: TicketPriority(rawValue: Int(row[5] ?? "1") ?? 1) ?? .normal, reason: row[6] ?? "",
               status: TicketStatus(rawValue: row[7] ?? "open") ?? .open, createdAt: Int64(row[8] ?? "0") ?? 0,
               deadline: Int64(row[9] ?? "0") ?? 0, candidates: (row[10] ?? "").split(separator: ",").map(String.init),
               expiries: Int(row[11] ?? "0") ?? 0, messages: messages)
    }

    static func load(_ db: SQLiteConnection, _ id: Int64) throws -> Ticket? {
        guard let row = try db.rows("SELECT \(ticketColumns) FROM tickets WHERE id = ?", [.integer(id)]).first else { return nil }
        let messages = try db.rows("SELECT author, text, at FROM ticket_messages WHERE ticket = ? ORDER BY id", [.integer(id)]).map { row -> TicketMessage in
            let author = row[0] ?? ""
            let kind: TicketMessage.Author = author == "caller" ? .caller
                : author.hasPrefix("note:") ? .note(String(author.dropFirst(5))) : .lawyer(String(author.dropFirst(7)))
            return TicketMessage(author: kind, text: row[1] ?? "", at: Int64(row[2] ?? "0") ?? 0)
        }
        return ticket(row, messages: messages)
    }

    public func ticket(_ id: Int64) async throws -> Ticket? {
        try await transaction { db in try SQLiteTicketStore.load(db, id) }
    }

    public func attachedSessions() async throws -> [(gateway: String, session: String, ticket: Int64)] {
        try await transaction { db in
            try db.rows("""
                SELECT gateway, session, MAX(id) FROM tickets
                WHERE status IN ('open', 'claimed', 'answered') AND session_ended = 0 AND reason <> 'complaint' GROUP BY gateway, session
                """)
                .map { ($0[0] ?? "", $0[1] ?? "", Int64($0[2] ?? "0") ?? 0) }
        }
    }

    public func attachedTicket(gateway: String, session: String) async throws -> Ticket? {
        try await transaction { db in
            guard let id = try db.rows("""
                SELECT id FROM tickets WHERE gateway = ? AND session = ? AND status IN ('open', 'claimed', 'answered')
                AND session_ended = 0 AND reason <> 'complaint' ORDER BY id DESC LIMIT 1
                """, [.text(gateway), .text(session)]).first?.first ?? nil, let number = Int64(id) else { return nil }
            return try SQLiteTicketStore.load(db, number)
        }
    }

    public func open(_ new: NewTicket, now: Int64) async throws -> Ticket {
        try await transaction { db in
            try db.prepare("""
            INSERT INTO tickets(gateway, session, language, topic, priority, reason, status, created_at, queued_at, deadline_at, candidates)
            VALUES(?,?,?,?,?,?,'open',?,?,?,?)
            """).run([.text(new.gateway), .text(new.session), .text(new.language), new.topic.map { .text($0) } ?? .null,
                      .integer(Int64(new.priority.rawValue)), .text(new.reason), .integer(now), .integer(now), .integer(new.deadline),
                      .text(new.candidates.joined(separator: ","))])
            let id = db.lastInsertRowID
            try db.prepare("INSERT INTO ticket_messages(ticket, author, text, at) VALUES(?, 'caller', ?, ?)")
                .run([.integer(id), .text(new.question), .integer(now)])
            try AuditLog.append(db, kind: "ticket-opened", subject: new.gateway + "/" + new.session,
                                payload: "ticket=T\(id) lang=\(new.language) reason=\(new.reason) priority=\(new.priority.rawValue) question-sha256=\(AuditLog.sha256Hex(new.question)) deadline=\(new.deadline)",
                                at: now)
            return try SQLiteTicketStore.load(db, id)!
        }
    }

    public func addCallerMessage(ticket: Int64, text: String, now: Int64, urgentDeadline: Int64?) async throws -> Ticket {
        try await transaction { db in
            guard let existing = try SQLiteTicketStore.load(db, ticket) else { throw TicketError.noSuchTicket }
            try db.prepare("INSERT INTO ticket_messages(ticket, author, text, at) VALUES(?, 'caller', ?, ?)")
                .run([.integer(ticket), .text(text), .integer(now)])
            try AuditLog.append(db, kind: "caller-message", subject: existing.gateway + "/" + existing.session,
                                payload: "ticket=T\(ticket) text-sha256=\(AuditLog.sha256Hex(text)) urgent=\(urgentDeadline != nil)", at: now)
            if let urgentDeadline {
                // An urgent message raises the whole ticket (and brings its promise forward).
                try db.prepare("UPDATE tickets SET priority = ?, deadline_at = MIN(deadline_at, ?) WHERE id = ?")
                    .run([.integer(Int64(TicketPriority.urgent.rawValue)), .integer(urgentDeadline), .integer(ticket)])
            }
            // An answered ticket goes back to the queue for a new claim.
            try db.prepare("UPDATE tickets SET status = 'open', queued_at = ? WHERE id = ? AND status = 'answered'").run([.integer(now), .integer(ticket)])
            return try SQLiteTicketStore.load(db, ticket)!
        }
    }

    public func claimNext(lawyer: Lawyer, now: Int64, lease: Int64, anyLanguageAfter: Int64, atRiskMargin: Int64) async throws -> Claim? {
        let token = SQLiteTicketStore.randomClaimToken()
        return try await transaction { db in
            let languages = "," + lawyer.languages.joined(separator: ",") + ","
            let specialties = "," + lawyer.specialties.joined(separator: ",") + ","
            let row = try db.rows("""
                UPDATE tickets SET status = 'claimed', claim_token = ?1, claimed_by = ?2, lease_until = ?3 + ?4,
                    claimed_after = (SELECT COALESCE(MAX(m.id), 0) FROM ticket_messages m WHERE m.ticket = tickets.id)
                WHERE id = (
                    SELECT id FROM tickets
                    WHERE status = 'open'
                      AND (reason <> 'complaint' OR ?9)
                      AND (instr(?5, ',' || language || ',') > 0 OR queued_at <= ?3 - ?7)
                      AND (?6 = ',,' OR topic IS NULL OR instr(?6, ',' || topic || ',') > 0 OR queued_at <= ?3 - ?7)
                    ORDER BY priority + (first_response_at IS NULL AND deadline_at - ?3 <= MIN(?8, (deadline_at - created_at) / 3)) DESC,
                        queued_at, id LIMIT 1)
                RETURNING id, lease_until
                """, [.text(token), .text(lawyer.id), .integer(now), .integer(lease), .text(languages), .text(specialties),
                      .integer(anyLanguageAfter), .integer(atRiskMargin), .integer(lawyer.supervisor ? 1 : 0)])
                .first
            guard let row, let id = Int64(row[0] ?? ""), let until = Int64(row[1] ?? "") else { return nil }
            try SQLiteTicketStore.audit(db, ticket: id, kind: "ticket-claimed", payload: "lawyer=\(lawyer.id)", at: now)
            return Claim(ticket: try SQLiteTicketStore.load(db, id)!, token: token, leaseUntil: until)
        }
    }

    /// Appends a ticket event to the audit chain, under the ticket's session.
    static func audit(_ db: SQLiteConnection, ticket: Int64, kind: String, payload: String, at: Int64) throws {
        guard let row = try db.rows("SELECT gateway, session FROM tickets WHERE id = ?", [.integer(ticket)]).first else { return }
        try AuditLog.append(db, kind: kind, subject: (row[0] ?? "") + "/" + (row[1] ?? ""), payload: "ticket=T\(ticket) " + payload, at: at)
    }

    /// Checks that `token` holds `ticket`'s live lease.
    static func checkClaim(_ db: SQLiteConnection, ticket: Int64, token: String, now: Int64) throws {
        let live = try db.rows("SELECT 1 FROM tickets WHERE id = ? AND status = 'claimed' AND claim_token = ? AND lease_until > ?",
                               [.integer(ticket), .text(token), .integer(now)])
        guard !live.isEmpty else { throw TicketError.staleClaim }
    }

    public func touch(ticket: Int64, token: String, now: Int64, lease: Int64) async throws -> Int64 {
        try await transaction { db in
            try SQLiteTicketStore.checkClaim(db, ticket: ticket, token: token, now: now)
            try db.prepare("UPDATE tickets SET lease_until = ? WHERE id = ?").run([.integer(now + lease), .integer(ticket)])
            return now + lease
        }
    }

    public func release(ticket: Int64, token: String, now: Int64) async throws {
        try await transaction { db in
            try SQLiteTicketStore.checkClaim(db, ticket: ticket, token: token, now: now)
            try db.prepare("UPDATE tickets SET status = 'open', claim_token = NULL, claimed_by = NULL, lease_until = NULL WHERE id = ?")
                .run([.integer(ticket)])
            try SQLiteTicketStore.audit(db, ticket: ticket, kind: "ticket-released", payload: "", at: now)
        }
    }

    public func reply(ticket: Int64, token: String, lawyer: String, text: String, now: Int64) async throws -> GatewayEvent {
        try await transaction { db in
            try SQLiteTicketStore.checkClaim(db, ticket: ticket, token: token, now: now)
            // A caller who wrote while the lawyer held the ticket is not left unanswered: the reply
            // goes out, and the ticket goes back to the queue with the new messages.
            let unseen = try db.rows("""
                SELECT count(*) FROM ticket_messages m JOIN tickets t ON t.id = m.ticket
                WHERE m.ticket = ? AND m.author = 'caller' AND m.id > t.claimed_after
                """, [.integer(ticket)]).first?.first??.description ?? "0"
            try db.prepare("""
            UPDATE tickets SET status = ?, queued_at = CASE WHEN ? = 'open' THEN ? ELSE queued_at END,
                claim_token = NULL, claimed_by = NULL, lease_until = NULL, first_response_at = COALESCE(first_response_at, ?) WHERE id = ?
            """).run([.text(unseen == "0" ? "answered" : "open"), .text(unseen == "0" ? "answered" : "open"), .integer(now), .integer(now), .integer(ticket)])
            try db.prepare("INSERT INTO ticket_messages(ticket, author, text, at) VALUES(?, ?, ?, ?)")
                .run([.integer(ticket), .text("lawyer:" + lawyer), .text(text), .integer(now)])
            let row = try db.rows("SELECT gateway, session, language FROM tickets WHERE id = ?", [.integer(ticket)]).first!
            try db.prepare("INSERT INTO events(gateway, session, kind, ticket, language, text, created_at) VALUES(?, ?, 'REPLY', ?, ?, ?, ?)")
                .run([.text(row[0] ?? ""), .text(row[1] ?? ""), .integer(ticket), .text(row[2] ?? ""), .text(text), .integer(now)])
            let event = db.lastInsertRowID
            try AuditLog.append(db, kind: "lawyer-reply", subject: (row[0] ?? "") + "/" + (row[1] ?? ""),
                                payload: "ticket=T\(ticket) lawyer=\(lawyer) event=\(event) text-sha256=\(AuditLog.sha256Hex(text))", at: now)
            return GatewayEvent(id: event, gateway: row[0] ?? "", session: row[1] ?? "", kind: "REPLY", ticket: ticket,
                                language: row[2] ?? "", text: text)
        }
    }

    public func note(ticket: Int64, token: String, lawyer: String, text: String, now: Int64) async throws {
        try await transaction { db in
            try SQLiteTicketStore.checkClaim(db, ticket: ticket, token: token, now: now)
            try db.prepare("INSERT INTO ticket_messages(ticket, author, text, at) VALUES(?, ?, ?, ?)")
                .run([.integer(ticket), .text("note:" + lawyer), .text(text), .integer(now)])
        }
    }

    public func releaseAllClaims() async throws -> Int {
        try await transaction { db in
            try db.execute("UPDATE tickets SET status = 'open', claim_token = NULL, claimed_by = NULL, lease_until = NULL WHERE status = 'claimed'")
            return Int(try db.rows("SELECT changes()").first?.first??.description ?? "0") ?? 0
        }
    }

    public func list(status: TicketStatus, limit: Int) async throws -> [Ticket] {
        try await transaction { db in
            try db.rows("SELECT \(SQLiteTicketStore.ticketColumns) FROM tickets WHERE status = ? ORDER BY priority DESC, queued_at, id LIMIT ?",
                        [.text(status.rawValue), .integer(Int64(limit))]).map { SQLiteTicketStore.ticket($0) }
        }
    }

    public func close(ticket: Int64, token: String, lawyer: String, now: Int64) async throws {
        try await transaction { db in
            try SQLiteTicketStore.checkClaim(db, ticket: ticket, token: token, now: now)
            try db.prepare("UPDATE tickets SET status = 'closed', claim_token = NULL, claimed_by = NULL, lease_until = NULL WHERE id = ?")
                .run([.integer(ticket)])
            try db.prepare("INSERT INTO ticket_messages(ticket, author, text, at) VALUES(?, ?, 'closed without reply', ?)")
                .run([.integer(ticket), .text("note:" + lawyer), .integer(now)])
            let row = try db.rows("SELECT gateway, session FROM tickets WHERE id = ?", [.integer(ticket)]).first!
            try AuditLog.append(db, kind: "ticket-closed", subject: (row[0] ?? "") + "/" + (row[1] ?? ""),
                                payload: "ticket=T\(ticket) lawyer=\(lawyer)", at: now)
        }
    }

    public func releaseClaims(of lawyer: String) async throws -> Int {
        try await transaction { db in
            try db.prepare("""
            UPDATE tickets SET status = 'open', claim_token = NULL, claimed_by = NULL, lease_until = NULL
            WHERE claimed_by = ? AND status = 'claimed'
            """).run([.text(lawyer)])
            return Int(try db.rows("SELECT changes()").first?.first??.description ?? "0") ?? 0
        }
    }

    public func expireLeases(now: Int64, buryAfter: Int) async throws -> Int {
        try await transaction { db in
            try db.prepare("""
            UPDATE tickets SET status = CASE WHEN expiries + 1 >= ?2 THEN 'buried' ELSE 'open' END,
                claim_token = NULL, claimed_by = NULL, lease_until = NULL, expiries = expiries + 1
            WHERE status = 'claimed' AND lease_until <= ?1
            """).run([.integer(now), .integer(Int64(buryAfter))])
            return Int(try db.rows("SELECT changes()").first?.first??.description ?? "0") ?? 0
        }
    }

    public func closeSession(gateway: String, session: String, now: Int64) async throws {
        try await transaction { db in
            // A question still waiting or being answered stays in the queue (its reply is still
            // delivered to the gateway); only an answered ticket is closed.
            try db.prepare("""
            UPDATE tickets SET session_ended = 1, status = CASE status WHEN 'answered' THEN 'closed' ELSE status END
            WHERE gateway = ? AND session = ? AND status IN ('open', 'claimed', 'answered') AND reason <> 'complaint'
            """).run([.text(gateway), .text(session)])
        }
    }

    public func rate(ticket: Int64, score: Int, now: Int64) async throws {
        try await transaction { db in
            // The rating goes to the lawyer who replied last.
            let lawyer = try db.rows("SELECT author FROM ticket_messages WHERE ticket = ? AND author LIKE 'lawyer:%' ORDER BY id DESC LIMIT 1",
                                     [.integer(ticket)]).first?.first??.dropFirst(7)
            try db.prepare("INSERT INTO ratings(ticket, lawyer, score, at) VALUES(?, ?, ?, ?)")
                .run([.integer(ticket), lawyer.map { .text(String($0)) } ?? .null, .integer(Int64(score)), .integer(now)])
        }
    }

    public func bury(ticket: Int64, now: Int64) async throws -> Bool {
        try await transaction { db in
            try db.prepare("""
            UPDATE tickets SET status = 'buried', claim_token = NULL, claimed_by = NULL, lease_until = NULL
            WHERE id = ? AND status IN ('open', 'claimed')
            """).run([.integer(ticket)])
            guard db.changes > 0 else { return false }
            try SQLiteTicketStore.audit(db, ticket: ticket, kind: "ticket-buried", payload: "", at: now)
            return true
        }
    }

    public func kick(ticket: Int64, now: Int64) async throws -> Bool {
        try await transaction { db in
            try db.prepare("UPDATE tickets SET status = 'open', expiries = 0, queued_at = ? WHERE id = ? AND status = 'buried'")
                .run([.integer(now), .integer(ticket)])
            guard db.changes > 0 else { return false }
            try SQLiteTicketStore.audit(db, ticket: ticket, kind: "ticket-kicked", payload: "", at: now)
            return true
        }
    }

    public func reassign(ticket: Int64, language: String, now: Int64) async throws -> Bool {
        try await transaction { db in
            try db.prepare("""
            UPDATE tickets SET status = 'open', language = ?, claim_token = NULL, claimed_by = NULL, lease_until = NULL,
                expiries = 0, queued_at = ? WHERE id = ? AND status IN ('open', 'claimed', 'buried')
            """).run([.text(language), .integer(now), .integer(ticket)])
            guard db.changes > 0 else { return false }
            try SQLiteTicketStore.audit(db, ticket: ticket, kind: "ticket-reassigned", payload: "lang=\(language)", at: now)
            return true
        }
    }

    public func transfer(ticket: Int64, token: String, language: String, now: Int64) async throws {
        try await transaction { db in
            try SQLiteTicketStore.checkClaim(db, ticket: ticket, token: token, now: now)
            try db.prepare("""
            UPDATE tickets SET status = 'open', language = ?, queued_at = ?, claim_token = NULL, claimed_by = NULL, lease_until = NULL
            WHERE id = ?
            """).run([.text(language), .integer(now), .integer(ticket)])
            try SQLiteTicketStore.audit(db, ticket: ticket, kind: "ticket-transferred", payload: "lang=\(language)", at: now)
        }
    }

    /// Ratings per lawyer: (lawyer, count, mean score).
    /// The audit chain's entries, oldest first.
    public func auditEntries() async throws -> [AuditLog.Entry] {
        try await transaction { try AuditLog.entries($0) }
    }

    /// Runs read-only queries on the store's connection, outside any batch (reports).
    public func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try commits.sync(body)
    }

    /// The audit chain verified link by link, and its head (read outside any batch).
    public func verifyAudit() throws -> (count: Int, firstBroken: Int64?, head: AuditLog.Head) {
        try commits.sync { try AuditLog.verify($0) }
    }

    // MARK: Knowledge-base upkeep

    /// A question a lawyer answered: material for a draft FAQ (`hotline kb suggest`).
    public struct AnsweredQuestion: Sendable {
        public var ticket: Int64
        public var language: String
        public var topic: String?
        /// The bot's candidate FAQs when it escalated (best first).
        public var candidates: [String]
        public var question: String
        public var reply: String
    }

    /// Tickets a lawyer replied to (complaints excluded), with the caller's first message and the
    /// first reply; text blanked by retention or erasure is skipped.
    public func answeredQuestions() async throws -> [AnsweredQuestion] {
        try await transaction { db in
            try db.rows("""
                SELECT t.id, t.language, t.topic, t.candidates,
                       (SELECT text FROM ticket_messages m WHERE m.ticket = t.id AND m.author = 'caller' ORDER BY m.id LIMIT 1),
                       (SELECT text FROM ticket_messages m WHERE m.ticket = t.id AND m.author LIKE 'lawyer:%' ORDER BY m.id LIMIT 1)
                FROM tickets t WHERE t.reason <> 'complaint' ORDER BY t.id
                """).compactMap { row in
                guard let question = row[4], let reply = row[5], !question.isEmpty, !reply.isEmpty else { return nil }
                return AnsweredQuestion(ticket: Int64(row[0] ?? "0") ?? 0, language: row[1] ?? "", topic: row[2],
                                        candidates: (row[3] ?? "").split(separator: ",").map(String.init), question: question, reply: reply)
            }
        }
    }

    // MARK: A caller's rights (PIPL access and deletion)

    /// Everything the ticket store holds about one session for an access request: its tickets,
    /// every message on them (the caller's, the lawyers' replies and notes) and the replies
    /// delivered to the gateway. `gateway` nil: the session id on every gateway.
    public func exportSession(gateway: String?, session: String) async throws -> [[String: String]] {
        try await transaction { db in
            let (filter, arguments) = ServiceStore.sessionFilter(gateway: gateway, session: session, table: "t.")
            var records: [[String: String]] = []
            for row in try db.rows("""
                SELECT t.id, t.gateway, t.language, t.status, t.reason, t.created_at, t.first_response_at,
                       (SELECT group_concat(score, ',') FROM ratings r WHERE r.ticket = t.id)
                FROM tickets t WHERE \(filter) ORDER BY t.id
                """, arguments) {
                var record = ["record": "ticket", "ticket": "T" + (row[0] ?? ""), "gateway": row[1] ?? "", "language": row[2] ?? "",
                              "status": row[3] ?? "", "reason": row[4] ?? "", "created_at": row[5] ?? ""]
                if let first = row[6] { record["first_response_at"] = first }
                if let ratings = row[7] { record["ratings"] = ratings }
                records.append(record)
            }
            for row in try db.rows("""
                SELECT m.ticket, m.author, m.text, m.at FROM ticket_messages m JOIN tickets t ON t.id = m.ticket
                WHERE \(filter) ORDER BY m.id
                """, arguments) {
                records.append(["record": "message", "ticket": "T" + (row[0] ?? ""), "author": row[1] ?? "", "text": row[2] ?? "", "at": row[3] ?? ""])
            }
            return records
        }
    }

    /// Erases a session's raw text from the ticket store for a deletion request: every message
    /// on its tickets (the caller's and the lawyers') and every reply in the outbox. Tickets keep
    /// their times, status, language and ratings (statistics and promise clocks). Erased bytes
    /// are zeroed (`secure_delete`) and the WAL is checkpointed and truncated.
    @discardableResult
    public func eraseSession(gateway: String?, session: String) async throws -> Int {
        let changed = try await transaction { db -> Int in
            let (filter, arguments) = ServiceStore.sessionFilter(gateway: gateway, session: session)
            try db.run("UPDATE ticket_messages SET text = '' WHERE text <> '' AND ticket IN (SELECT id FROM tickets WHERE \(filter))", arguments)
            var changed = db.changes
            try db.run("UPDATE events SET text = '' WHERE text <> '' AND \(filter)", arguments)
            changed += db.changes
            return changed
        }
        try await commits.truncateLog()
        return changed
    }

    /// Retention: blanks the messages written before `cutoff` on tickets nobody is working on any
    /// more (answered or closed) and the replies the gateway has acknowledged, keeping every
    /// ticket's times, status and ratings. An open, claimed or buried ticket keeps its text (a
    /// person still needs it), and so does a reply not yet delivered: a reply is never lost.
    @discardableResult
    public func purgeRawText(before cutoff: Int64) async throws -> Int {
        let changed = try await transaction { db -> Int in
            try db.run("""
                UPDATE ticket_messages SET text = '' WHERE at < ? AND text <> ''
                AND ticket IN (SELECT id FROM tickets WHERE status IN ('answered', 'closed'))
                """, [.integer(cutoff)])
            var changed = db.changes
            try db.run("UPDATE events SET text = '' WHERE created_at < ? AND acked_at IS NOT NULL AND text <> ''", [.integer(cutoff)])
            changed += db.changes
            return changed
        }
        // The truncating checkpoint waits for readers: only when there was something to erase.
        if changed > 0 { try await commits.truncateLog() }
        return changed
    }

    public func ratingsByLawyer() async throws -> [(lawyer: String, count: Int, mean: Double)] {
        try await transaction { db in
            try db.rows("SELECT lawyer, count(*), avg(score) FROM ratings WHERE lawyer IS NOT NULL GROUP BY lawyer ORDER BY lawyer")
                .map { ($0[0] ?? "", Int($0[1] ?? "0") ?? 0, Double($0[2] ?? "0") ?? 0) }
        }
    }

    // MARK: Outbox

    public func pendingEvents(gateway: String, after: Int64) async throws -> [GatewayEvent] {
        try await transaction { db in
            try db.rows("""
                SELECT id, gateway, session, kind, ticket, language, text FROM events
                WHERE gateway = ? AND acked_at IS NULL AND id > ? ORDER BY id LIMIT 1000
                """, [.text(gateway), .integer(after)]).map { row in
                GatewayEvent(id: Int64(row[0] ?? "0") ?? 0, gateway: row[1] ?? "", session: row[2] ?? "", kind: row[3] ?? "",
                             ticket: Int64(row[4] ?? "0") ?? 0, language: row[5] ?? "", text: row[6] ?? "")
            }
        }
    }

    public func acknowledge(gateway: String, event: Int64, now: Int64) async throws -> Bool {
        try await transaction { db in
            try db.prepare("UPDATE events SET acked_at = COALESCE(acked_at, ?) WHERE id = ? AND gateway = ?")
                .run([.integer(now), .integer(event), .text(gateway)])
            return try db.rows("SELECT changes()").first?.first??.description != "0"
        }
    }

    public func statistics(now: Int64, atRiskMargin: Int64) async throws -> QueueStatistics {
        try await transaction { db in
            func count(_ sql: String, _ values: [SQLiteValue] = []) throws -> Int64 {
                Int64(try db.rows(sql, values).first?.first??.description ?? "0") ?? 0
            }
            let oldest = try count("SELECT COALESCE(MIN(queued_at), 0) FROM tickets WHERE status = 'open'")
            return QueueStatistics(
                waiting: Int(try count("SELECT count(*) FROM tickets WHERE status = 'open'")),
                claimed: Int(try count("SELECT count(*) FROM tickets WHERE status = 'claimed'")),
                buried: Int(try count("SELECT count(*) FROM tickets WHERE status = 'buried'")),
                oldestWaitingAge: oldest == 0 ? 0 : now - oldest,
                atRisk: Int(try count("""
                    SELECT count(*) FROM tickets WHERE status IN ('open', 'claimed') AND first_response_at IS NULL
                    AND deadline_at > ?1 AND deadline_at - ?1 <= MIN(?2, (deadline_at - created_at) / 3)
                    """, [.integer(now), .integer(atRiskMargin)])),
                breached: Int(try count("""
                    SELECT count(*) FROM tickets WHERE (first_response_at IS NOT NULL AND first_response_at > deadline_at)
                    OR (first_response_at IS NULL AND deadline_at <= ? AND status IN ('open', 'claimed', 'buried'))
                    """, [.integer(now)])))
        }
    }
}

public struct TicketStoreError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
