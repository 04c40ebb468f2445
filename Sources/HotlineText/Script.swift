/// The writing-system classes the analyser treats differently.
///
/// Decided with plain code-point ranges: the analyser asks this for every character, and a
/// range check is far cheaper than a call into ICU.
public enum ScriptClass: Equatable, Sendable {
    case han, kana, hangul, thai, latin, cyrillic, arabic, digit, other

    /// Scripts written without spaces between words, matched character by character.
    public var isUnspaced: Bool {
        switch self {
        case .han, .kana, .thai, .hangul: true
        default: false
        }
    }

    public init(_ scalar: Unicode.Scalar) {
        let v = scalar.value
        switch v {
        case 0x30...0x39: self = .digit
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F, 0x1E00...0x1EFF: self = .latin
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F: self = .han
        case 0x3040...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F: self = .kana
        case 0xAC00...0xD7AF, 0x1100...0x11FF, 0x3130...0x318F: self = .hangul
        case 0x0E00...0x0E7F: self = .thai
        case 0x0400...0x052F: self = .cyrillic
        case 0x0600...0x06FF, 0x0750...0x077F, 0xFB50...0xFDFF, 0xFE70...0xFEFF: self = .arabic
        default: self = .other
        }
    }
}
