import Foundation
import HotlineAnswering
import HotlineStore
import HotlineTesting
import HotlineTickets
import Testing

/// `hotline report` on real SQLite files: the figures add up, questions are redacted, the radar
/// shows only cells above the minimum, the HTML page is self-contained.
struct ReportTests {
    @Test func theReportCountsRedactsAndHidesSmallCells() async throws {
        let directory = TemporaryDirectory()
        let service = try ServiceStore(directory: directory.path)
        let tickets = try SQLiteTicketStore(directory: directory.path)
        let day: Int64 = 86_400_000
        let monday = Int64(1_793_059_200_000)  // 2026-10-26, a Monday (UTC)
        func record(_ session: String, at: Int64, kind: String, faq: String?, confidence: Double, question: String) async throws {
            _ = try await withCheckedThrowingContinuation { continuation in
                service.record(ConsultationRecord(gateway: "web", session: session, askedAt: at, language: "zh-Hans", question: question, kind: kind,
                                                  faq: faq, confidence: confidence, citations: nil, knowledgeBaseVersion: "kb", latencyMicroseconds: 1,
                                                  choiceOf: nil)) { continuation.resume(with: $0) }
            }
        }
        // Week 1: 5 wage questions from 天河; week 2: 12 from 天河 (a rise) and 3 from 越秀 (too few to show).
        for i in 0..<5 { try await record("t\(i)", at: monday + Int64(i) * 3_600_000, kind: "ANSWER", faq: "labor.wage-arrears", confidence: 0.9, question: "老板欠薪") }
        for i in 0..<12 { try await record("u\(i)", at: monday + 7 * day + Int64(i) * 3_600_000, kind: "ANSWER", faq: "labor.wage-arrears", confidence: 0.9, question: "老板欠薪") }
        for i in 0..<3 { try await record("y\(i)", at: monday + 8 * day, kind: "ANSWER", faq: "labor.wage-arrears", confidence: 0.9, question: "老板欠薪") }
        for i in 0..<4 { try await record("o\(i)", at: monday + 9 * day, kind: "OUT_OF_SCOPE", faq: nil, confidence: 0, question: "我电话1381234567\(i)，天气怎么样？") }
        for (prefix, count, district) in [("t", 5, "天河"), ("u", 12, "天河"), ("y", 3, "越秀")] {
            for i in 0..<count {
                _ = try await withCheckedThrowingContinuation { continuation in
                    service.setAttributes(gateway: "web", session: "\(prefix)\(i)", [("district", district), ("channel", "web")]) { continuation.resume(with: $0) }
                }
            }
        }
        _ = try await withCheckedThrowingContinuation { continuation in service.recordFeedback(consultation: 1, value: "helpful") { continuation.resume(with: $0) } }
        // Two tickets: one answered after 10 minutes, one never answered and past its deadline.
        var ticket = newTicket("t0", at: monday)
        ticket.deadline = monday + 30 * 60_000
        let first = try await tickets.open(ticket, now: monday)
        _ = try await tickets.open(newTicket("t1", at: monday), now: monday)
        let claim = try #require(try await tickets.claimNext(lawyer: chinese, now: monday + 60_000, lease: 60_000_000, anyLanguageAfter: 0, atRiskMargin: 0))
        _ = try await tickets.reply(ticket: claim.ticket.id, token: claim.token, lawyer: "li", text: "答复", now: monday + 10 * 60_000)
        try await tickets.rate(ticket: first.id, score: 4, now: monday + day)

        let report = try ServiceReport.build(service: service, tickets: tickets, topics: ["labor.wage-arrears": "labor"],
                                             from: "2026-10-26", to: "2026-11-08", minimumCount: 5)
        #expect(report.consultations == 24)
        #expect(report.byDecision.first { $0.key == "ANSWER" }?.count == 20)
        #expect(abs(report.selfServiceRate - 20.0 / 24.0) < 1e-9)
        #expect(report.byTopic.first?.key == "labor" && report.byTopic.first?.count == 20)
        #expect(report.tickets == 2 && report.firstResponseP50Minutes == 10 && report.promiseBreaches == 1)
        #expect(report.ratingsByLawyer.first?.lawyer == "li")
        #expect(report.radar.count == 1 && report.radar[0].district == "天河" && report.radar[0].previous == 5 && report.radar[0].latest == 12)
        // Four questions that differ only in a phone number are one backlog entry once redacted.
        #expect(report.backlog.count == 1 && report.backlog[0].count == 4 && report.backlog[0].key.contains("[phone]"))

        let texts: ServiceReport.Texts = { operatorCatalog.text($0, .english, $1) }
        let markdown = report.markdown(texts), html = report.html(texts)
        #expect(markdown.contains("## Dispute radar") && !markdown.contains("report."))  // every sentence from Locales/operator
        for text in [markdown, html] {
            #expect(!text.contains("13812345670") && text.contains("[phone]"))
            #expect(!text.contains("越秀"))  // a cell under the minimum count
        }
        // Self-contained: charts are inline SVG, no scripts, no network (the SVG namespace is a name, not a fetch).
        #expect(html.contains("<svg") && !html.contains("<script") && !html.contains("https://"))
        #expect(!html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://"))
    }
}
