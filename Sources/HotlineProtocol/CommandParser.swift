import Foundation
import HotlineText

/// Turns one received line (without its line end) into a typed ``Command``.
///
/// Pure: no I/O and no state, so it is tested with fixture tables and can be fuzzed. Verbs are
/// case-insensitive (people type into `nc`); arguments are separated by single spaces; the text of
/// `ASK` is the rest of the line.
public enum CommandParser {
    public static func parse(_ bytes: some Collection<UInt8>) -> Result<Command, ProtocolError> {
        guard let line = String(validating: bytes, as: UTF8.self) else { return .failure(ProtocolError(.badUTF8)) }
        return parse(line)
    }

    public static func parse(_ line: String) -> Result<Command, ProtocolError> {
        if looksLikeHTTP(line) { return .failure(ProtocolError(.notHotlineProtocol)) }
        let (verbText, rest) = splitWord(Substring(line))
        switch verbText.uppercased() {
        case "AUTH":
            let words = rest.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count == 1 else { return .failure(ProtocolError(.badArguments, detail: "AUTH <token>")) }
            return .success(.auth(token: String(words[0])))
        case "PING":
            return noArguments(rest, .ping, usage: "PING")
        case "QUIT":
            return noArguments(rest, .quit, usage: "QUIT")
        case "STATS":
            return noArguments(rest, .stats, usage: "STATS")
        case "ASK":
            return parseAsk(rest)
        case "FEEDBACK":
            return parseFeedback(rest)
        case "SET":
            return parseSet(rest)
        case "END":
            let words = rest.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count == 1 else { return .failure(ProtocolError(.badArguments, session: words.first.flatMap { SessionID($0) }, detail: "END <session-id>")) }
            return session(words[0]).map { .end(session: $0) }
        case "ACK":
            let words = rest.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count == 1, let id = Int64(words[0]), id > 0 else { return .failure(ProtocolError(.badArguments, detail: "ACK <event-id>")) }
            return .success(.acknowledge(event: id))
        case "NEXT":
            return noArguments(rest, .next, usage: "NEXT")
        case "REPLY", "NOTE":
            let usage = "\(verbText.uppercased()) <ticket-id> <claim-token> <text>"
            let (ticketText, afterTicket) = splitWord(rest)
            let (claim, text) = splitWord(afterTicket)
            let body = Escaping.unescapeText(text).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let ticket = ticketNumber(ticketText), !claim.isEmpty, !body.isEmpty else { return .failure(ProtocolError(.badArguments, detail: usage)) }
            return .success(verbText.uppercased() == "REPLY" ? .reply(ticket: ticket, claim: String(claim), text: body)
                : .note(ticket: ticket, claim: String(claim), text: body))
        case "LIST":
            let words = rest.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count == 1, ["waiting", "claimed", "buried"].contains(words[0].lowercased()) else {
                return .failure(ProtocolError(.badArguments, detail: "LIST waiting|claimed|buried"))
            }
            return .success(.list(status: words[0].lowercased()))
        case "TOUCH", "RELEASE", "CLOSE":
            let words = rest.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count == 2, let ticket = ticketNumber(words[0]) else {
                return .failure(ProtocolError(.badArguments, detail: "\(verbText.uppercased()) <ticket-id> <claim-token>"))
            }
            switch verbText.uppercased() {
            case "TOUCH": return .success(.touch(ticket: ticket, claim: String(words[1])))
            case "CLOSE": return .success(.close(ticket: ticket, claim: String(words[1])))
            default: return .success(.release(ticket: ticket, claim: String(words[1])))
            }
        case "TRANSFER":
            let words = rest.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count == 3, let ticket = ticketNumber(words[0]), let language = Language(tag: String(words[2])) else {
                return .failure(ProtocolError(.badArguments, detail: "TRANSFER <ticket-id> <claim-token> <lang-tag>"))
            }
            return .success(.transfer(ticket: ticket, claim: String(words[1]), language: language.tag))
        case "REASSIGN":
            let words = rest.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count == 2, let ticket = ticketNumber(words[0]), let language = Language(tag: String(words[1])) else {
                return .failure(ProtocolError(.badArguments, detail: "REASSIGN <ticket-id> <lang-tag>"))
            }
            return .success(.reassign(ticket: ticket, language: language.tag))
        case "BURY", "KICK":
            let words = rest.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count == 1, let ticket = ticketNumber(words[0]) else {
                return .failure(ProtocolError(.badArguments, detail: "\(verbText.uppercased()) <ticket-id>"))
            }
            return .success(verbText.uppercased() == "BURY" ? .bury(ticket: ticket) : .kick(ticket: ticket))
        case "COMPLAIN":
            let (sessionText, text) = splitWord(rest)
            guard let id = SessionID(sessionText) else {
                return .failure(sessionText.isEmpty ? ProtocolError(.badArguments, detail: "COMPLAIN <session-id> <text>") : ProtocolError(.badSessionID))
            }
            let body = Escaping.unescapeText(text).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !body.isEmpty else { return .failure(ProtocolError(.badArguments, session: id, detail: "COMPLAIN <session-id> <text>")) }
            return .success(.complain(session: id, text: body))
        case "":
            return .failure(ProtocolError(.unknownCommand, detail: "empty line"))
        default:
            return .failure(ProtocolError(.unknownCommand))
        }
    }

