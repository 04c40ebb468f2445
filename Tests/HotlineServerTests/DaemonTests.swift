import Foundation
import HotlineClient
import HotlineProtocol
import HotlineServer
import HotlineStore
import HotlineTesting
import NIOCore
import Testing

/// End-to-end: a real daemon on a loopback port, a real client, real SQLite files. Every wait
/// is for a line or a close, with a deadline.
@Suite(.serialized)
struct DaemonTests {
    @Test func pingAuthAndAnAnswerWithCitations() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.connect()
        #expect(try await client.exchange("PING") == "PONG")
        #expect(try await client.exchange("ASK s1 en hello").hasPrefix("ERR AUTH_REQUIRED session=s1 :"))
        #expect(try await client.exchange("AUTH \(TestDaemon.gatewayToken)") == "OK AUTH gateway=test max-line=8192 protocol=1")
        let line = try await client.exchange("ASK s1 zh-Hans 老板拖欠工资三个月了怎么办")
        let reply = try #require(ReplyLine(line))
        #expect(reply.kind == "ANSWER" && reply.session == "s1")
        #expect(reply.field("lang") == "zh-Hans")
        #expect(reply.field("faq") == "labor.wage-arrears")
        #expect(reply.fields("cite").contains("中华人民共和国劳动合同法:30"))
        #expect(reply.text?.contains("不构成针对您个案的法律意见") == true || reply.text?.contains("12348") == true)
        let reference = try #require(reply.field("ref").flatMap { Int64($0) })
        #expect(try await client.exchange("FEEDBACK s1 helpful") == "OK FEEDBACK session=s1 ref=\(reference)")
        #expect(try daemon.server.store.feedback(consultation: reference) == ["helpful"])
        #expect(try daemon.server.store.transcript(gateway: "test", session: "s1").map(\.faq) == ["labor.wage-arrears"])
        #expect(try await client.exchange("QUIT") == "BYE")
        try await client.waitUntilClosed()
        try await daemon.stop()
    }

    @Test func pipelinedCommandsAreAnsweredInOrderWithTheirSessions() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.gateway()
        let questions = ["我被公司辞退了有没有补偿", "my landlord keeps my deposit", "離婚後小朋友跟邊個", "工伤怎么认定", "NEAR( \"AND\" * OR"]
        var batch = ""
        for (index, question) in questions.enumerated() { batch += "ASK p\(index) auto \(question)\nPING\n" }
        batch += "FEEDBACK p0 helpful\nEND p1\n"
        try await client.sendRaw(Array(batch.utf8))
        for index in questions.indices {
            let reply = try #require(ReplyLine(try await client.readLine()))
            #expect(reply.session == "p\(index)")
            #expect(["ANSWER", "CLARIFY", "ESCALATED", "OUT_OF_SCOPE"].contains(reply.kind))
            #expect(try await client.readLine() == "PONG")
        }
        let feedback = try await client.readLine()
        #expect(feedback.hasPrefix("OK FEEDBACK session=p0") || feedback.hasPrefix("ERR NOTHING_TO_RATE session=p0"))
        #expect(try await client.readLine() == "OK END session=p1")
        try await daemon.stop()
    }

    @Test func aBareNumberPicksFromTheOpenPrompt() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.gateway()
        // Find a dev-set question that clarifies (the engine decides; no question is special-cased).
        let candidates = try String(contentsOfFile: repositoryRoot + "/Tests/DevSet/civil.jsonl", encoding: .utf8)
            .split(separator: "\n").compactMap { line -> String? in
                guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
                return object["text"] as? String
            }
        var prompt: ReplyLine?
        for (index, question) in candidates.enumerated() {
            let reply = try #require(ReplyLine(try await client.exchange("ASK c\(index) auto \(question)")))
            if reply.kind == "CLARIFY" { prompt = reply; break }
        }
        let clarify = try #require(prompt, "none of the short questions clarified")
        let session = try #require(clarify.session)
        let choices = clarify.fields("choice")
        #expect(choices.count >= 2)
        let outOfRange = try #require(ReplyLine(try await client.exchange("ASK \(session) auto 9")))
        #expect(outOfRange.kind == "CLARIFY" && outOfRange.fields("choice") == choices)
        let picked = try #require(ReplyLine(try await client.exchange("ASK \(session) auto ２")))
        #expect(picked.kind == "ANSWER")
        #expect(picked.field("faq") == choices[1].split(separator: ":").first.map(String.init))
        #expect(picked.field("lang") == clarify.field("lang"))
        // With no prompt open, a number is an ordinary question (not legal: out of scope).
        let ordinary = try #require(ReplyLine(try await client.exchange("ASK \(session) auto 2")))
        #expect(ordinary.kind == "OUT_OF_SCOPE")
        try await daemon.stop()
    }

    /// "Unknown → ask the caller": a short message whose language cannot be told gets a
    /// LANGUAGE prompt; the pick answers the held question in that language.
    @Test func aShortMessageInAnUnclearLanguageAsksForTheLanguage() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.gateway()
        let asked = try #require(ReplyLine(try await client.exchange("ASK s1 auto abogado gratis")))
        #expect(asked.kind == "LANGUAGE")
        let choices = asked.fields("choice").compactMap { $0.split(separator: ":").first.map(String.init) }
        #expect(Set(choices).isSuperset(of: ["en", "fr", "es", "pt", "id", "vi"]))
        #expect((asked.text ?? "").contains("Español") && (asked.text ?? "").contains("English"))
        let outOfRange = try #require(ReplyLine(try await client.exchange("ASK s1 auto 9")))
        #expect(outOfRange.kind == "LANGUAGE" && outOfRange.fields("choice") == asked.fields("choice"))
        let spanish = try #require(choices.firstIndex(of: "es")) + 1
        let answered = try #require(ReplyLine(try await client.exchange("ASK s1 auto \(spanish)")))
        #expect(["ANSWER", "CLARIFY"].contains(answered.kind))
        #expect(answered.field("lang") == "es")
        #expect(answered.fields("choice").allSatisfy { $0.hasPrefix("legalaid.") } && (answered.field("faq") ?? "legalaid.").hasPrefix("legalaid."))
        // The session now knows its language: the same words are not asked about again.
        let next = try #require(ReplyLine(try await client.exchange("ASK s1 auto abogado gratis")))
        #expect(next.kind != "LANGUAGE" && next.field("lang") == "es")
        // A caller who writes on instead of picking is answered, and not asked again.
        #expect(try #require(ReplyLine(try await client.exchange("ASK s2 auto avocat gratuit?"))).kind == "LANGUAGE")
        let french = try #require(ReplyLine(try await client.exchange("ASK s2 auto je n'ai pas d'argent pour payer un avocat, je peux avoir une aide gratuite ?")))
        #expect(french.kind != "LANGUAGE" && french.field("lang") == "fr")
        // A gateway that names the language is never asked.
        #expect(try #require(ReplyLine(try await client.exchange("ASK s3 es abogado gratis"))).kind != "LANGUAGE")
        try await daemon.stop()
    }

    /// Right-to-left Arabic and unspaced Thai, end to end: identified with `auto`, matched, and
    /// answered in the caller's own language (the answer is translated), bytes intact.
    @Test(arguments: [
        ("ar", "انتهت صلاحية التأشيرة وما زلت في الصين، ماذا سيحدث لي؟", "إقامة غير قانونية"),
        ("th", "วีซ่าหมดอายุแล้วแต่ยังอยู่ที่จีน จะโดนอะไรบ้าง", "พำนักโดยผิดกฎหมาย"),
    ])
    func arabicAndThaiAreAnsweredInTheirOwnLanguage(_ language: String, _ question: String, _ phrase: String) async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.gateway()
        let reply = try #require(ReplyLine(try await client.exchange("ASK rtl-\(language) auto \(question)")))
        #expect(reply.kind == "ANSWER")
        #expect(reply.field("lang") == language && reply.field("faq") == "foreigners.visa-overstay" && reply.field("fallback") == nil)
        #expect((reply.text ?? "").contains(phrase))
        try await daemon.stop()
    }

    @Test func sessionAttributesAreStored() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.gateway()
        #expect(try await client.exchange("SET s1 channel=sms district=%E5%A4%A9%E6%B2%B3") == "OK SET session=s1")
        #expect(try daemon.server.store.attributes(gateway: "test", session: "s1") == ["channel": "sms", "district": "天河"])
        #expect(try await client.exchange("FEEDBACK s2 helpful") == "ERR NOTHING_TO_RATE session=s2 :this session has no answer to rate")
        try await daemon.stop()
    }

    /// Bad input: one `ERR` line each, the connection lives, the next command is answered.
    static let badLines: [(String, [UInt8], String)] = [
        ("overlong", Array(String(repeating: "长", count: 4000).utf8), "ERR LINE_TOO_LONG"),
        ("invalid UTF-8", [0x41, 0x53, 0x4B, 0x20, 0x73, 0x31, 0x20, 0x65, 0x6E, 0x20, 0xC3, 0x28], "ERR BAD_UTF8"),
        ("unknown command", Array("DANCE".utf8), "ERR UNKNOWN_COMMAND"),
        ("wrong arity", Array("ASK s1".utf8), "ERR BAD_ARGUMENTS"),
        ("bad session id", Array("ASK s/1 en hi".utf8), "ERR BAD_SESSION_ID"),
        ("second AUTH", Array("AUTH \(TestDaemon.gatewayToken)".utf8), "ERR ALREADY_AUTHENTICATED"),
        ("empty line", [], "ERR UNKNOWN_COMMAND"),
        ("NUL byte", [0x00], "ERR UNKNOWN_COMMAND"),
    ]

    @Test func badInputGetsOneErrorAndTheConnectionLives() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.gateway()
        for (name, bytes, expected) in DaemonTests.badLines {
            try await client.sendRaw(bytes + [0x0A])
            let reply = try await client.readLine()
            #expect(reply.hasPrefix(expected), "\(name): \(reply)")
            #expect(try await client.exchange("PING") == "PONG", "\(name)")
        }
        // FTS5 syntax and hostile text are ordinary messages (the first may be asked its language).
        for text in ["NEAR(", "\"", "*", "AND", "a AND b OR NOT c", "🙂🙂🙂", String(repeating: "工资 ", count: 1100)] {
            let reply = try #require(ReplyLine(try await client.exchange("ASK h1 auto \(text)")))
            #expect(["ANSWER", "CLARIFY", "ESCALATED", "OUT_OF_SCOPE", "LANGUAGE"].contains(reply.kind), "\(text.prefix(20)): \(reply.kind)")
        }
        try await daemon.stop()
    }

    @Test func tenThousandMalformedLinesGetExactlyOneErrorEach() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.gateway()
        let kinds: [[UInt8]] = [Array("DANCE".utf8), [0xFF, 0xFE], Array("ASK".utf8), Array("FEEDBACK x y".utf8), Array(String(repeating: "x", count: 9000).utf8)]
        var batch: [UInt8] = []
        for index in 0..<10_000 { batch += kinds[index % kinds.count] + [0x0A] }
        batch += Array("PING\n".utf8)
        try await client.sendRaw(batch)
        var errors = 0
        while true {
            let line = try await client.readLine(timeout: .seconds(60))
            if line == "PONG" { break }
            #expect(line.hasPrefix("ERR "))
            errors += 1
        }
        #expect(errors == 10_000)
        try await daemon.stop()
    }

    @Test func beforeAuthLongLinesAndProtocolsFromElsewhereAreClosed() async throws {
        let daemon = try await TestDaemon.start()
        let long = try await daemon.connect()
        try await long.send(String(repeating: "x", count: 600))
        #expect(try await long.readLine().hasPrefix("ERR LINE_TOO_LONG"))
        try await long.waitUntilClosed()

        let http = try await daemon.connect()
        try await http.sendRaw(Array("GET / HTTP/1.1\r\nHost: example\r\n\r\n".utf8))
        #expect(try await http.readLine().hasPrefix("ERR NOT_HOTLINE_PROTOCOL"))
        try await http.waitUntilClosed()

        let tls = try await daemon.connect()
        try await tls.sendRaw([0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1])
        try await tls.waitUntilClosed()
        try await daemon.stop()
    }

    @Test func aGoodAuthAfterABadOneGetsTheFullLineCap() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.connect()
        let long = "ASK l1 zh-Hans " + String(repeating: "老板拖欠工资", count: 100)  // ≈ 1.8 KB
        try await client.sendRaw(Array("AUTH wrong-token-wrong-token\nAUTH \(TestDaemon.gatewayToken)\n\(long)\n".utf8))
        #expect(try await client.readLine().hasPrefix("ERR AUTH_FAILED"))
        #expect(try await client.readLine().hasPrefix("OK AUTH"))
        #expect(try await client.readLine().hasPrefix("ANSWER l1 "))
        #expect(try await client.exchange(long).hasPrefix("ANSWER l1 "))
        try await daemon.stop()
    }

    @Test func aClientThatClosesItsSendingSideStillGetsEveryReply() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.connect()
        try await client.sendRaw(Array("PING\nAUTH \(TestDaemon.gatewayToken)\nASK h1 en my boss has not paid my wages\nPING\n".utf8))
        try await client.shutdownOutput()
        #expect(try await client.readLine() == "PONG")
        #expect(try await client.readLine().hasPrefix("OK AUTH"))
        #expect(try await client.readLine().hasPrefix("ANSWER h1 "))
        #expect(try await client.readLine() == "PONG")
        try await client.waitUntilClosed()
        try await daemon.stop()
    }

    @Test func wrongTokensAreRateLimited() async throws {
        let daemon = try await TestDaemon.start { $0.authenticationFailuresAllowed = 3 }
        let client = try await daemon.connect()
        for _ in 0..<3 {
            #expect(try await client.exchange("AUTH wrong-token-wrong-token").hasPrefix("ERR AUTH_FAILED"))
        }
        #expect(try await client.exchange("AUTH \(TestDaemon.gatewayToken)").hasPrefix("ERR RATE_LIMITED"))
        try await client.waitUntilClosed()
        try await daemon.stop()
    }

    @Test func connectionsBeyondTheLimitAreRefused() async throws {
        let daemon = try await TestDaemon.start { $0.maximumConnections = 2 }
        let first = try await daemon.gateway()
        let second = try await daemon.connect()
        #expect(try await second.exchange("PING") == "PONG")
        let third = try await daemon.connect()
        #expect(try await third.readLine().hasPrefix("ERR TOO_MANY_CONNECTIONS"))
        try await third.waitUntilClosed()
        #expect(try await first.exchange("PING") == "PONG")
        try await daemon.stop()
    }

    @Test func aConnectionThatNeverAuthenticatesTimesOut() async throws {
        let daemon = try await TestDaemon.start { $0.authenticationTimeout = .milliseconds(200) }
        let client = try await daemon.connect()
        try await client.sendRaw(Array("PI".utf8))  // slowloris: never finishes a line
        #expect(try await client.readLine(timeout: .seconds(10)).hasPrefix("ERR TIMEOUT"))
        try await client.waitUntilClosed()
        try await daemon.stop()
    }

    @Test func anAuthenticatedConnectionThatFallsSilentTimesOut() async throws {
        let daemon = try await TestDaemon.start { $0.idleTimeout = .milliseconds(300) }
        let client = try await daemon.gateway()
        #expect(try await client.exchange("PING") == "PONG")
        #expect(try await client.readLine(timeout: .seconds(10)).hasPrefix("ERR TIMEOUT"))
        try await client.waitUntilClosed()
        try await daemon.stop()
    }

    @Test func aClientThatNeverReadsIsCutOff() async throws {
        let daemon = try await TestDaemon.start {
            $0.maximumBufferedOutputBytes = 256 * 1024
            $0.outputStallTimeout = .milliseconds(300)
        }
        let client = try await LineClient.connect(host: "127.0.0.1", port: daemon.port, receiveBuffer: 4096)
        #expect(try await client.exchange("AUTH \(TestDaemon.gatewayToken)").hasPrefix("OK AUTH"))
        try await client.setReading(false)
        // Thousands of long answers the client never reads: more than the socket buffers hold.
        var batch = ""
        for index in 0..<4000 { batch += "ASK n\(index % 50) zh-Hans 公司拖欠工资三个月不发怎么办\n" }
        client.sendWithoutWaiting(batch)
        // The daemon's side of the connection closes (the stall deadline), while the client still
        // has not read a byte.
        try await waitFor(daemon.server.connectionsOpenNowClosed(), timeout: .seconds(60))
        #expect(daemon.server.openConnections == 0)
        try await client.setReading(true)
        var answers = 0
        while let line = try? await client.readLine(timeout: .seconds(10)) { if line.hasPrefix("ANSWER ") { answers += 1 } }
        #expect(answers < 4000)
        try await daemon.stop()
    }

    @Test func shutdownAnswersWhatIsInFlightThenSaysDrainingAndCloses() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.gateway()
        var batch = ""
        for index in 0..<20 { batch += "ASK d\(index) zh-Hans 公司不给我交社保怎么办\n" }
        try await client.sendRaw(Array(batch.utf8))
        // The first answer proves the batch arrived; then stop while the rest are in flight.
        #expect(try await client.readLine().hasPrefix("ANSWER d0 "))
        async let stopped: Void = daemon.stop()
        var answers = 1
        var sawDraining = false
        while true {
            guard let line = try? await client.readLine(timeout: .seconds(20)) else { break }
            if line.hasPrefix("DRAINING") { sawDraining = true } else if line.hasPrefix("ANSWER ") { answers += 1 }
        }
        try await stopped
        #expect(sawDraining)
        #expect(!client.isActive)
        #expect(answers == 20)
        #expect(try daemon.server.store.consultationCount() == 20)
    }

    @Test func reloadsDuringQuestionsFailNone() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/kb.sqlite"
        try FileManager.default.copyItem(atPath: shippedKnowledgeBasePath, toPath: path)
        let daemon = try await TestDaemon.start(knowledgeBase: path)
        let client = try await daemon.gateway()
        let asking = Task {
            var failures = 0
            for index in 0..<300 {
                let reply = try await client.exchange("ASK r\(index % 7) auto 试用期被辞退有没有补偿")
                if !reply.hasPrefix("ANSWER ") && !reply.hasPrefix("CLARIFY ") { failures += 1 }
            }
            return failures
        }
        var reloads = 0
        for _ in 0..<10 { if await daemon.server.reloadKnowledgeBase() { reloads += 1 } }
        // A broken file is refused and the old knowledge base keeps serving.
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: path + ".broken"))
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: path + ".broken", toPath: path)
        #expect(await daemon.server.reloadKnowledgeBase() == false)
        #expect(try await asking.value == 0)
        #expect(reloads == 10)
        #expect(try await client.exchange("ASK after auto 试用期被辞退有没有补偿").hasPrefix("ANSWER "))
        try await daemon.stop()
    }

    @Test func metricsAreServedInPrometheusFormat() async throws {
        let daemon = try await TestDaemon.start { $0.metricsPort = 0 }
        let client = try await daemon.gateway()
        _ = try await client.exchange("ASK m1 en my employer has not paid my wages")
        let port = try #require(try await daemon.server.metricsPort())
        let http = try await LineClient.connect(host: "127.0.0.1", port: port)
        try await http.sendRaw(Array("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
        var lines: [String] = []
        while let line = try? await http.readLine(timeout: .seconds(10)) { lines.append(line) }
        #expect(lines.first == "HTTP/1.1 200 OK")
        let text = lines.joined(separator: "\n")
        #expect(text.contains("hotline_asks_total{lang=\"en\",kind=\"ANSWER\"} 1"))
        #expect(text.contains("hotline_ask_duration_seconds_count 1"))
        #expect(text.contains("hotline_connections 1"))
        try await daemon.stop()
    }
}

struct SessionStateTests {
    @Test func numbersPickOnlyWhileAPromptIsOpen() {
        let now = NIODeadline.now()
        var state = SessionState(now: now)
        #expect(state.plan(message: "2", language: nil, now: now) == .question(language: nil, mayAskLanguage: true))
        state.record(kind: .clarify, consultation: 5, language: .english, choices: ["a", "b", "c"])
        let prompt = OpenPrompt(consultation: 5, choices: ["a", "b", "c"], language: .english)
        #expect(state.plan(message: " 3 ", language: nil, now: now) == .pick(prompt: prompt, index: 2))
        #expect(state.plan(message: "０", language: nil, now: now) == .repeatPrompt(prompt))
        #expect(state.plan(message: "12", language: nil, now: now) == .repeatPrompt(prompt))
        // A short Latin-script message keeps the conversation's language.
        #expect(state.plan(message: "3 please", language: nil, now: now) == .question(language: .english))
        state.record(kind: .answer, consultation: 6, language: .english, choices: [])
        #expect(state.plan(message: "1", language: nil, now: now) == .question(language: .english))
        #expect(state.ratedConsultation(nil) == 6 && state.ratedConsultation(5) == nil)
    }

    @Test func theLanguageIsAskedAtMostOnceAndTheHeldQuestionIsAnsweredInThePick() {
        let now = NIODeadline.now()
        var state = SessionState(now: now)
        #expect(state.plan(message: "abogado gratis", language: nil, now: now) == .question(language: nil, mayAskLanguage: true))
        state.record(kind: .language, consultation: 7, language: .english, choices: ["en", "es", "fr"], question: "abogado gratis")
        let prompt = OpenLanguagePrompt(consultation: 7, question: "abogado gratis", choices: [.english, .spanish, .french])
        #expect(state.plan(message: "4", language: nil, now: now) == .repeatLanguagePrompt(prompt))
        state.record(kind: .language, consultation: 8, language: .english, choices: ["en", "es", "fr"], question: "4")
        #expect(state.openLanguagePrompt?.question == "abogado gratis")
        let again = OpenLanguagePrompt(consultation: 8, question: "abogado gratis", choices: [.english, .spanish, .french])
        #expect(state.plan(message: "２", language: nil, now: now) == .pickLanguage(prompt: again, language: .spanish))
        state.record(kind: .answer, consultation: 9, language: .spanish, choices: [])
        #expect(state.openLanguagePrompt == nil && state.language == .spanish)
        // A caller who writes on instead of picking is not asked again.
        var other = SessionState(now: now)
        other.record(kind: .language, consultation: 1, language: .english, choices: ["en", "fr"], question: "avocat gratuit?")
        #expect(other.plan(message: "je n'ai pas d'argent pour un avocat", language: nil, now: now) == .question(language: nil, mayAskLanguage: false))
        #expect(other.openLanguagePrompt == nil)
        // A gateway that names the language is never asked.
        var named = SessionState(now: now)
        #expect(named.plan(message: "abogado gratis", language: .spanish, now: now) == .question(language: .spanish, mayAskLanguage: false))
    }

    @Test func idleSessionsExpire() {
        let registry = SessionRegistry(expiry: .seconds(60))
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        let key = SessionKey(gateway: "g", session: SessionID("s")!)
        registry.withSession(key, now: start) { $0.record(kind: .clarify, consultation: 1, language: .english, choices: ["a", "b"]) }
        #expect(registry.peek(key, now: start + .seconds(59))?.openPrompt != nil)
        #expect(registry.peek(key, now: start + .seconds(61)) == nil)
        #expect(registry.expire(now: start + .seconds(61)) == 1)
    }
}

struct ConfigurationTests {
    @Test func fileSettingsApplyAndBadOnesAreRefused() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(try ServerConfiguration.parseFile("port = 9000 # comment\nidle-timeout = 1.5\n\nmetrics-port=9100\n", name: "f"))
        #expect(configuration.port == 9000 && configuration.idleTimeout == .milliseconds(1500) && configuration.metricsPort == 9100)
        #expect(throws: ConfigurationError.self) { try configuration.apply([("prot", "1", "x")]) }
        #expect(throws: ConfigurationError.self) { try configuration.apply([("port", "seventy", "x")]) }
        #expect(ServerConfiguration.documentation().contains("max-line-bytes (default 8192)"))
    }
}

