/// The two escapings of the protocol (PROTOCOL.md, "Escaping").
public enum Escaping {
    /// Text after ` :` — a newline is written `\n`, a carriage return `\r`, a backslash `\\`;
    /// everything else is sent as is, so Chinese stays readable in `nc`.
    public static func escapeText(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The inverse of ``escapeText(_:)``; an unknown escape such as `\x` is kept as written.
    public static func unescapeText(_ text: Substring) -> String {
        guard text.utf8.contains(UInt8(ascii: "\\")) else { return String(text) }
        var result = ""
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "\\" else { result.unicodeScalars.append(scalar); continue }
            switch iterator.next() {
            case "n"?: result += "\n"
            case "r"?: result += "\r"
            case "\\"?: result += "\\"
            case let other?: result += "\\"; result.unicodeScalars.append(other)
            case nil: result += "\\"
            }
        }
        return result
    }

    /// A field value: bytes 0x00–0x20, 0x7F, `%` and `,` become `%XX`; other bytes, including
    /// UTF-8 above 0x7F, are sent as is.
    public static func encodeValue(_ value: String) -> String {
        guard value.utf8.contains(where: needsPercent) else { return value }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count + 8)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in value.utf8 {
            if needsPercent(byte) {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The inverse of ``encodeValue(_:)``; `nil` for a malformed `%` sequence or invalid UTF-8.
    public static func decodeValue(_ value: Substring) -> String? {
        guard value.utf8.contains(UInt8(ascii: "%")) else { return String(value) }
        var bytes: [UInt8] = []
        var iterator = value.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func needsPercent(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: "%") || byte == UInt8(ascii: ",")
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
