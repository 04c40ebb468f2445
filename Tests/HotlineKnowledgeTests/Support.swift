import Foundation

/// A fresh temporary directory per test, removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "hotline-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ relative: String, _ contents: String) {
        let full = path + "/" + relative
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! contents.write(toFile: full, atomically: true, encoding: .utf8)
    }
}

/// A minimal but complete source tree: one law, two articles, two FAQs, a glossary, a trigger.
func writeMiniSources(_ dir: TemporaryDirectory) {
    dir.write("KnowledgeBase/FORMAT.md", "# format\n")
    dir.write("KnowledgeBase/statutes/labor.txt", """
    law: 中华人民共和国劳动合同法
    law.en: Labor Contract Law
    alias: 劳动合同法
    effective: 2013-07-01

    article: 30
    label: 第三十条
    summary.zh-Hans: 用人单位应当按约定和国家规定及时足额支付劳动报酬。
    summary.en: Employers must pay wages in full and on time.

    article: 82
    label: 第八十二条
    summary.zh-Hans: 超过一个月不满一年未订立书面劳动合同的，应支付二倍工资。
    summary.en: No written contract after one month means double wages.
    """)
    dir.write("KnowledgeBase/faqs/labor.txt", """
    id: labor.wage-arrears
    topic: labor
    q.zh-Hans: 老板拖欠工资怎么办
    q.en: My employer has not paid my wages
    a.zh-Hans: 可以向劳动监察投诉或申请劳动仲裁。
    a.en: Complain to labour inspection or apply for labour arbitration.
    cite: 中华人民共和国劳动合同法#30

    id: labor.no-contract
    topic: labor
    q.zh-Hans: 公司不签劳动合同怎么办
    q.en: My employer never signed a written contract with me
    a.zh-Hans: 超过一个月未签书面合同，可以主张二倍工资。
    a.en: After a month without a written contract you can claim double wages.
    cite: 中华人民共和国劳动合同法#82
    """)
    dir.write("KnowledgeBase/glossary/labor.txt", """
    concept: wage
    zh-Hans: 工资, 薪水
    zh-Hant: 人工, 工資
    en: wage, salary, pay
    fr: salaire

    concept: employer
    zh-Hans: 老板, 用人单位
    zh-Hant: 老細
    en: employer, boss
    fr: employeur, patron
    """)
    dir.write("KnowledgeBase/triggers.txt", """
    trigger: violence-now
    priority: urgent
    zh-Hans: 他正在打我
    en: he is beating me right now
    """)
    dir.write("KnowledgeBase/handoff.txt", """
    handoff: person
    zh-Hans: 转人工, 我要找律师
    en: talk to a lawyer, human please
    """)
}