/// Privacy by default, end to end: callers' messages full of phone numbers (every layout) and
/// resident ID numbers go through a real daemon logging at trace level; none of the raw values
/// appears in its logs, its metrics or its error replies. (300 messages keep the debug-build
/// test short; the scanner itself is checked on 10,000 in HotlineTextTests.)
struct PersonalDataStaysOutOfLogsTests {
    @Test func messagesLeaveNoRawValueInLogsMetricsOrErrors() async throws {
        let logs = CapturedLogs()
        let daemon = try await TestDaemon.start(logs: logs) { $0.metricsPort = 0 }
        let client = try await daemon.gateway()
        var values: [String] = []
        var errorReplies: [String] = []
        let layouts: [(String) -> String] = [
            { $0 }, { "+86 " + $0 }, { "(+86) \($0.prefix(3)) \($0.dropFirst(3).prefix(4)) \($0.suffix(4))" },
            { "\($0.prefix(3))-\($0.dropFirst(3).prefix(4))-\($0.suffix(4))" }, { "0086" + $0 },
        ]
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        for batch in 0..<3 {
            var lines: [String] = []
            for index in 0..<100 {
                let n = batch * 100 + index
                let phone = "13\(String(format: "%09d", (n * 7919) % 1_000_000_000))"
                let body = "44010619\(String(format: "%02d", 60 + n % 40))0\(n % 9 + 1)1\(n % 9)\(String(format: "%03d", n % 1000))"
                let sum = zip(body.unicodeScalars, weights).reduce(0) { $0 + Int($1.0.value - 48) * $1.1 }
                let id = body + ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"][sum % 11]
                values += [phone, id]
                let text = ["老板欠薪，我电话\(layouts[n % layouts.count](phone))，身份证\(id)",
                            "my boss owes me wages, call \(layouts[n % layouts.count](phone)), ID \(id)"][n % 2]
                lines.append("ASK p\(n % 50) auto \(text)")
                // A malformed command with personal data in it gets an error reply.
                if n % 10 == 0 { lines.append("FEEDBACK p\(n % 50) \(phone)") }
            }
            try await client.send(lines.joined(separator: "\n"))
            for _ in lines {
                let reply = try await client.readLine()
                if reply.hasPrefix("ERR") { errorReplies.append(reply) }
            }
        }
        let port = try #require(try await daemon.server.metricsPort())
        let http = try await LineClient.connect(host: "127.0.0.1", port: port)
        try await http.sendRaw(Array("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
        var metrics: [String] = []
        while let line = try? await http.readLine(timeout: .seconds(10)) { metrics.append(line) }
        try await daemon.stop()

        #expect(errorReplies.count >= 30)
        #expect(logs.all.contains { $0.contains("answered") && $0.contains("[phone]") && $0.contains("[id-number]") })
        let everything = (logs.all + metrics + errorReplies).joined(separator: "\n")
        let digitsOnly = String(everything.unicodeScalars.filter { ("0"..."9").contains($0) || $0 == "X" || $0 == "\n" || $0 == " " }.map(Character.init))
        let leaked = Set(values).filter { everything.contains($0) || digitsOnly.contains($0) }
        #expect(leaked.isEmpty, "\(leaked.count) raw values leaked, e.g. \(leaked.prefix(3))")
    }
}
