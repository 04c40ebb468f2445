import Foundation
import HotlineText
import Testing

/// The checkout these tests were built from (Tests/HotlineTextTests/ → root).
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

struct RedactionTests {
    @Test(arguments: [
        ("call me on 13812345678 please", "call me on [phone] please"),
        ("my ID is 11010519491231002X ok", "my ID is [id-number] ok"),
        ("my ID is 110105194912310021 ok", "my ID is [id-number?] ok"),
        ("old ID 440106900101123", "old ID [id-number]"),
        ("write to li.ming@example.com", "write to [email]"),
        ("passport E12345678 expired", "passport [passport] expired"),
        ("护照EA1234567过期了", "护照[passport]过期了"),
        ("回乡证H1234567890", "回乡证[passport]"),
        ("工资3000元拖欠了2个月", "工资3000元拖欠了2个月"),
        ("+86 138-1234-5678", "[phone]"),
        ("(+86) 138 1234 5678", "[phone]"),
        ("（+86）13812345678", "[phone]"),
        ("0086 13812345678", "[phone]"),
        ("86-138-1234-5678", "[phone]"),
        ("138.1234.5678", "[phone]"),
        ("电话１３８１２３４５６７８", "电话[phone]"),
        ("138 1234 5678。", "[phone]。"),
        ("卡号6222 0212 3456 7891 233", "卡号[bank-card]"),
        ("卡号6222021234567890", "卡号[bank-card?]"),
        ("订单号123456789012", "订单号123456789012"),
        ("ref 2024-05-01", "ref 2024-05-01"),
        ("拨打12348或者12315", "拨打12348或者12315"),
        ("（2023）粤01民终1234号判决", "（2023）粤01民终1234号判决"),
        ("依照第一百三十三条之一", "依照第一百三十三条之一"),
    ])
    func personalDataIsMasked(_ input: String, _ expected: String) {
        #expect(Redaction.redact(input) == expected)
    }

    /// 10,000 synthetic messages carrying valid ID numbers, phone numbers in every common form,
    /// card numbers, passports and e-mails: none of the raw values survives.
    @Test func tenThousandSyntheticMessagesLeaveNoRawValue() {
        var random = SeededGenerator(seed: 20261129)
        var leaks: [String] = []
        for index in 0..<10_000 {
            let (value, digits) = SyntheticPersonalData.value(index % SyntheticPersonalData.kinds, using: &random)
            let template = SyntheticPersonalData.templates[Int.random(in: 0..<SyntheticPersonalData.templates.count, using: &random)]
            let message = template.replacingOccurrences(of: "{}", with: value)
            let redacted = Redaction.redact(message)
            let remainingDigits = String(String.UnicodeScalarView(redacted.unicodeScalars.compactMap { scalar in
                (0x30...0x39).contains(scalar.value) ? scalar : (0xFF10...0xFF19).contains(scalar.value) ? Unicode.Scalar(scalar.value - 0xFF10 + 0x30) : nil
            }))
            if redacted.contains(value) || (!digits.isEmpty && remainingDigits.contains(digits)) { leaks.append(message) }
        }
        #expect(leaks.isEmpty, "\(leaks.count) leaked, e.g. \(leaks.prefix(3))")
    }

    /// Statute text is full of numbers that are not personal (articles, dates, amounts, case
    /// numbers): at most 1% of texts may be changed at all.
    @Test func statuteTextIsLeftAlone() throws {
        var texts: [String] = []
        let statutes = repositoryRoot + "/KnowledgeBase/statutes"
        for file in try FileManager.default.contentsOfDirectory(atPath: statutes) where file.hasSuffix(".txt") {
            texts += try String(contentsOfFile: statutes + "/" + file, encoding: .utf8).split(separator: "\n").map(String.init)
        }
        let corpus = URL(fileURLWithPath: repositoryRoot).deletingLastPathComponent().appendingPathComponent("shared/corpus/statutes.jsonl").path
        if let data = FileManager.default.contents(atPath: corpus) {
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let text = object["text"] as? String { texts.append(text) }
            }
        }
        let changed = texts.filter { Redaction.redact($0) != $0 }
        let rate = Double(changed.count) / Double(max(1, texts.count))
        print("statute texts changed by redaction: \(changed.count) of \(texts.count) (\(String(format: "%.3f", rate * 100))%)")
        #expect(texts.count > 500)
        #expect(rate <= 0.01, "e.g. \(changed.prefix(3))")
    }
}

