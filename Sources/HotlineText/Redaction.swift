/// Masks personal data before text goes anywhere it is not needed (logs, reports, the knowledge-
/// base backlog, metrics, error replies): mainland mobile numbers in every common form, 18- and
/// 15-digit resident ID numbers, bank card numbers, passport and travel-permit numbers, e-mail
/// addresses. Raw text is kept only where a person must read it (a lawyer's ticket and the
/// session transcript behind it).
///
/// A scanner rather than regular expressions: the rules need "not part of a longer number or word"
/// on both sides (Swift's Regex has no lookbehind), digits may be full-width (１３８…) and grouped
/// by spaces, hyphens or dots, and a number's kind is decided from its digits, not its layout.
///
/// Check digits label, they do not decide: an ID-shaped number whose check digit is wrong is
/// still an ID number somebody typed with a slip (`[id-number?]`), and so is a card number that
/// fails the Luhn check (`[bank-card?]`). What is *not* masked is what cannot be personal:
/// numbers too short or too long for any of these kinds, dates, amounts, article and case numbers
/// (`（2023）粤01民终1234号`), and service numbers such as 12348.
public enum Redaction {
    /// The labels written in place of what was found.
    public enum Label: String, CaseIterable, Sendable {
        case phone = "[phone]"
        case idNumber = "[id-number]"
        case idNumberBadCheck = "[id-number?]"
        case bankCard = "[bank-card]"
        case bankCardBadCheck = "[bank-card?]"
        case passport = "[passport]"
        case email = "[email]"
    }

