import Foundation
import HotlineStore
import HotlineTesting
import HotlineTickets
import Testing

/// A caller's access and deletion requests, on real SQLite files: the export holds everything
/// kept about the session; after the erase, a byte search of every file in the data directory
/// (databases, WAL, shared memory) finds none of the caller's raw text.
struct PrivacyTests {
    @Test func exportShowsTheSessionAndEraseLeavesNoRawBytes() async throws {
        let directory = TemporaryDirectory()
        let service = try ServiceStore(directory: directory.path)
        let tickets = try SQLiteTicketStore(directory: directory.path)
        let phone = "13812345678", name = "王秀英", replyWords = "王秀英请带劳动合同"
        let question = "我叫\(name)，电话\(phone)，老板三个月没发工资"
        _ = try await withCheckedThrowingContinuation { continuation in
            service.record(ConsultationRecord(gateway: "g", session: "caller-1", askedAt: 1_000, language: "zh-Hans", question: question,
                                              kind: "ESCALATED", faq: nil, confidence: 0.1, citations: nil, knowledgeBaseVersion: "kb",
                                              latencyMicroseconds: 100, choiceOf: nil)) { continuation.resume(with: $0) }
        }
        _ = try await withCheckedThrowingContinuation { continuation in
            service.setAttributes(gateway: "g", session: "caller-1", [("district", "天河")]) { continuation.resume(with: $0) }
        }
        // Another caller's data must survive the erase.
        _ = try await withCheckedThrowingContinuation { continuation in
            service.record(ConsultationRecord(gateway: "g", session: "caller-2", askedAt: 1_000, language: "zh-Hans", question: "押金不退怎么办",
                                              kind: "ANSWER", faq: "tenancy.deposit-not-returned", confidence: 0.9, citations: nil,
                                              knowledgeBaseVersion: "kb", latencyMicroseconds: 100, choiceOf: nil)) { continuation.resume(with: $0) }
        }
        var ticket = newTicket("caller-1")
        ticket.question = question
        let opened = try await tickets.open(ticket, now: 1_000)
        let claim = try #require(try await tickets.claimNext(lawyer: chinese, now: 2_000, lease: 60_000, anyLanguageAfter: 600_000, atRiskMargin: 0))
        _ = try await tickets.reply(ticket: opened.id, token: claim.token, lawyer: "li", text: replyWords, now: 3_000)
        service.flush()

        let exported = try service.exportSession(gateway: nil, session: "caller-1") + (try await tickets.exportSession(gateway: "g", session: "caller-1"))
        #expect(exported.contains { $0["question"] == question })
        #expect(exported.contains { $0["record"] == "attribute" && $0["value"] == "天河" })
        #expect(exported.contains { $0["record"] == "message" && $0["text"] == replyWords })
        #expect(!exported.contains { $0["question"] == "押金不退怎么办" })

        #expect(try service.eraseSession(gateway: nil, session: "caller-1") == 2)
        #expect(try await tickets.eraseSession(gateway: nil, session: "caller-1") >= 3)
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/" + file))
            for secret in [phone, name, replyWords] {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) still in \(file)")
            }
        }
        // What statistics need stays; the other caller is untouched.
        #expect(try service.transcript(gateway: "g", session: "caller-1").map(\.kind) == ["ESCALATED"])
        #expect(try service.transcript(gateway: "g", session: "caller-2").map(\.question) == ["押金不退怎么办"])
        #expect(try await tickets.ticket(opened.id)?.status != nil)
    }

    /// Retention blanks old raw text nobody needs, and keeps what a person still needs: a ticket
    /// still waiting, and a reply not yet delivered.
    @Test func retentionBlanksOldTextButNotOpenTicketsOrUndeliveredReplies() async throws {
        let directory = TemporaryDirectory()
        let service = try ServiceStore(directory: directory.path)
        let tickets = try SQLiteTicketStore(directory: directory.path)
        for (session, at) in [("old", Int64(1_000)), ("new", Int64(9_000_000))] {
            _ = try await withCheckedThrowingContinuation { continuation in
                service.record(ConsultationRecord(gateway: "g", session: session, askedAt: at, language: "zh-Hans", question: "问题\(session)",
                                                  kind: "ANSWER", faq: "labor.wage-arrears", confidence: 0.9, citations: nil,
                                                  knowledgeBaseVersion: "kb", latencyMicroseconds: 1, choiceOf: nil)) { continuation.resume(with: $0) }
            }
        }
        #expect(try service.purgeRawText(before: 5_000_000) == 1)
        #expect(try service.transcript(gateway: "g", session: "old").map(\.question) == [""])
        #expect(try service.transcript(gateway: "g", session: "new").map(\.question) == ["问题new"])

        // Answered and delivered: purged. Answered, reply not yet acknowledged: kept. Waiting: kept.
        let delivered = try await tickets.open(newTicket("a", at: 1_000), now: 1_000)
        let undelivered = try await tickets.open(newTicket("b", at: 1_000), now: 1_000)
        let waiting = try await tickets.open(newTicket("c", at: 1_000), now: 1_000)
        for _ in 0..<2 {
            let claim = try #require(try await tickets.claimNext(lawyer: chinese, now: 2_000, lease: 60_000, anyLanguageAfter: 600_000, atRiskMargin: 0))
            let event = try await tickets.reply(ticket: claim.ticket.id, token: claim.token, lawyer: "li", text: "答复\(claim.ticket.session)", now: 3_000)
            if claim.ticket.id == delivered.id { #expect(try await tickets.acknowledge(gateway: "g", event: event.id, now: 4_000)) }
        }
        try await tickets.purgeRawText(before: 5_000_000)
        #expect(try await tickets.ticket(delivered.id)?.messages.allSatisfy { $0.text.isEmpty } == true)
        #expect(try await tickets.ticket(waiting.id)?.messages.map(\.text) == ["老板不发工资"])
        #expect(try await tickets.pendingEvents(gateway: "g", after: 0).map(\.text) == ["答复b"])
        _ = undelivered
        // What was purged is gone from every file (databases, WAL, shared memory), not only from queries.
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/" + file))
            for purged in ["问题old", "答复a"] { #expect(bytes.range(of: Data(purged.utf8)) == nil, "\(purged) still in \(file)") }
        }
    }
}

/// `hotline kb suggest` reads what lawyers answered: the caller's first message and the first
/// reply of every answered ticket, complaints and erased text left out.
struct SuggestionSourceTests {
    @Test func answeredQuestionsPairTheCallersQuestionWithTheFirstReply() async throws {
        let directory = TemporaryDirectory()
        let tickets = try SQLiteTicketStore(directory: directory.path)
        for session in ["a", "b", "c"] { _ = try await tickets.open(newTicket(session), now: 1_000) }
        var complaint = newTicket("d")
        complaint.reason = "complaint"
        _ = try await tickets.open(complaint, now: 1_000)
        while let claim = try await tickets.claimNext(lawyer: chinese, now: 2_000, lease: 60_000, anyLanguageAfter: 600_000, atRiskMargin: 0) {
            _ = try await tickets.reply(ticket: claim.ticket.id, token: claim.token, lawyer: "li", text: "先申请劳动仲裁（\(claim.ticket.session)）", now: 3_000)
        }
        try await tickets.eraseSession(gateway: "g", session: "c")
        let answered = try await tickets.answeredQuestions()
        #expect(answered.map(\.reply) == ["先申请劳动仲裁（a）", "先申请劳动仲裁（b）"])
        #expect(answered.allSatisfy { $0.question == "老板不发工资" && $0.candidates == ["labor.wage-arrears"] && $0.topic == "labor" })
    }
}