    static func parseAsk(_ rest: Substring) -> Result<Command, ProtocolError> {
        let usage = "ASK <session-id> <lang-tag|auto> <text>"
        let (sessionText, afterSession) = splitWord(rest)
        guard !sessionText.isEmpty else { return .failure(ProtocolError(.badArguments, detail: usage)) }
        guard let id = SessionID(sessionText) else { return .failure(ProtocolError(.badSessionID)) }
        let (tag, text) = splitWord(afterSession)
        let question = Escaping.unescapeText(text).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !tag.isEmpty, !question.isEmpty else { return .failure(ProtocolError(.badArguments, session: id, detail: usage)) }
        return .success(.ask(session: id, language: LanguageRequest(tag: tag), text: question))
    }

    static func parseFeedback(_ rest: Substring) -> Result<Command, ProtocolError> {
        let usage = "FEEDBACK <session-id> helpful|unhelpful [<ref>]"
        let words = rest.split(separator: " ", omittingEmptySubsequences: true)
        guard (2...3).contains(words.count) else { return .failure(ProtocolError(.badArguments, session: words.first.flatMap { SessionID($0) }, detail: usage)) }
        guard let id = SessionID(words[0]) else { return .failure(ProtocolError(.badSessionID)) }
        guard let value = FeedbackValue(rawValue: words[1].lowercased()) else {
            return .failure(ProtocolError(.badArguments, session: id, detail: usage))
        }
        var reference: Int64?
        if words.count == 3 {
            guard let number = Int64(words[2]), number > 0 else { return .failure(ProtocolError(.badArguments, session: id, detail: usage)) }
            reference = number
        }
        return .success(.feedback(session: id, value: value, reference: reference))
    }

    static func parseSet(_ rest: Substring) -> Result<Command, ProtocolError> {
        let usage = "SET <session-id> <key>=<value> ... (keys: " + SessionAttribute.allCases.map(\.rawValue).joined(separator: ", ") + ")"
        let words = rest.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count >= 2 else { return .failure(ProtocolError(.badArguments, session: words.first.flatMap { SessionID($0) }, detail: usage)) }
        guard let id = SessionID(words[0]) else { return .failure(ProtocolError(.badSessionID)) }
        var attributes: [SessionAttributeValue] = []
        for word in words.dropFirst() {
            guard let equals = word.firstIndex(of: "="),
                  let attribute = SessionAttribute(rawValue: String(word[..<equals]).lowercased()),
                  let value = Escaping.decodeValue(word[word.index(after: equals)...]),
                  (1...32).contains(value.utf8.count)
            else { return .failure(ProtocolError(.badArguments, session: id, detail: usage)) }
            attributes.append(SessionAttributeValue(attribute, value))
        }
        return .success(.set(session: id, attributes: attributes))
    }

    /// `T` and a positive number.
    static func ticketNumber(_ text: Substring) -> Int64? {
        guard text.first == "T", let number = Int64(text.dropFirst()), number > 0 else { return nil }
        return number
    }

    static func session(_ text: Substring) -> Result<SessionID, ProtocolError> {
        SessionID(text).map { .success($0) } ?? .failure(ProtocolError(.badSessionID))
    }

    static func noArguments(_ rest: Substring, _ command: Command, usage: String) -> Result<Command, ProtocolError> {
        rest.allSatisfy({ $0 == " " }) ? .success(command) : .failure(ProtocolError(.badArguments, detail: usage))
    }

    /// The first word (up to a space) and the rest after that one space.
    static func splitWord(_ text: Substring) -> (Substring, Substring) {
        guard let space = text.firstIndex(of: " ") else { return (text, "") }
        return (text[..<space], text[text.index(after: space)...])
    }

    static let httpMethods: Set<Substring> = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "PATCH", "TRACE", "PRI"]

    /// An HTTP request line (`GET / HTTP/1.1`): a browser or a proxy probe on the text port.
    static func looksLikeHTTP(_ line: String) -> Bool {
        guard let space = line.firstIndex(of: " "), httpMethods.contains(line[..<space]) else { return false }
        return line.contains(" HTTP/")
    }
}
