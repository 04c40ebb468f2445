/// Writes replies as protocol lines (without the final LF: framing adds it).
public enum ReplyEncoder {
    public static func line(_ reply: Reply) -> String {
        switch reply {
        case .ok(let verb, let session, let fields):
            return join(["OK", verb], (session.map { [ReplyField("session", $0.value)] } ?? []) + fields, text: nil)
        case .pong:
            return "PONG"
        case .bye:
            return "BYE"
        case .consultation(let reply):
            var words = [reply.kind.rawValue, reply.session.value]
            if reply.kind == .escalated { words.append(reply.ticket ?? "none") }
            return join(words, reply.fields, text: reply.text)
        case .stats(let fields):
            return join(["STATS"], fields, text: nil)
        case .error(let error, let text):
            let full = error.detail.map { text.isEmpty ? $0 : "\(text) (\($0))" } ?? text
            return join(["ERR", error.code.rawValue], error.session.map { [ReplyField("session", $0.value)] } ?? [], text: full)
        case .draining(let text):
            return join(["DRAINING"], [], text: text)
        }
    }

    static func join(_ words: [String], _ fields: [ReplyField], text: String?) -> String {
        var line = words.joined(separator: " ")
        for field in fields {
            line += " " + field.key + "=" + Escaping.encodeValue(field.value)
        }
        if let text { line += " :" + Escaping.escapeText(text) }
        return line
    }
}
