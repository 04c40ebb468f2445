/// A daemon line split into its parts, for clients.
///
/// Grammar (PROTOCOL.md): `KIND [<session-id> [<word>…]] [key=value…] [:text]`. Every kind not
/// in ``ReplyLine/sessionlessKinds`` is about a session and has the session id as its first word,
/// taken verbatim (a session id may itself begin with `:`); the text begins at the first ` :` after
/// it. Fields are decoded and the text unescaped.
public struct ReplyLine: Hashable, Sendable {
    /// Kinds that are not about a session (every future kind not listed here is).
    public static let sessionlessKinds: Set<String> = ["OK", "ERR", "PONG", "BYE", "STATS", "DRAINING", "TICKET", "TICKETS", "NONE", "EVENT"]

    public var kind: String
    /// The session id of a session reply.
    public var session: String?
    /// Further positional words (the ticket id of `ESCALATED`, the verb of `OK`, the code of `ERR`).
    public var words: [String]
    public var fields: [ReplyField]
    public var text: String?

    public init?(_ line: String) {
        var rest = Substring(line)
        let (kindText, afterKind) = ReplyLine.splitWord(rest)
        guard !kindText.isEmpty else { return nil }
        kind = String(kindText)
        rest = afterKind
        session = nil
        var fixedWords: [String] = []
        if kind == "EVENT" {
            // EVENT <event-id> <KIND> <session-id> <ticket-id>: the session id is taken verbatim.
            for _ in 0..<4 {
                let (word, after) = ReplyLine.splitWord(rest)
                fixedWords.append(String(word))
                rest = after
            }
            session = fixedWords.count > 2 ? fixedWords[2] : nil
        } else if !ReplyLine.sessionlessKinds.contains(kind) {
            let (sessionText, afterSession) = ReplyLine.splitWord(rest)
            guard !sessionText.isEmpty else { return nil }
            session = String(sessionText)
            rest = afterSession
        }
        var head = rest
        text = nil
        if rest.hasPrefix(":") {
            head = ""
            text = Escaping.unescapeText(rest.dropFirst())
        } else if let marker = rest.range(of: " :") {
            head = rest[..<marker.lowerBound]
            text = Escaping.unescapeText(rest[marker.upperBound...])
        }
        words = fixedWords
        fields = []
        for part in head.split(separator: " ", omittingEmptySubsequences: true) {
            if let equals = part.firstIndex(of: "="), equals != part.startIndex,
               part[..<equals].allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "." }) {
                guard let value = Escaping.decodeValue(part[part.index(after: equals)...]) else { return nil }
                fields.append(ReplyField(String(part[..<equals]), value))
            } else if fields.isEmpty {
                words.append(String(part))
            } else {
                return nil
            }
        }
    }

    public func field(_ key: String) -> String? { fields.first { $0.key == key }?.value }
    public func fields(_ key: String) -> [String] { fields.filter { $0.key == key }.map(\.value) }

    static func splitWord(_ text: Substring) -> (Substring, Substring) {
        guard let space = text.firstIndex(of: " ") else { return (text, "") }
        return (text[..<space], text[text.index(after: space)...])
    }
}
