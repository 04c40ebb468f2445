import Foundation
import HotlineTesting
import HotlineTickets
import Testing

let chinese = Lawyer(id: "li", languages: ["zh-Hans", "zh-Hant"], specialties: ["labor"], supervisor: false)
let english = Lawyer(id: "smith", languages: ["en"], specialties: [], supervisor: false)

func newTicket(_ session: String, language: String = "zh-Hans", topic: String? = "labor", priority: TicketPriority = .normal,
               at now: Int64 = 1_000) -> NewTicket {
    NewTicket(gateway: "g", session: session, language: language, topic: topic, priority: priority, reason: "low-confidence",
              question: "老板不发工资", candidates: ["labor.wage-arrears"], deadline: now + 1_800_000)
}

/// The ticket store on real SQLite files, with the clock as a parameter (no sleeping).
struct TicketStoreTests {
    @Test func claimsFollowPriorityAgeLanguageAndSpecialty() async throws {
        let directory = TemporaryDirectory()
        let store = try SQLiteTicketStore(directory: directory.path)
        let first = try await store.open(newTicket("a", at: 1_000), now: 1_000)
        let urgent = try await store.open(newTicket("b", priority: .urgent, at: 2_000), now: 2_000)
        let french = try await store.open(newTicket("c", language: "fr", at: 500), now: 500)
        let family = try await store.open(newTicket("d", topic: "family", at: 600), now: 600)
        let lease: Int64 = 60_000, wait: Int64 = 600_000
        #expect(try await store.claimNext(lawyer: chinese, now: 3_000, lease: lease, anyLanguageAfter: wait, atRiskMargin: 0)?.ticket.id == urgent.id)
        #expect(try await store.claimNext(lawyer: chinese, now: 3_000, lease: lease, anyLanguageAfter: wait, atRiskMargin: 0)?.ticket.id == first.id)
        // Neither the French nor the family ticket is Li's, until they have waited long enough.
        #expect(try await store.claimNext(lawyer: chinese, now: 3_000, lease: lease, anyLanguageAfter: wait, atRiskMargin: 0) == nil)
        #expect(try await store.claimNext(lawyer: english, now: 3_000, lease: lease, anyLanguageAfter: wait, atRiskMargin: 0) == nil)
        let late = try #require(try await store.claimNext(lawyer: english, now: 700_000, lease: lease, anyLanguageAfter: wait, atRiskMargin: 0))
        #expect(late.ticket.id == french.id)
        #expect(try await store.claimNext(lawyer: chinese, now: 700_000, lease: lease, anyLanguageAfter: wait, atRiskMargin: 0)?.ticket.id == family.id)
    }

    @Test func replyNeedsTheLiveClaimAndQueuesOneEvent() async throws {
        let directory = TemporaryDirectory()
        let store = try SQLiteTicketStore(directory: directory.path)
        let ticket = try await store.open(newTicket("s1"), now: 1_000)
        let claim = try #require(try await store.claimNext(lawyer: chinese, now: 2_000, lease: 10_000, anyLanguageAfter: 1_000_000, atRiskMargin: 0))
        await #expect(throws: TicketError.staleClaim) { try await store.reply(ticket: ticket.id, token: "forged", lawyer: "li", text: "x", now: 3_000) }
        // An expired lease is stale even before the sweeper runs.
        await #expect(throws: TicketError.staleClaim) { try await store.reply(ticket: ticket.id, token: claim.token, lawyer: "li", text: "x", now: 12_000) }
        let event = try await store.reply(ticket: ticket.id, token: claim.token, lawyer: "li", text: "请先申请劳动仲裁。", now: 5_000)
        // A spent token is stale: no second reply to one claim.
        await #expect(throws: TicketError.staleClaim) { try await store.reply(ticket: ticket.id, token: claim.token, lawyer: "li", text: "again", now: 6_000) }
        #expect(try await store.pendingEvents(gateway: "g", after: 0).map(\.id) == [event.id])
        #expect(try await store.acknowledge(gateway: "g", event: event.id, now: 7_000))
        #expect(try await store.pendingEvents(gateway: "g", after: 0).isEmpty)
        #expect(try await store.acknowledge(gateway: "other", event: event.id, now: 7_000) == false)
        // The answered ticket is not handed out again until the caller writes again.
        #expect(try await store.claimNext(lawyer: chinese, now: 8_000, lease: 10_000, anyLanguageAfter: 1_000_000, atRiskMargin: 0) == nil)
        _ = try await store.addCallerMessage(ticket: ticket.id, text: "仲裁要多久？", now: 9_000, urgentDeadline: nil)
        let again = try #require(try await store.claimNext(lawyer: chinese, now: 9_500, lease: 10_000, anyLanguageAfter: 1_000_000, atRiskMargin: 0))
        #expect(again.ticket.id == ticket.id && again.token != claim.token)
        #expect(again.ticket.messages.map(\.text) == ["老板不发工资", "请先申请劳动仲裁。", "仲裁要多久？"])
    }

    @Test func expiredLeasesReturnAndRepeatedExpiriesBury() async throws {
        let directory = TemporaryDirectory()
        let store = try SQLiteTicketStore(directory: directory.path)
        let ticket = try await store.open(newTicket("s1"), now: 0)
        var now: Int64 = 1_000
        for round in 1...3 {
            #expect(try await store.claimNext(lawyer: chinese, now: now, lease: 100, anyLanguageAfter: 1_000_000, atRiskMargin: 0)?.ticket.id == ticket.id)
            now += 200
            #expect(try await store.expireLeases(now: now, buryAfter: 3) == 1)
            let status = try await store.ticket(ticket.id)?.status
            #expect(status == (round < 3 ? .open : .buried))
        }
        #expect(try await store.statistics(now: now, atRiskMargin: 0).buried == 1)
    }

    @Test func aLawyersClaimsReturnWhenTheyDisconnect() async throws {
        let directory = TemporaryDirectory()
        let store = try SQLiteTicketStore(directory: directory.path)
        for index in 0..<5 { _ = try await store.open(newTicket("s\(index)"), now: Int64(index)) }
        for _ in 0..<5 { #expect(try await store.claimNext(lawyer: chinese, now: 100, lease: 60_000, anyLanguageAfter: 1_000_000, atRiskMargin: 0) != nil) }
        #expect(try await store.releaseClaims(of: "li") == 5)
        #expect(try await store.statistics(now: 100, atRiskMargin: 0).waiting == 5)
    }

    @Test func eightRacingLawyersClaimEachTicketExactlyOnce() async throws {
        let directory = TemporaryDirectory()
        let store = try SQLiteTicketStore(directory: directory.path)
        for index in 0..<2_000 { _ = try await store.open(newTicket("s\(index)"), now: Int64(index)) }
        let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for lawyer in 0..<8 {
                group.addTask {
                    let me = Lawyer(id: "l\(lawyer)", languages: ["zh-Hans"], specialties: [], supervisor: false)
                    var mine: [Int64] = []
                    while let claim = try await store.claimNext(lawyer: me, now: 10_000, lease: 60_000, anyLanguageAfter: 1_000_000, atRiskMargin: 0) {
                        mine.append(claim.ticket.id)
                    }
                    return mine
                }
            }
            var all: [Int64] = []
            for try await ids in group { all += ids }
            return all
        }
        #expect(claimed.count == 2_000)
        #expect(Set(claimed).count == 2_000)
    }
}
