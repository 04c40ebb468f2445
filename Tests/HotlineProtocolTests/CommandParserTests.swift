import HotlineProtocol
import HotlineText
import Testing

/// Parser fixtures: one line in, one command or error code out. Control characters are written
/// visibly (`\u{0}`) so a reader sees exactly what is fed.
struct CommandParserTests {
    static let valid: [(String, Command)] = [
        ("PING", .ping),
        ("ping", .ping),
        ("QUIT", .quit),
        ("STATS", .stats),
        ("AUTH abcdefghijklmnop", .auth(token: "abcdefghijklmnop")),
        ("ASK s1 zh-Hans 老板拖欠工资怎么办", .ask(session: SessionID("s1")!, language: .language(.simplifiedChinese), text: "老板拖欠工资怎么办")),
        ("ASK s1 zh-Hant-HK 老細唔出人工", .ask(session: SessionID("s1")!, language: .language(.traditionalChinese), text: "老細唔出人工")),
        ("ASK a.b_c:d-9 auto hello", .ask(session: SessionID("a.b_c:d-9")!, language: .auto, text: "hello")),
        ("ASK s1 xx-YY what now", .ask(session: SessionID("s1")!, language: .auto, text: "what now")),
        ("ASK s1 en line one\\nline two \\\\ end", .ask(session: SessionID("s1")!, language: .language(.english), text: "line one\nline two \\ end")),
        ("ASK s1 en NEAR( \"AND\" * OR", .ask(session: SessionID("s1")!, language: .language(.english), text: "NEAR( \"AND\" * OR")),
        ("ASK :s en hi", .ask(session: SessionID(":s")!, language: .language(.english), text: "hi")),
        ("FEEDBACK s1 helpful", .feedback(session: SessionID("s1")!, value: .helpful, reference: nil)),
        ("FEEDBACK s1 UNHELPFUL 42", .feedback(session: SessionID("s1")!, value: .unhelpful, reference: 42)),
        ("SET s1 channel=sms district=Tianhe", .set(session: SessionID("s1")!, attributes: [SessionAttributeValue(.channel, "sms"), SessionAttributeValue(.district, "Tianhe")])),
        ("SET s1 district=天河%20区", .set(session: SessionID("s1")!, attributes: [SessionAttributeValue(.district, "天河 区")])),
        ("END s1", .end(session: SessionID("s1")!)),
    ]

    @Test(arguments: valid)
    func parses(_ line: String, _ expected: Command) throws {
        #expect(try CommandParser.parse(Array(line.utf8)).get() == expected)
    }

    static let invalid: [([UInt8], ProtocolError.Code)] = [
        (Array("".utf8), .unknownCommand),
        (Array("HELLO".utf8), .unknownCommand),
        (Array("PING extra".utf8), .badArguments),
        (Array("AUTH".utf8), .badArguments),
        (Array("AUTH a b".utf8), .badArguments),
        (Array("ASK".utf8), .badArguments),
        (Array("ASK s1".utf8), .badArguments),
        (Array("ASK s1 en".utf8), .badArguments),
        (Array("ASK s1 en    ".utf8), .badArguments),
        (Array("ASK bad!id en hi".utf8), .badSessionID),
        (Array(("ASK " + String(repeating: "a", count: 65) + " en hi").utf8), .badSessionID),
        (Array("FEEDBACK s1 great".utf8), .badArguments),
        (Array("FEEDBACK s1 helpful -3".utf8), .badArguments),
        (Array("SET s1 colour=red".utf8), .badArguments),
        (Array("SET s1".utf8), .badArguments),
        (Array("SET s1 channel=".utf8), .badArguments),
        (Array("END".utf8), .badArguments),
        ([0x41, 0x53, 0x4B, 0x20, 0xFF, 0xFE], .badUTF8),
        ([0x50, 0x49, 0x4E, 0x47, 0xC3], .badUTF8),
        (Array("GET / HTTP/1.1".utf8), .notHotlineProtocol),
        (Array("POST /ask HTTP/1.0".utf8), .notHotlineProtocol),
        (Array("\u{0}PING".utf8), .unknownCommand),
    ]

