/// Masks personal data before text reaches a log: mainland mobile numbers, 18- and 15-digit
/// resident ID numbers, e-mail addresses and passport numbers.
///
/// A scanner rather than regular expressions: Swift's Regex has no lookbehind, and the rules need
/// "not part of a longer number" on both sides.
public enum Redaction {
    public static func redact(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if let (end, label) = email(scalars, at: index) ?? passport(scalars, at: index) ?? number(scalars, at: index) {
                output.append(contentsOf: label.unicodeScalars)
                index = end
            } else {
                output.append(scalars[index])
                index += 1
            }
        }
        return String(output)
    }

    static func isDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }
    static func isLetter(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("A"..."Z").contains(s) }
    static func isLocalPart(_ s: Unicode.Scalar) -> Bool { isLetter(s) || isDigit(s) || "._%+-".unicodeScalars.contains(s) }
    static func isDomain(_ s: Unicode.Scalar) -> Bool { isLetter(s) || isDigit(s) || s == "." || s == "-" }

    /// An e-mail address starting at `start` (only tried at the start of a local part).
    static func email(_ s: [Unicode.Scalar], at start: Int) -> (Int, String)? {
        guard isLocalPart(s[start]), start == 0 || !isLocalPart(s[start - 1]) else { return nil }
        var at = start
        while at < s.count, isLocalPart(s[at]) { at += 1 }
        guard at < s.count, s[at] == "@", at > start else { return nil }
        var end = at + 1
        while end < s.count, isDomain(s[end]) { end += 1 }
        while end > at + 1, s[end - 1] == "." || s[end - 1] == "-" { end -= 1 }
        let domain = s[(at + 1)..<end]
        guard let dot = domain.lastIndex(of: "."), dot > at + 1, end - dot > 2 else { return nil }
        return (end, "[email]")
    }

    /// One or two letters and 7–9 digits, not inside a longer word or number.
    static func passport(_ s: [Unicode.Scalar], at start: Int) -> (Int, String)? {
        guard isLetter(s[start]), start == 0 || !(isLetter(s[start - 1]) || isDigit(s[start - 1])) else { return nil }
        var index = start
        while index < s.count, isLetter(s[index]), index - start < 3 { index += 1 }
        let letters = index - start
        guard (1...2).contains(letters) else { return nil }
        let digitsStart = index
        while index < s.count, isDigit(s[index]) { index += 1 }
        guard (7...9).contains(index - digitsStart), index == s.count || !isLetter(s[index]) else { return nil }
        return (index, "[passport]")
    }

    /// A phone or ID number: digits, possibly grouped by single spaces or hyphens, not inside a
    /// longer number.
    static func number(_ s: [Unicode.Scalar], at start: Int) -> (Int, String)? {
        var index = start
        if s[index] == "+" { index += 1 }
        guard index < s.count, isDigit(s[index]), start == 0 || !(isDigit(s[start - 1]) || isLetter(s[start - 1])) else { return nil }
        var digits: [Unicode.Scalar] = []
        var end = index
        while index < s.count {
            if isDigit(s[index]) {
                digits.append(s[index])
                index += 1
                end = index
            } else if (s[index] == " " || s[index] == "-"), index + 1 < s.count, isDigit(s[index + 1]), digits.count < 18 {
                index += 1
            } else {
                break
            }
        }
        var hasCheckLetter = false
        if digits.count == 17, end < s.count, s[end] == "X" || s[end] == "x" {
            hasCheckLetter = true
            end += 1
        }
        if end < s.count, isLetter(s[end]) { return nil }
        let text = String(String.UnicodeScalarView(digits))
        switch digits.count {
        case 17 where hasCheckLetter, 18, 15:
            return (end, "[id-number]")
        case 11 where text.hasPrefix("1") && ("3"..."9").contains(text.dropFirst().first ?? "0"):
            return (end, "[phone]")
        case 13 where text.hasPrefix("861") && ("3"..."9").contains(text.dropFirst(3).first ?? "0"):
            return (end, "[phone]")
        default:
            return nil
        }
    }
}
