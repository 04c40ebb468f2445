import Crypto
import Dispatch
import Foundation
import HotlineKnowledge
import Synchronization

/// One answered (or clarified, escalated, refused) caller message: the transcript line.
public struct ConsultationRecord: Sendable {
    public var gateway: String
    public var session: String
    /// Milliseconds since 1970.
    public var askedAt: Int64
    public var language: String
    public var question: String
    /// The reply kind sent (`ANSWER`, `CLARIFY`, …).
    public var kind: String
    public var faq: String?
    public var confidence: Double
    /// Cited articles, `law:article` joined by `,`.
    public var citations: String?
    public var knowledgeBaseVersion: String
    public var latencyMicroseconds: Int64
    /// For a pick from a clarify prompt: the consultation that asked.
    public var choiceOf: Int64?

    public init(gateway: String, session: String, askedAt: Int64, language: String, question: String, kind: String,
                faq: String?, confidence: Double, citations: String?, knowledgeBaseVersion: String,
                latencyMicroseconds: Int64, choiceOf: Int64?) {
        self.gateway = gateway
        self.session = session
        self.askedAt = askedAt
        self.language = language
        self.question = question
        self.kind = kind
        self.faq = faq
        self.confidence = confidence
        self.citations = citations
        self.knowledgeBaseVersion = knowledgeBaseVersion
        self.latencyMicroseconds = latencyMicroseconds
        self.choiceOf = choiceOf
    }
}

/// The reader connection as the checkpoint closure holds it: used only on the reader's queue.
private final class Checkpointer: @unchecked Sendable {
    let reader: SQLiteConnection
    init(reader: SQLiteConnection) { self.reader = reader }
    func passive() { _ = try? reader.execute("PRAGMA wal_checkpoint(PASSIVE)") }
}

public struct GatewayInfo: Sendable, Hashable {
    public var id: String
    public var createdAt: Int64
    public var disabled: Bool
}

public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The service's durable data in `<data-dir>/hotline.sqlite`: gateways, the consultation
/// transcript, feedback and session attributes.
///
/// All SQLite work runs on one serial queue (``GroupCommit``), never on a caller's thread (so never on an event
/// loop). Writes are **group-committed**: each write is queued with a completion; one transaction
/// takes everything queued so far, and only after COMMIT are the completions called — so the daemon
/// replies to a caller only once the transcript line is durable (WAL, `synchronous=NORMAL`: safe
/// against `kill -9`), and thousands of answers a second cost a few transactions a second.
public final class ServiceStore: @unchecked Sendable {
    public let path: String
    /// One serial queue owns the connection; writes are group-committed through it.
    private let commits: GroupCommit
    /// A second connection for token lookups and checkpoints, so AUTH never waits behind a
    /// group commit.
    private let reader: SQLiteConnection
    private let readerQueue: DispatchQueue

    /// 2 added the audit chain (``AuditLog``).
    static let schemaVersion = 2

    /// How durable a service database is: `normal` survives a killed process, `full` also a
    /// power loss (each commit is fsynced).
    public enum Durability: String, Sendable { case normal = "NORMAL", full = "FULL" }

    /// Opens (creating `directory` if needed) one of the service's SQLite files: WAL, the given
    /// durability, foreign keys, and a busy timeout so another process (a `hotline` admin
    /// command) never makes a client see "database is locked".
    public static func openDatabase(_ path: String, durability: Durability, busyTimeoutMilliseconds: Int32) throws -> SQLiteConnection {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let connection = try SQLiteConnection(path: path, mode: .readWriteCreate)
        connection.setBusyTimeout(milliseconds: busyTimeoutMilliseconds)
        // secure_delete: content that is deleted or overwritten (a caller's erased text) is zeroed
        // in the file, not left in free pages.
        try connection.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=\(durability.rawValue); PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON")
        return connection
    }

    /// Opens (creating and migrating) the store in `directory`.
    public init(directory: String) throws {
        path = directory + "/hotline.sqlite"
        let connection = try ServiceStore.openDatabase(path, durability: .normal, busyTimeoutMilliseconds: 5_000)
        try ServiceStore.migrate(connection, path: path)
        let reader = try SQLiteConnection(path: path, mode: .readWriteCreate)
        reader.setBusyTimeout(milliseconds: 5_000)
        let readerQueue = DispatchQueue(label: "hotline.store.read")
        // Checkpoints (copying the WAL into the database, with an fsync) would otherwise run
        // inside a group commit every 1,000 pages and stall every reply waiting on it; they run
        // on the reader's queue every few thousand writes instead.
        try connection.execute("PRAGMA wal_autocheckpoint=0")
        var writesSinceCheckpoint = 0
        let checkpointer = Checkpointer(reader: reader)
        commits = GroupCommit(connection: connection, label: "hotline.store") { count in
            writesSinceCheckpoint += count
            guard writesSinceCheckpoint >= ServiceStore.checkpointEvery else { return }
            writesSinceCheckpoint = 0
            readerQueue.async { checkpointer.passive() }
        }
        self.reader = reader
        self.readerQueue = readerQueue
    }