    @Test(arguments: invalid)
    func refuses(_ bytes: [UInt8], _ code: ProtocolError.Code) {
        guard case .failure(let error) = CommandParser.parse(bytes) else {
            Issue.record("parsed \(bytes) without error")
            return
        }
        #expect(error.code == code)
    }

    @Test func sessionScopedErrorsNameTheSession() throws {
        guard case .failure(let error) = CommandParser.parse("FEEDBACK s9 great") else { throw TestFailure() }
        #expect(error.session?.value == "s9")
        #expect(ReplyEncoder.line(.error(error, text: "wrong arguments")).hasPrefix("ERR BAD_ARGUMENTS session=s9 :wrong arguments"))
    }
}

struct TestFailure: Error {}

struct EscapingTests {
    @Test(arguments: ["plain", "two\nlines", "back\\slash", "cr\r\nlf", "末尾\\", "emoji 🙂 \\n literal", ""])
    func textRoundTrips(_ text: String) {
        let escaped = Escaping.escapeText(text)
        #expect(!escaped.contains("\n") && !escaped.contains("\r"))
        #expect(Escaping.unescapeText(Substring(escaped)) == text)
    }

    @Test(arguments: ["中华人民共和国劳动合同法:30", "a b,c%d", "tab\there", "=:", ""])
    func valuesRoundTrip(_ value: String) {
        let encoded = Escaping.encodeValue(value)
        #expect(!encoded.contains(" ") && !encoded.contains(","))
        #expect(Escaping.decodeValue(Substring(encoded)) == value)
    }

    @Test func malformedPercentIsRefused() {
        #expect(Escaping.decodeValue("%G1") == nil)
        #expect(Escaping.decodeValue("%4") == nil)
        #expect(Escaping.decodeValue("%FF") == nil)
    }
}

struct ReplyLineTests {
    @Test func consultationRoundTrips() throws {
        let reply = ConsultationReply(kind: .clarify, session: SessionID(":odd:id")!, fields: [
            ReplyField("ref", "7"), ReplyField("lang", "en"),
            ReplyField("choice", "labor.a:My boss, he left"), ReplyField("choice", "labor.b:100% sure?"),
        ], text: "Pick one:\n1. a\n2. b")
        let line = ReplyEncoder.line(.consultation(reply))
        #expect(!line.contains("\n"))
        let parsed = try #require(ReplyLine(line))
        #expect(parsed.kind == "CLARIFY")
        #expect(parsed.session == ":odd:id")
        #expect(parsed.fields("choice") == ["labor.a:My boss, he left", "labor.b:100% sure?"])
        #expect(parsed.text == "Pick one:\n1. a\n2. b")
    }

    @Test func escalatedCarriesTicket() throws {
        let reply = ConsultationReply(kind: .escalated, session: SessionID("s1")!, ticket: nil, fields: [ReplyField("reason", "urgent")], text: "Call 110")
        let parsed = try #require(ReplyLine(ReplyEncoder.line(.consultation(reply))))
        #expect(parsed.words == ["none"])
        #expect(parsed.field("reason") == "urgent")
    }

    @Test func errorsAndOk() throws {
        let error = try #require(ReplyLine("ERR LINE_TOO_LONG :line too long (8192 bytes)"))
        #expect(error.words == ["LINE_TOO_LONG"] && error.session == nil && error.text == "line too long (8192 bytes)")
        let ok = try #require(ReplyLine(ReplyEncoder.line(.ok(verb: "FEEDBACK", session: SessionID("s1"), fields: [ReplyField("ref", "3")]))))
        #expect(ok.words == ["FEEDBACK"] && ok.field("session") == "s1" && ok.field("ref") == "3")
    }
}
