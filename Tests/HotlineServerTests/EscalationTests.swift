import Foundation
import HotlineClient
import HotlineProtocol
import HotlineServer
import HotlineTesting
import NIOCore
import Testing

let liToken = "lawyer-token-li-0123456789"
let smithToken = "lawyer-token-smith-0123456789"

/// Escalation end to end: a real daemon, a gateway and lawyers over loopback, real SQLite files.
@Suite(.serialized)
struct EscalationTests {
    @Test func aTicketGoesFromCallerToLawyerAndTheReplyBack() async throws {
        let daemon = try await TestDaemon.start()
        let gateway = try await daemon.gateway()
        let escalated = try #require(ReplyLine(try await gateway.exchange("ASK s1 zh-Hans 我公司三个月没发工资了，转人工")))
        #expect(escalated.kind == "ESCALATED" && escalated.session == "s1")
        let ticket = try #require(escalated.words.first)
        #expect(ticket.hasPrefix("T"))
        #expect(escalated.field("reason") == "caller-request" && escalated.field("respond-within") == "30")
        #expect(escalated.text?.contains(ticket) == true)
        // A further message joins the ticket instead of being answered.
        let joined = try #require(ReplyLine(try await gateway.exchange("ASK s1 auto 我在天河区上班")))
        #expect(joined.kind == "ESCALATED" && joined.words == [ticket] && joined.field("reason") == "joined")

        let li = try await daemon.lawyer(liToken)
        let claimed = try #require(ReplyLine(try await li.exchange("NEXT")))
        #expect(claimed.kind == "TICKET" && claimed.words.first == ticket)
        let claim = claimed.words[1]
        #expect(claimed.field("lang") == "zh-Hans" && claimed.field("session") == "s1")
        #expect(claimed.text?.contains("caller: 我公司三个月没发工资了，转人工") == true)
        #expect(claimed.text?.contains("caller: 我在天河区上班") == true)
        #expect(try await li.exchange("NEXT") == "NONE")
        #expect(try await li.exchange("NOTE \(ticket) \(claim) 先问有无劳动合同").hasPrefix("OK NOTE"))
        #expect(try await li.exchange("TOUCH \(ticket) \(claim)").hasPrefix("OK TOUCH ticket=\(ticket) lease-until="))
        #expect(try await li.exchange("REPLY \(ticket) \(claim) 可以向劳动监察大队投诉，或申请劳动仲裁。").hasPrefix("OK REPLY ticket=\(ticket)"))
        // The claim is spent: a second reply is refused.
        #expect(try await li.exchange("REPLY \(ticket) \(claim) again").hasPrefix("ERR STALE_CLAIM"))

        let event = try #require(ReplyLine(try await gateway.readLine()))
        #expect(event.kind == "EVENT" && event.words.count == 4)
        #expect(event.words[1] == "REPLY" && event.session == "s1" && event.words[3] == ticket)
        #expect(event.text?.contains("可以向劳动监察大队投诉") == true)
        #expect(event.text?.contains("先问有无劳动合同") == false)
        #expect(try await gateway.exchange("ACK \(event.words[0])") == "OK ACK event=\(event.words[0])")
        #expect(try await gateway.exchange("ACK \(event.words[0])9").hasPrefix("ERR NO_SUCH_EVENT"))
        try await daemon.stop()
    }