    public static func redact(_ text: String) -> String {
        // Fast path: nothing personal can hide in text without a digit or an "@".
        guard text.unicodeScalars.contains(where: { digitValue($0) != nil || $0 == "@" }) else { return text }
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if let (end, label) = email(scalars, at: index) ?? passport(scalars, at: index) ?? number(scalars, at: index) {
                output.append(contentsOf: label.rawValue.unicodeScalars)
                index = end
            } else {
                output.append(scalars[index])
                index += 1
            }
        }
        return String(output)
    }

    // MARK: - Characters

    /// ASCII and full-width digits.
    static func digitValue(_ s: Unicode.Scalar) -> UInt8? {
        switch s.value {
        case 0x30...0x39: UInt8(s.value - 0x30)
        case 0xFF10...0xFF19: UInt8(s.value - 0xFF10)
        default: nil
        }
    }

    static func isDigit(_ s: Unicode.Scalar) -> Bool { digitValue(s) != nil }
    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || (0xFF21...0xFF3A).contains(s.value) || (0xFF41...0xFF5A).contains(s.value)
    }
    static func isUpperLetter(_ s: Unicode.Scalar) -> Bool { ("A"..."Z").contains(s) || (0xFF21...0xFF3A).contains(s.value) }
    /// What may sit between digit groups of one number: space, ideographic space, hyphens, a dot.
    static func isGroupSeparator(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "-" || s == "." || s == "\u{3000}" || s == "\u{2010}" || s == "\u{2011}" || s == "\u{2013}" || s == "\u{FF0D}"
    }
    static func isLocalPart(_ s: Unicode.Scalar) -> Bool { isLetter(s) || isDigit(s) || "._%+-".unicodeScalars.contains(s) }
    static func isDomain(_ s: Unicode.Scalar) -> Bool { isLetter(s) || isDigit(s) || s == "." || s == "-" }
    static func isPlus(_ s: Unicode.Scalar) -> Bool { s == "+" || s == "\u{FF0B}" }

    // MARK: - Kinds

    /// An e-mail address starting at `start` (only tried at the start of a local part).
    static func email(_ s: [Unicode.Scalar], at start: Int) -> (Int, Label)? {
        guard isLocalPart(s[start]), start == 0 || !isLocalPart(s[start - 1]) else { return nil }
        var at = start
        while at < s.count, isLocalPart(s[at]) { at += 1 }
        guard at < s.count, s[at] == "@" || s[at] == "\u{FF20}", at > start else { return nil }
        var end = at + 1
        while end < s.count, isDomain(s[end]) { end += 1 }
        while end > at + 1, s[end - 1] == "." || s[end - 1] == "-" { end -= 1 }
        let domain = s[(at + 1)..<end]
        guard let dot = domain.lastIndex(of: "."), dot > at + 1, end - dot > 2 else { return nil }
        return (end, .email)
    }

    /// Passport and travel-permit numbers: one or two capital letters and 7–10 digits (Chinese
    /// passports E12345678 and EA1234567, Hong Kong/Macau permits H1234567890, most foreign
    /// passports), not inside a longer word or number.
    static func passport(_ s: [Unicode.Scalar], at start: Int) -> (Int, Label)? {
        guard isUpperLetter(s[start]), start == 0 || !(isLetter(s[start - 1]) || isDigit(s[start - 1])) else { return nil }
        var index = start
        while index < s.count, isUpperLetter(s[index]), index - start < 3 { index += 1 }
        guard (1...2).contains(index - start) else { return nil }
        let digitsStart = index
        while index < s.count, isDigit(s[index]) { index += 1 }
        guard (7...10).contains(index - digitsStart), index == s.count || !isLetter(s[index]) else { return nil }
        return (index, .passport)
    }

    /// A phone, ID or card number: digits (ASCII or full-width) grouped by single separators, an
    /// optional `+86`/`0086`/`(+86)` prefix, not inside a longer number or word.
    static func number(_ s: [Unicode.Scalar], at start: Int) -> (Int, Label)? {
        guard start == 0 || !(isDigit(s[start - 1]) || isLetter(s[start - 1])) else { return nil }
        var index = start
        // "(+86) 138…" and "（+86）": the bracket belongs to the number.
        let bracketed = s[index] == "(" || s[index] == "\u{FF08}"
        if bracketed { index += 1 }
        if index < s.count, isPlus(s[index]) { index += 1 }
        guard index < s.count, isDigit(s[index]) else { return nil }
        var digits: [UInt8] = []
        var end = index
        while index < s.count {
            if let digit = digitValue(s[index]) {
                digits.append(digit)
                index += 1
                end = index
            } else if bracketed, s[index] == ")" || s[index] == "\u{FF09}", countryCodes.contains(digits) {
                // The closing bracket of the country code: "(+86)138…", "(+86) 138…".
                index += 1
                while index < s.count, s[index] == " " || s[index] == "\u{3000}" { index += 1 }
            } else if isGroupSeparator(s[index]), index + 1 < s.count, isDigit(s[index + 1]), digits.count < 19 {
                index += 1
            } else {
                break
            }
        }
        var checkLetter = false
        if digits.count == 17, end < s.count, s[end] == "X" || s[end] == "x" || s[end] == "\u{FF38}" {
            checkLetter = true
            end += 1
        }
        if end < s.count, isLetter(s[end]) || isDigit(s[end]) { return nil }
        guard let label = classify(digits, checkLetter: checkLetter) else { return nil }
        return (end, label)
    }

    /// The kind of a run of digits, from the digits alone.
    static func classify(_ digits: [UInt8], checkLetter: Bool) -> Label? {
        if checkLetter { return isPlausibleID18(digits + [10]) ? (id18CheckDigitValid(digits + [10]) ? .idNumber : .idNumberBadCheck) : nil }
        if isMobile(digits) { return .phone }
        for prefix in countryCodes where digits.starts(with: prefix) && isMobile(Array(digits.dropFirst(prefix.count))) {
            return .phone
        }
        switch digits.count {
        case 18 where isPlausibleID18(digits):
            return id18CheckDigitValid(digits) ? .idNumber : .idNumberBadCheck
        case 15 where isPlausibleID15(digits):
            return .idNumber
        case 16...19:
            return luhnValid(digits) ? .bankCard : .bankCardBadCheck
        default:
            return nil
        }
    }

    /// China's country code as written before a mobile number: `86`, `0086` (`+` is not a digit).
    static let countryCodes: [[UInt8]] = [[8, 6], [0, 0, 8, 6]]

    /// A mainland mobile number: 11 digits, `1` then 3–9.
    static func isMobile(_ digits: [UInt8]) -> Bool { digits.count == 11 && digits[0] == 1 && digits[1] >= 3 }

    /// Region code starting 1–8 and a real-looking birth date (1900–2099).
    static func isPlausibleID18(_ digits: [UInt8]) -> Bool {
        guard digits.count == 18, (1...8).contains(digits[0]) else { return false }
        let year = number(digits[6..<10]), month = number(digits[10..<12]), day = number(digits[12..<14])
        return (1900...2099).contains(year) && (1...12).contains(month) && (1...31).contains(day)
    }

    /// The 15-digit IDs issued before 1999: region code and a YYMMDD birth date.
    static func isPlausibleID15(_ digits: [UInt8]) -> Bool {
        guard digits.count == 15, (1...8).contains(digits[0]) else { return false }
        let month = number(digits[8..<10]), day = number(digits[10..<12])
        return (1...12).contains(month) && (1...31).contains(day)
    }

    /// GB 11643: the weighted sum mod 11 maps to the check character (10 is `X`).
    static func id18CheckDigitValid(_ digits: [UInt8]) -> Bool {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(digits.prefix(17), weights).reduce(0) { $0 + Int($1.0) * $1.1 }
        let expected: [UInt8] = [1, 0, 10, 9, 8, 7, 6, 5, 4, 3, 2]
        return digits[17] == expected[sum % 11]
    }

    static func luhnValid(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            let value = Int(digit) * (offset % 2 == 1 ? 2 : 1)
            sum += value > 9 ? value - 9 : value
        }
        return sum % 10 == 0
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int { digits.reduce(0) { $0 * 10 + Int($1) } }
}