    static let checkpointEvery = 4_000

    private static func migrate(_ connection: SQLiteConnection, path: String) throws {
        let version = Int(try connection.rows("PRAGMA user_version").first?.first??.description ?? "0") ?? 0
        guard version < ServiceStore.schemaVersion else {
            if version > ServiceStore.schemaVersion {
                throw StoreError("\(path) has schema version \(version); this build knows \(ServiceStore.schemaVersion): upgrade hotline")
            }
            return
        }
        try connection.transaction {
            try connection.execute("""
            CREATE TABLE IF NOT EXISTS gateways(
                id TEXT PRIMARY KEY, token_sha256 TEXT NOT NULL UNIQUE,
                created_at INTEGER NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE IF NOT EXISTS consultations(
                id INTEGER PRIMARY KEY, gateway TEXT NOT NULL, session TEXT NOT NULL, asked_at INTEGER NOT NULL,
                language TEXT NOT NULL, question TEXT NOT NULL, kind TEXT NOT NULL, faq TEXT,
                confidence REAL NOT NULL, citations TEXT, kb_version TEXT NOT NULL,
                latency_us INTEGER NOT NULL, choice_of INTEGER);
            CREATE INDEX IF NOT EXISTS consultations_by_session ON consultations(gateway, session, id);
            CREATE TABLE IF NOT EXISTS feedback(
                consultation INTEGER NOT NULL REFERENCES consultations(id), value TEXT NOT NULL, at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS session_attributes(
                gateway TEXT NOT NULL, session TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                updated_at INTEGER NOT NULL, PRIMARY KEY(gateway, session, key));
            \(AuditLog.schema)
            PRAGMA user_version = \(ServiceStore.schemaVersion);
            """)
        }
    }

    // MARK: Gateways