    @Test func aReplyReachesAGatewayThatWasOfflineUntilItIsAcknowledged() async throws {
        let daemon = try await TestDaemon.start()
        let gateway = try await daemon.gateway()
        let escalated = try #require(ReplyLine(try await gateway.exchange("ASK off1 en I want to talk to a lawyer about my visa")))
        let ticket = try #require(escalated.words.first)
        await gateway.close()

        let smith = try await daemon.lawyer(smithToken)
        let claimed = try #require(ReplyLine(try await smith.exchange("NEXT")))
        #expect(claimed.words.first == ticket)
        #expect(try await smith.exchange("REPLY \(ticket) \(claimed.words[1]) Bring your passport to the exit-entry office.").hasPrefix("OK REPLY"))

        // Delivered on reconnect, and again on the next reconnect while not acknowledged.
        var eventID = ""
        for _ in 0..<2 {
            let back = try await daemon.gateway()
            let event = try #require(ReplyLine(try await back.readLine()))
            #expect(event.kind == "EVENT" && event.session == "off1" && event.text?.contains("passport") == true)
            if !eventID.isEmpty { #expect(event.words[0] == eventID) }
            eventID = event.words[0]
            await back.close()
        }
        let last = try await daemon.gateway()
        _ = try await last.readLine()
        #expect(try await last.exchange("ACK \(eventID)") == "OK ACK event=\(eventID)")
        await last.close()
        let quiet = try await daemon.gateway()
        #expect(try await quiet.exchange("PING") == "PONG")
        try await daemon.stop()
    }

    @Test func urgentQuestionsJumpTheQueue() async throws {
        let daemon = try await TestDaemon.start()
        let gateway = try await daemon.gateway()
        let normal = try #require(ReplyLine(try await gateway.exchange("ASK u1 zh-Hans 转人工")))
        let urgent = try #require(ReplyLine(try await gateway.exchange("ASK u2 zh-Hans 救救我他在打我")))
        #expect(urgent.kind == "ESCALATED" && urgent.field("reason") == "urgent" && urgent.field("respond-within") == "10")
        let li = try await daemon.lawyer(liToken)
        let first = try #require(ReplyLine(try await li.exchange("NEXT")))
        #expect(first.words.first == urgent.words.first && first.field("priority") == "urgent")
        let second = try #require(ReplyLine(try await li.exchange("NEXT")))
        #expect(second.words.first == normal.words.first)
        try await daemon.stop()
    }

    @Test func aLawyerWhoDisconnectsReturnsTheirClaims() async throws {
        let daemon = try await TestDaemon.start()
        let gateway = try await daemon.gateway()
        let escalated = try #require(ReplyLine(try await gateway.exchange("ASK d1 zh-Hans 我要找律师")))
        let li = try await daemon.lawyer(liToken)
        let claimed = try #require(ReplyLine(try await li.exchange("NEXT")))
        #expect(claimed.words.first == escalated.words.first)
        await li.close()
        // The ticket is claimable again as soon as the daemon has seen the disconnect.
        let other = try await daemon.lawyer("lawyer-token-3-0123456789")
        var reclaimed: ReplyLine?
        for _ in 0..<10_000 {
            let line = try await other.exchange("NEXT")
            if line != "NONE" { reclaimed = ReplyLine(line); break }
        }
        #expect(reclaimed?.words.first == escalated.words.first)
        #expect(reclaimed?.words[1] != claimed.words[1])
        // The first claim token is dead.
        let stale = try await daemon.lawyer(liToken)
        #expect(try await stale.exchange("REPLY \(claimed.words[0]) \(claimed.words[1]) too late").hasPrefix("ERR STALE_CLAIM"))
        try await daemon.stop()
    }

    @Test func theCallerRatesTheLawyersReply() async throws {
        let daemon = try await TestDaemon.start()
        let gateway = try await daemon.gateway()
        let escalated = try #require(ReplyLine(try await gateway.exchange("ASK r1 en talk to a lawyer please, my employer kept my passport")))
        let ticket = try #require(escalated.words.first)
        let smith = try await daemon.lawyer(smithToken)
        let claimed = try #require(ReplyLine(try await smith.exchange("NEXT")))
        #expect(try await smith.exchange("REPLY \(ticket) \(claimed.words[1]) Keeping your passport is unlawful; report it to the police.").hasPrefix("OK REPLY"))
        let event = try #require(ReplyLine(try await gateway.readLine()))
        #expect(event.text?.contains("1 (not at all) to 5") == true)
        let rated = try #require(ReplyLine(try await gateway.exchange("ASK r1 auto 4")))
        #expect(rated.kind == "RATED" && rated.field("rating") == "4" && rated.field("ticket") == ticket)
        #expect(rated.text == "Thank you for your rating.")
        // The rating question is answered once; a further message joins the ticket again.
        let again = try #require(ReplyLine(try await gateway.exchange("ASK r1 auto 5")))
        #expect(again.kind == "ESCALATED" && again.field("reason") == "joined")
        try await daemon.stop()
    }

    @Test func complaintsGoToSupervisorsAndSupervisorsBuryAndKick() async throws {
        let daemon = try await TestDaemon.start()
        let gateway = try await daemon.gateway()
        let complaint = try #require(ReplyLine(try await gateway.exchange("COMPLAIN k1 律师一直没有回复我")))
        #expect(complaint.kind == "OK" && complaint.words == ["COMPLAIN"])
        let ticket = try #require(complaint.field("ticket"))
        let li = try await daemon.lawyer(liToken)
        #expect(try await li.exchange("NEXT") == "NONE")
        #expect(try await li.exchange("BURY \(ticket)").hasPrefix("ERR NOT_ALLOWED"))
        let chen = try await daemon.lawyer("lawyer-token-chen-0123456789")
        #expect(try await chen.exchange("BURY \(ticket)") == "OK BURY ticket=\(ticket)")
        #expect(try await chen.exchange("NEXT") == "NONE")
        #expect(try await chen.exchange("BURY \(ticket)").hasPrefix("ERR NO_SUCH_TICKET"))
        #expect(try await chen.exchange("KICK \(ticket)") == "OK KICK ticket=\(ticket)")
        let claimed = try #require(ReplyLine(try await chen.exchange("NEXT")))
        #expect(claimed.words.first == ticket && claimed.field("reason") == "complaint")
        try await daemon.stop()
    }

    @Test func anExpiredLeaseReturnsTheTicketAndKillsTheClaim() async throws {
        let daemon = try await TestDaemon.start { $0.ticketLease = .milliseconds(200) }
        let gateway = try await daemon.gateway()
        let escalated = try #require(ReplyLine(try await gateway.exchange("ASK e1 zh-Hans 转人工")))
        let li = try await daemon.lawyer(liToken)
        let first = try #require(ReplyLine(try await li.exchange("NEXT")))
        // What the lease sweeper does every second, run here at a time past the lease: the test
        // controls the clock instead of waiting for it.
        let later = Int64(Date().timeIntervalSince1970 * 1000) + 60_000
        #expect(try await daemon.server.tickets.expireLeases(now: later, buryAfter: 3) == 1)
        let other = try await daemon.lawyer("lawyer-token-5-0123456789")
        let again = ReplyLine(try await other.exchange("NEXT"))
        #expect(again?.words.first == escalated.words.first && again?.words[1] != first.words[1])
        #expect(try await li.exchange("REPLY \(first.words[0]) \(first.words[1]) late").hasPrefix("ERR STALE_CLAIM"))
        let chen = try await daemon.lawyer("lawyer-token-chen-0123456789")
        #expect(try await chen.exchange("REASSIGN \(first.words[0]) en") == "OK REASSIGN ticket=\(first.words[0]) lang=en")
        let smith = try await daemon.lawyer(smithToken)
        #expect(try ReplyLine(try await smith.exchange("NEXT"))?.words.first == first.words[0])
        try await daemon.stop()
    }

    @Test func aMessageSentWhileTheLawyerHoldsTheTicketIsNotLeftUnanswered() async throws {
        let daemon = try await TestDaemon.start()
        let gateway = try await daemon.gateway()
        let escalated = try #require(ReplyLine(try await gateway.exchange("ASK w1 zh-Hans 我要找律师")))
        let ticket = try #require(escalated.words.first)
        let li = try await daemon.lawyer(liToken)
        let claimed = try #require(ReplyLine(try await li.exchange("NEXT")))
        // The caller writes again while Li holds the ticket — and this message is urgent.
        let joined = try #require(ReplyLine(try await gateway.exchange("ASK w1 auto 救救我他在打我")))
        #expect(joined.field("reason") == "joined" && joined.field("priority") == "urgent" && joined.text?.contains("110") == true)
        #expect(try await li.exchange("REPLY \(ticket) \(claimed.words[1]) 请先说明情况").hasPrefix("OK REPLY"))
        // The reply went out, and the ticket is back in the queue, urgent, with the new message.
        let again = try #require(ReplyLine(try await li.exchange("NEXT")))
        #expect(again.words.first == ticket && again.field("priority") == "urgent")
        #expect(again.text?.contains("caller: 救救我他在打我") == true)
        #expect(try await li.exchange("LIST claimed").hasPrefix("TICKETS status=claimed count=1 ticket=\(ticket):zh-Hans:urgent:"))
        #expect(try await li.exchange("CLOSE \(ticket) \(again.words[1])") == "OK CLOSE ticket=\(ticket)")
        #expect(try await li.exchange("LIST claimed") == "TICKETS status=claimed count=0")
        try await daemon.stop()
    }

    @Test func aLawyerTransfersATicketToAnotherLanguage() async throws {
        let daemon = try await TestDaemon.start()
        let gateway = try await daemon.gateway()
        let escalated = try #require(ReplyLine(try await gateway.exchange("ASK t1 zh-Hans 我要找律师 (English please)")))
        let ticket = try #require(escalated.words.first)
        let li = try await daemon.lawyer(liToken)
        let claimed = try #require(ReplyLine(try await li.exchange("NEXT")))
        let smith = try await daemon.lawyer(smithToken)
        #expect(try await smith.exchange("NEXT") == "NONE")
        #expect(try await li.exchange("TRANSFER \(ticket) \(claimed.words[1]) en") == "OK TRANSFER ticket=\(ticket) lang=en")
        let transferred = try #require(ReplyLine(try await smith.exchange("NEXT")))
        #expect(transferred.words.first == ticket && transferred.field("lang") == "en")
        try await daemon.stop()
    }

    @Test func eachRoleSendsOnlyItsOwnCommands() async throws {
        let daemon = try await TestDaemon.start()
        let gateway = try await daemon.gateway()
        #expect(try await gateway.exchange("NEXT").hasPrefix("ERR NOT_ALLOWED"))
        let li = try await daemon.lawyer(liToken)
        #expect(try await li.exchange("ASK s1 en hello").hasPrefix("ERR NOT_ALLOWED session=s1"))
        #expect(try await li.exchange("REPLY T999 abc hello").hasPrefix("ERR STALE_CLAIM"))
        #expect(try await li.exchange("REPLY 999 abc hello").hasPrefix("ERR BAD_ARGUMENTS"))
        try await daemon.stop()
    }

    @Test func eightRacingLawyersClaimEveryTicketExactlyOnce() async throws {
        let daemon = try await TestDaemon.start()
        let gateway = try await daemon.gateway()
        let count = 2_000
        var batch = ""
        for index in 0..<count { batch += "ASK race\(index) zh-Hans 转人工\n" }
        try await gateway.sendRaw(Array(batch.utf8))
        var opened = Set<String>()
        for _ in 0..<count { opened.insert(try #require(ReplyLine(try await gateway.readLine())?.words.first)) }
        #expect(opened.count == count)
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for lawyer in 0..<8 {
                group.addTask {
                    let client = try await daemon.lawyer("lawyer-token-\(lawyer)-0123456789")
                    var mine: [String] = []
                    while true {
                        let line = try await client.exchange("NEXT")
                        guard line != "NONE" else { break }
                        guard let ticket = ReplyLine(line), ticket.kind == "TICKET" else { throw TestDaemonError(line) }
                        mine.append(ticket.words[0])
                        let done = try await client.exchange("REPLY \(ticket.words[0]) \(ticket.words[1]) ok")
                        guard done.hasPrefix("OK REPLY") else { throw TestDaemonError(done) }
                    }
                    return mine
                }
            }
            var all: [String] = []
            for try await ids in group { all += ids }
            return all
        }
        #expect(claimed.count == count)
        #expect(Set(claimed) == opened)
        try await daemon.stop()
    }
}
