import NIOCore

/// Writes replies as protocol lines: the one encoder of the daemon's output.
public enum ReplyEncoder {
    /// The reply as a line without its LF (for clients and tests).
    public static func line(_ reply: Reply) -> String {
        var buffer = ByteBuffer()
        write(reply, into: &buffer)
        return String(buffer: buffer)
    }

    /// Appends the reply's line, without the LF, to `buffer`. Works on UTF-8 bytes: escaping
    /// touches only ASCII bytes, so Chinese text is copied through in runs.
    public static func write(_ reply: Reply, into buffer: inout ByteBuffer) {
        switch reply {
        case .ok(let verb, let session, let fields):
            buffer.writeStaticString("OK ")
            buffer.writeString(verb)
            if let session { appendField("session", session.value, &buffer) }
            for field in fields { appendField(field.key, field.value, &buffer) }
        case .pong:
            buffer.writeStaticString("PONG")
        case .bye:
            buffer.writeStaticString("BYE")
        case .consultation(let reply):
            buffer.writeString(reply.kind.rawValue)
            buffer.writeStaticString(" ")
            buffer.writeString(reply.session.value)
            if reply.kind == .escalated {
                buffer.writeStaticString(" ")
                buffer.writeString(reply.ticket ?? "none")
            }
            for field in reply.fields { appendField(field.key, field.value, &buffer) }
            appendText(reply.text, &buffer)
        case .stats(let fields):
            buffer.writeStaticString("STATS")
            for field in fields { appendField(field.key, field.value, &buffer) }
        case .error(let error, let text):
            buffer.writeStaticString("ERR ")
            buffer.writeString(error.code.rawValue)
            if let session = error.session { appendField("session", session.value, &buffer) }
            appendText(error.detail.map { text.isEmpty ? $0 : "\(text) (\($0))" } ?? text, &buffer)
        case .draining(let text):
            buffer.writeStaticString("DRAINING")
            appendText(text, &buffer)
        case .ticket(let id, let claim, let fields, let text):
            buffer.writeStaticString("TICKET ")
            buffer.writeString(id)
            buffer.writeStaticString(" ")
            buffer.writeString(claim)
            for field in fields { appendField(field.key, field.value, &buffer) }
            appendText(text, &buffer)
        case .none:
            buffer.writeStaticString("NONE")
        case .listing(let fields):
            buffer.writeStaticString("TICKETS")
            for field in fields { appendField(field.key, field.value, &buffer) }
        case .event(let id, let kind, let session, let ticket, let fields, let text):
            buffer.writeString("EVENT \(id) \(kind) \(session) \(ticket)")
            for field in fields { appendField(field.key, field.value, &buffer) }
            appendText(text, &buffer)
        }
    }

    static func appendField(_ key: String, _ value: String, _ buffer: inout ByteBuffer) {
        buffer.writeStaticString(" ")
        buffer.writeString(key)
        buffer.writeStaticString("=")
        var value = value
        value.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count where Escaping.needsPercent(bytes[index]) {
                buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index])))
                buffer.writeInteger(UInt8(ascii: "%"))
                buffer.writeInteger(hexDigits[Int(bytes[index] >> 4)])
                buffer.writeInteger(hexDigits[Int(bytes[index] & 0xF)])
                start = index + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
        }
    }

    static func appendText(_ text: String, _ buffer: inout ByteBuffer) {
        buffer.writeStaticString(" :")
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else { continue }
                buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index])))
                switch byte {
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                default: buffer.writeStaticString("\\r")
                }
                start = index + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
        }
    }

    static let hexDigits = Array("0123456789ABCDEF".utf8)
}