/// A deterministic generator, so a failure can be reproduced.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Personal values of every kind and layout, valid where a check digit exists.
enum SyntheticPersonalData {
    static let kinds = 12
    static let templates = [
        "我的电话是{}，请回电", "联系我{}谢谢", "身份证号{}，老板不给工资", "call me at {} please",
        "My ID number is {} and my boss owes me", "卡号{}转账记录有", "{}", "护照{}丢了怎么办",
        "email me: {} tomorrow", "房东电话 {} 不接", "Tel:{}", "我叫王芳，{}，住天河区",
    ]

    /// The value as written, and its digits (empty for e-mails and passports, checked as text).
    static func value(_ kind: Int, using random: inout SeededGenerator) -> (String, String) {
        func digits(_ count: Int) -> [Int] { (0..<count).map { _ in Int.random(in: 0...9, using: &random) } }
        let mobile = [1, Int.random(in: 3...9, using: &random)] + digits(9)
        let m = mobile.map(String.init).joined()
        let groups = "\(m.prefix(3)) \(m.dropFirst(3).prefix(4)) \(m.suffix(4))"
        switch kind {
        case 0: return (m, m)
        case 1: return (groups, m)
        case 2: return (groups.replacingOccurrences(of: " ", with: "-"), m)
        case 3: return ("+86 " + m, m)
        case 4: return ("(+86) " + groups, m)
        case 5: return ("0086-" + m, m)
        case 6: return (String(m.unicodeScalars.map { Character(Unicode.Scalar($0.value - 0x30 + 0xFF10)!) }), m)
        case 7:
            let id = validID18(using: &random)
            return (id, String(id.prefix(17)))
        case 8:
            let region = String(Int.random(in: 110000...659999, using: &random))
            let id = region + String(format: "%02d%02d%02d", Int.random(in: 30...99, using: &random), Int.random(in: 1...12, using: &random), Int.random(in: 1...28, using: &random)) + digits(3).map(String.init).joined()
            return (id, id)
        case 9:
            let card = luhnCompleted([6, 2, 2, 2] + digits(14))
            let text = card.map(String.init).joined()
            return (stride(from: 0, to: text.count, by: 4).map { String(Array(text)[$0..<min($0 + 4, text.count)]) }.joined(separator: " "), text)
        case 10:
            return ("E" + digits(8).map(String.init).joined(), "")
        default:
            return ("wang.fang\(Int.random(in: 1...999, using: &random))@example.cn", "")
        }
    }

    static func validID18(using random: inout SeededGenerator) -> String {
        let body = String(Int.random(in: 110000...659999, using: &random))
            + String(format: "%04d%02d%02d", Int.random(in: 1940...2008, using: &random), Int.random(in: 1...12, using: &random), Int.random(in: 1...28, using: &random))
            + String(format: "%03d", Int.random(in: 0...999, using: &random))
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body.unicodeScalars, weights).reduce(0) { $0 + Int($1.0.value - 48) * $1.1 }
        return body + ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"][sum % 11]
    }

    static func luhnCompleted(_ digits: [Int]) -> [Int] {
        for check in 0...9 {
            let candidate = digits + [check]
            var sum = 0
            for (offset, digit) in candidate.reversed().enumerated() {
                let value = digit * (offset % 2 == 1 ? 2 : 1)
                sum += value > 9 ? value - 9 : value
            }
            if sum % 10 == 0 { return candidate }
        }
        return digits
    }
}