    /// The stored form of a token: tokens are random and long, so an unsalted SHA-256 is enough
    /// to keep them out of the file while allowing lookup by token.
    public static func tokenDigest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A fresh random token (32 bytes, URL-safe base64 without padding).
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Token rules: 16–128 printable ASCII characters without spaces.
    public static func isAcceptableToken(_ token: String) -> Bool {
        (16...128).contains(token.utf8.count) && token.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    /// Adds a gateway, or replaces the token of an existing one (and enables it).
    public func addGateway(id: String, token: String) throws {
        try commits.sync { connection in
            try connection.transaction {
                let statement = try connection.prepare("""
                INSERT INTO gateways(id, token_sha256, created_at) VALUES(?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET token_sha256 = excluded.token_sha256, disabled = 0
                """)
                try statement.run([.text(id), .text(ServiceStore.tokenDigest(token)), .integer(ServiceStore.now())])
            }
        }
    }

    public func setGatewayDisabled(id: String, _ disabled: Bool) throws -> Bool {
        try commits.sync { connection in
            try connection.prepare("UPDATE gateways SET disabled = ? WHERE id = ?").run([.integer(disabled ? 1 : 0), .text(id)])
            return try connection.rows("SELECT changes()").first?.first??.description != "0"
        }
    }

    public func gateways() throws -> [GatewayInfo] {
        try commits.sync { connection in
            try connection.rows("SELECT id, created_at, disabled FROM gateways ORDER BY id").map {
                GatewayInfo(id: $0[0] ?? "", createdAt: Int64($0[1] ?? "0") ?? 0, disabled: $0[2] == "1")
            }
        }
    }

    /// The enabled gateway whose token this is, or `nil`, looked up on the reader connection's
    /// queue; `completion` runs there.
    public func authenticateGateway(token: String, completion: @escaping @Sendable (Result<String?, Error>) -> Void) {
        readerQueue.async { [self] in
            completion(Result {
                try reader.rows("SELECT id FROM gateways WHERE token_sha256 = ? AND disabled = 0", [.text(ServiceStore.tokenDigest(token))])
                    .first?.first ?? nil
            })
        }
    }

    // MARK: Group-committed writes

    /// Appends a transcript line; `completion` gets its id (the `ref` callers rate) after COMMIT.
    public func record(_ r: ConsultationRecord, completion: @escaping @Sendable (Result<Int64, Error>) -> Void) {
        commits.submit({ [self] db in
            try cached(&insertConsultation, db, """
            INSERT INTO consultations(gateway, session, asked_at, language, question, kind, faq, confidence,
                citations, kb_version, latency_us, choice_of) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)
            """).run([
                .text(r.gateway), .text(r.session), .integer(r.askedAt), .text(r.language), .text(r.question), .text(r.kind),
                r.faq.map { .text($0) } ?? .null, .real(r.confidence), r.citations.map { .text($0) } ?? .null,
                .text(r.knowledgeBaseVersion), .integer(r.latencyMicroseconds), r.choiceOf.map { .integer($0) } ?? .null,
            ])
            let reference = db.lastInsertRowID
            // The tamper-evident record: hashes and decisions, in the same transaction.
            try AuditLog.append(db, kind: "consultation", subject: r.gateway + "/" + r.session,
                                payload: "ref=\(reference) lang=\(r.language) question-sha256=\(AuditLog.sha256Hex(r.question)) decision=\(r.kind) faq=\(r.faq ?? "-") kb=\(r.knowledgeBaseVersion)",
                                at: r.askedAt)
            return reference
        }, completion: completion)
    }

    public func recordFeedback(consultation: Int64, value: String, completion: @escaping @Sendable (Result<Int64, Error>) -> Void) {
        let at = ServiceStore.now()
        commits.submit({ [self] db in
            try cached(&insertFeedback, db, "INSERT INTO feedback(consultation, value, at) VALUES(?,?,?)")
                .run([.integer(consultation), .text(value), .integer(at)])
            return db.lastInsertRowID
        }, completion: completion)
    }

    public func setAttributes(gateway: String, session: String, _ attributes: [(String, String)],
                              completion: @escaping @Sendable (Result<Int64, Error>) -> Void) {
        let at = ServiceStore.now()
        commits.submit({ [self] db in
            let upsert = try cached(&upsertAttribute, db, """
            INSERT INTO session_attributes(gateway, session, key, value, updated_at) VALUES(?,?,?,?,?)
            ON CONFLICT(gateway, session, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """)
            for (key, value) in attributes {
                try upsert.run([.text(gateway), .text(session), .text(key), .text(value), .integer(at)])
            }
            return Int64(0)
        }, completion: completion)
    }

    /// Waits until everything queued so far is committed, and checkpoints the WAL.
    public func flush() {
        commits.sync { _ in }
        commits.sync { _ in }
        readerQueue.sync { _ = try? reader.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    private var insertConsultation: SQLiteStatement?
    private var insertFeedback: SQLiteStatement?
    private var upsertAttribute: SQLiteStatement?

    /// A prepared statement kept for the connection's life (runs on the store's queue).
    private func cached(_ statement: inout SQLiteStatement?, _ db: SQLiteConnection, _ sql: String) throws -> SQLiteStatement {
        if let statement { return statement }
        let prepared = try db.prepare(sql)
        statement = prepared
        return prepared
    }

    // MARK: Reading (administration and tests)

    /// A session's transcript, oldest first: (id, question, kind, faq).
    public func transcript(gateway: String, session: String) throws -> [(id: Int64, question: String, kind: String, faq: String?)] {
        try commits.sync { connection in
            try connection.rows("SELECT id, question, kind, faq FROM consultations WHERE gateway = ? AND session = ? ORDER BY id",
                                [.text(gateway), .text(session)])
                .map { (Int64($0[0] ?? "0") ?? 0, $0[1] ?? "", $0[2] ?? "", $0[3]) }
        }
    }

    public func feedback(consultation: Int64) throws -> [String] {
        try commits.sync { connection in
            try connection.rows("SELECT value FROM feedback WHERE consultation = ? ORDER BY rowid", [.integer(consultation)]).map { $0[0] ?? "" }
        }
    }

    public func attributes(gateway: String, session: String) throws -> [String: String] {
        try commits.sync { connection in
            var result: [String: String] = [:]
            for row in try connection.rows("SELECT key, value FROM session_attributes WHERE gateway = ? AND session = ?",
                                           [.text(gateway), .text(session)]) {
                result[row[0] ?? ""] = row[1] ?? ""
            }
            return result
        }
    }

    // MARK: A caller's rights (PIPL access and deletion)

    /// The WHERE clause and values selecting one caller's session (`gateway` nil: the session id
    /// on every gateway); `table` qualifies the columns, e.g. `t.`.
    public static func sessionFilter(gateway: String?, session: String, table: String = "") -> (sql: String, values: [SQLiteValue]) {
        guard let gateway else { return ("\(table)session = ?", [.text(session)]) }
        return ("\(table)session = ? AND \(table)gateway = ?", [.text(session), .text(gateway)])
    }

    /// Everything stored about one session for an access request: its transcript (with each
    /// line's feedback) and its attributes. `gateway` nil: the session id on every gateway.
    public func exportSession(gateway: String?, session: String) throws -> [[String: String]] {
        try commits.sync { connection in
            let (filter, arguments) = ServiceStore.sessionFilter(gateway: gateway, session: session)
            var records: [[String: String]] = []
            for row in try connection.rows("""
                SELECT c.id, c.gateway, c.asked_at, c.language, c.question, c.kind, c.faq, c.citations, c.kb_version,
                       (SELECT group_concat(value, ',') FROM feedback f WHERE f.consultation = c.id)
                FROM consultations c WHERE \(filter) ORDER BY c.id
                """, arguments) {
                var record = ["record": "consultation", "id": row[0] ?? "", "gateway": row[1] ?? "", "asked_at": row[2] ?? "",
                              "language": row[3] ?? "", "question": row[4] ?? "", "reply_kind": row[5] ?? "", "kb_version": row[8] ?? ""]
                if let faq = row[6] { record["faq"] = faq }
                if let citations = row[7] { record["citations"] = citations }
                if let feedback = row[9] { record["feedback"] = feedback }
                records.append(record)
            }
            for row in try connection.rows("SELECT gateway, key, value FROM session_attributes WHERE \(filter) ORDER BY gateway, key", arguments) {
                records.append(["record": "attribute", "gateway": row[0] ?? "", "key": row[1] ?? "", "value": row[2] ?? ""])
            }
            return records
        }
    }

    /// Erases a session's raw text (its questions) and attributes for a deletion request,
    /// keeping what statistics need (time, language, decision, FAQ, KB version). The erased
    /// bytes are zeroed (`secure_delete`) and the WAL is checkpointed and truncated, so no copy
    /// is left in the files. Returns the number of rows changed.
    @discardableResult
    public func eraseSession(gateway: String?, session: String) throws -> Int {
        let changed = try commits.sync { connection -> Int in
            let (filter, arguments) = ServiceStore.sessionFilter(gateway: gateway, session: session)
            try connection.run("UPDATE consultations SET question = '' WHERE \(filter) AND question <> ''", arguments)
            var changed = connection.changes
            try connection.run("DELETE FROM session_attributes WHERE \(filter)", arguments)
            changed += connection.changes
            return changed
        }
        flush()
        return changed
    }

    /// Retention: blanks the questions asked before `cutoff` (milliseconds since 1970) and drops
    /// attributes not updated since, keeping the de-identified rest for statistics; zeroed and
    /// checkpointed like ``eraseSession(gateway:session:)``. Returns the number of rows changed.
    @discardableResult
    public func purgeRawText(before cutoff: Int64) throws -> Int {
        let changed = try commits.sync { connection -> Int in
            try connection.run("UPDATE consultations SET question = '' WHERE asked_at < ? AND question <> ''", [.integer(cutoff)])
            var changed = connection.changes
            try connection.run("DELETE FROM session_attributes WHERE updated_at < ?", [.integer(cutoff)])
            changed += connection.changes
            return changed
        }
        // The truncating checkpoint waits for readers: only when there was something to erase.
        if changed > 0 { flush() }
        return changed
    }

    /// Runs read-only queries on the store's connection (reports).
    public func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try commits.sync(body)
    }

    /// The audit chain's entries, oldest first.
    public func auditEntries() throws -> [AuditLog.Entry] {
        try commits.sync { try AuditLog.entries($0) }
    }

    /// The audit chain verified link by link, and its head.
    public func verifyAudit() throws -> (count: Int, firstBroken: Int64?, head: AuditLog.Head) {
        try commits.sync { try AuditLog.verify($0) }
    }

    public func consultationCount() throws -> Int {
        try commits.sync { connection in Int(try connection.rows("SELECT count(*) FROM consultations").first?.first??.description ?? "0") ?? 0 }
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
