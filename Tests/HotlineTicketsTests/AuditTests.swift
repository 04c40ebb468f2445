import Foundation
import HotlineKnowledge
import HotlineStore
import HotlineTesting
import HotlineTickets
import Testing

/// The tamper-evident record on real SQLite files: appended with what it records, verified link
/// by link, and provable one session at a time against a published head.
struct AuditTests {
    @Test func ticketEventsAndRepliesAreChainedAndATamperedEntryIsNamed() async throws {
        let directory = TemporaryDirectory()
        let tickets = try SQLiteTicketStore(directory: directory.path)
        let first = try await tickets.open(newTicket("a"), now: 1_000)
        _ = try await tickets.open(newTicket("b"), now: 1_100)
        _ = try await tickets.addCallerMessage(ticket: first.id, text: "还有加班费", now: 1_200, urgentDeadline: nil)
        let claim = try #require(try await tickets.claimNext(lawyer: chinese, now: 2_000, lease: 60_000, anyLanguageAfter: 600_000, atRiskMargin: 0))
        _ = try await tickets.reply(ticket: claim.ticket.id, token: claim.token, lawyer: "li", text: "请申请劳动仲裁。", now: 3_000)
        let entries = try await tickets.auditEntries()
        #expect(entries.map(\.kind) == ["ticket-opened", "ticket-opened", "caller-message", "ticket-claimed", "lawyer-reply"])
        #expect(entries.allSatisfy { !$0.payload.contains("工资") && !$0.payload.contains("仲裁") })  // hashes, never text
        #expect(AuditLog.firstBrokenEntry(entries) == nil)

        // Flip one byte of entry 2's payload behind the store's back: verification names entry 2.
        let db = try SQLiteConnection(path: directory.path + "/tickets.sqlite", mode: .readWriteCreate)
        try db.run("UPDATE audit SET payload = replace(payload, 'lang=zh-Hans', 'lang=zh-Hant') WHERE id = 2", [])
        #expect(AuditLog.firstBrokenEntry(try await tickets.auditEntries()) == 2)
    }

    @Test func consultationsAreChainedWithTheirQuestionsHashOnly() async throws {
        let directory = TemporaryDirectory()
        let service = try ServiceStore(directory: directory.path)
        for (index, question) in ["老板拖欠工资", "押金不退"].enumerated() {
            _ = try await withCheckedThrowingContinuation { continuation in
                service.record(ConsultationRecord(gateway: "g", session: "s\(index)", askedAt: 1_000, language: "zh-Hans", question: question,
                                                  kind: "ANSWER", faq: "labor.wage-arrears", confidence: 0.9, citations: nil,
                                                  knowledgeBaseVersion: "kb1", latencyMicroseconds: 1, choiceOf: nil)) { continuation.resume(with: $0) }
            }
        }
        let entries = try service.auditEntries()
        #expect(entries.count == 2 && AuditLog.firstBrokenEntry(entries) == nil)
        #expect(entries[0].payload.contains("question-sha256=\(AuditLog.sha256Hex("老板拖欠工资"))") && entries[1].subject == "g/s1")
        // Erasing the caller's text leaves the chain verifiable.
        try service.eraseSession(gateway: nil, session: "s0")
        #expect(AuditLog.firstBrokenEntry(try service.auditEntries()) == nil)
    }

    /// Receipts for every entry of chains of every size up to 33 check against the head, and fail
    /// against a changed head or a changed entry.
    @Test func receiptsProveInclusionAgainstThePublishedHead() {
        var entries: [AuditLog.Entry] = []
        var previous = AuditLog.genesis
        for id in 1...33 {
            var entry = AuditLog.Entry(id: Int64(id), at: Int64(id), kind: "consultation", subject: "g/s\(id % 4)", payload: "ref=\(id)", hash: "")
            entry.hash = AuditLog.sha256Hex(previous + "\n" + entry.canonical)
            previous = entry.hash
            entries.append(entry)
            for subject in ["g/s0", "g/s1", "g/s2", "g/s3"] {
                let receipt = AuditLog.receipt(subject: subject, entries: entries)
                #expect(AuditLog.check(receipt).isEmpty, "size \(id) \(subject)")
            }
        }
        var forged = AuditLog.receipt(subject: "g/s1", entries: entries)
        #expect(forged.items.count == 9)
        forged.head.root = AuditLog.receipt(subject: "g/s1", entries: Array(entries.dropLast())).head.root
        #expect(!AuditLog.check(forged).isEmpty)
        var altered = AuditLog.receipt(subject: "g/s2", entries: entries)
        altered.items[0].entry.payload = "ref=999"
        #expect(!AuditLog.check(altered).isEmpty)
    }
}
