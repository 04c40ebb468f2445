import Foundation
import Testing
@testable import HotlineKnowledge

@Suite struct RecordParserTests {
    @Test func recordsAreSeparatedByBlankLinesAndContinuationsJoin() {
        let text = "# comment\nid: a.b\nq.en: one\n  two\n\n\nid: c.d\r\n"
        let (records, diagnostics) = RecordParser.parse(text, file: "f.txt")
        #expect(diagnostics.isEmpty)
        #expect(records.count == 2)
        #expect(records[0].fields[1].value == "one\ntwo")
        #expect(records[1].fields[0].value == "c.d")
        #expect(records[1].line == 7)
    }

    @Test(arguments: [("no colon here\n", 1), ("id: x\nbroken line\n", 2), ("  continuation first\n", 1)])
    func malformedLinesAreReportedWithTheirLine(text: String, line: Int) {
        let (_, diagnostics) = RecordParser.parse(text, file: "f.txt")
        #expect(diagnostics.first?.location == SourceLocation(file: "f.txt", line: line))
    }
}

@Suite struct SourceCheckTests {
    @Test func theMiniSourcesAreClean() {
        let dir = TemporaryDirectory()
        writeMiniSources(dir)
        let (sources, diagnostics) = SourceLoader.load(directory: dir.path + "/KnowledgeBase")
        #expect(diagnostics.isEmpty)
        #expect(SourceChecker.check(sources).isEmpty)
        #expect(sources.faqs.count == 2)
        #expect(sources.articles.count == 2)
    }

    /// Knowledge-base upkeep: an FAQ citing an article repealed by an amendment, or an article of
    /// a repealed law, is flagged for review (a warning: the KB still builds and serves).
    @Test func faqsCitingRepealedArticlesAreFlagged() {
        let dir = TemporaryDirectory()
        writeMiniSources(dir)
        let (sources, _) = SourceLoader.load(directory: dir.path + "/KnowledgeBase")
        #expect(SourceChecker.check(sources, today: "2026-11-29").isEmpty)
        dir.write("KnowledgeBase/statutes/labor.txt", try! String(contentsOfFile: dir.path + "/KnowledgeBase/statutes/labor.txt", encoding: .utf8)
            .replacingOccurrences(of: "label: 第八十二条\n", with: "label: 第八十二条\nrepealed: 2026-01-01\n"))
        let (amended, loadDiagnostics) = SourceLoader.load(directory: dir.path + "/KnowledgeBase")
        #expect(loadDiagnostics.isEmpty)
        let flagged = SourceChecker.check(amended, today: "2026-11-29").map(\.description)
        #expect(flagged.count == 1 && flagged[0].contains("labor.no-contract") && flagged[0].contains("repealed on 2026-01-01") && flagged[0].contains("warning"))
        #expect(SourceChecker.check(amended, today: "2025-12-31").isEmpty)
        dir.write("KnowledgeBase/statutes/labor.txt", try! String(contentsOfFile: dir.path + "/KnowledgeBase/statutes/labor.txt", encoding: .utf8)
            .replacingOccurrences(of: "effective: 2013-07-01\n", with: "effective: 2013-07-01\nrepealed: 2026-06-30\n"))
        let (repealedLaw, _) = SourceLoader.load(directory: dir.path + "/KnowledgeBase")
        #expect(SourceChecker.check(repealedLaw, today: "2026-11-29").count == 2)
    }

    @Test func everyKindOfProblemIsReportedWithFileAndLine() {
        let dir = TemporaryDirectory()
        writeMiniSources(dir)
        dir.write("KnowledgeBase/faqs/bad.txt", """
        id: labor.wage-arrears
        topic: labor
        q.zh-Hans: 重复的编号
        q.en: duplicate id
        a.zh-Hans: 答
        a.en: answer

        id: family.no-english
        topic: family
        q.zh-Hans: 只有中文
        a.zh-Hans: 只有中文
        cite: 中华人民共和国民法典#9999

        id: Bad Id
        topic: astrology
        colour: blue
        q.xx: what
        """)
        let (sources, loadDiagnostics) = SourceLoader.load(directory: dir.path + "/KnowledgeBase")
        let all = (loadDiagnostics + SourceChecker.check(sources)).map(\.description)
        func reported(_ fragment: String, line: Int) -> Bool {
            all.contains { $0.contains("bad.txt:\(line):") && $0.contains(fragment) }
        }
        // Files load in name order: bad.txt comes first, so the shipped labor.txt holds the duplicate.
        #expect(all.contains { $0.contains("labor.txt:1:") && $0.contains("duplicate FAQ id `labor.wage-arrears` (first at") && $0.contains("bad.txt:1") })
        #expect(reported("no question in en", line: 8))
        #expect(reported("no answer in en", line: 8))
        #expect(reported("resolves to no article", line: 8))
        #expect(reported("must look like", line: 14))
        #expect(reported("unknown topic", line: 15))
        #expect(reported("unknown key `colour`", line: 16))
        #expect(reported("unknown language tag `xx`", line: 17))
    }

    @Test func unresolvedCitationsAreWarningsWhenTheBureauReplacedTheStatutes() {
        let dir = TemporaryDirectory()
        writeMiniSources(dir)
        var (sources, _) = SourceLoader.load(directory: dir.path + "/KnowledgeBase")
        sources.articles = []
        #expect(SourceChecker.check(sources).contains { $0.severity == .error && $0.message.contains("resolves to no article") })
        let replaced = SourceChecker.check(sources, statutesReplaced: true)
        #expect(replaced.contains { $0.message.contains("resolves to no article") })
        #expect(!replaced.contains { $0.severity == .error })
    }

    @Test(arguments: [("中华人民共和国刑法#133-1", "中华人民共和国刑法", 133, 1), ("劳动法#44", "劳动法", 44, nil)])
    func statuteIDs(id: String, law: String, article: Int, sub: Int?) {
        let reference = StatuteReference(id: id)
        #expect(reference == StatuteReference(law: law, article: article, sub: sub))
        #expect(reference?.id == id)
    }

    @Test(arguments: ["法#", "#3", "法#x", "法#3-", "法#0", "法#3-1-2"])
    func badStatuteIDs(id: String) { #expect(StatuteReference(id: id) == nil) }
}

@Suite struct ImportTests {
    @Test func statuteVersionsKeepTheNewestEffectiveAsCurrent() {
        let lines = """
        {"law": "某法", "law_en": "Some Law", "article": 1, "label": "第一条", "text": "old", "version": "2012-01-01"}
        {"law": "某法", "article": 1, "label": "第一条", "text": "new", "effective": "2020-01-01"}
        {"law": "某法", "article": 1, "label": "第一条", "text": "older", "effective": "2015-01-01"}
        {"law": "某法", "article": 2, "text": "a"}
        {"law": "某法", "article": 2, "text": "b"}
        {"law": "刑法", "article": 133, "sub": 1, "label": "第一百三十三条之一", "text": "危险驾驶", "extra": true}
        """
        let (articles, diagnostics) = Importer.statutes(Data(lines.utf8), name: "s.jsonl")
        #expect(diagnostics.isEmpty)
        let resolved = KnowledgeBuilder.resolveVersions(articles, today: "2026-11-29")
        let current = resolved.filter(\.1).map { $0.0 }
        #expect(current.compactMap(\.officialText).sorted() == ["b", "new", "危险驾驶"])
        #expect(current.contains { $0.id == "刑法#133-1" })
    }

    @Test(arguments: [
        ("{\"law\": \"x\"}", "article"),
        ("not json", "not a JSON object"),
        ("{\"law\": \"x\", \"article\": 1}", "text"),
        ("{\"law\": \"x\", \"article\": 1, \"text\": \"t\", \"effective\": \"2020/01/01\"}", "YYYY-MM-DD"),
    ])
    func malformedStatuteLinesAreReportedWithTheirLine(line: String, fragment: String) {
        let (_, diagnostics) = Importer.statutes(Data(("\n" + line + "\n").utf8), name: "s.jsonl")
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.location.line == 2)
        #expect(diagnostics.first?.message.contains(fragment) == true)
    }

    @Test func aVersionNotYetInForceIsNotCurrent() {
        let lines = """
        {"law": "某法", "article": 1, "text": "now", "effective": "2020-01-01"}
        {"law": "某法", "article": 1, "text": "later", "effective": "2099-01-01"}
        """
        let (articles, _) = Importer.statutes(Data(lines.utf8), name: "s")
        let current = KnowledgeBuilder.resolveVersions(articles, today: "2026-11-29").filter(\.1).map(\.0.officialText)
        #expect(current == ["now"])
    }

    @Test(arguments: [
        #"{"id": "a.b", "question": {"zh-TW": "甲", "zh-Hant": "乙"}}"#,
        #"{"id": "a.b", "question": {"en": "q"}, "citations": [{"law": "法", "article": 1.5}]}"#,
        #"{"id": "a.b", "question": {"en": "q"}, "citations": [{"law": "法", "article": true}]}"#,
        #"{"id": "a.b", "question": {"en": "q"}, "citations": [{"law": "法", "article": 3, "sub": 0}]}"#,
    ])
    func ambiguousFAQLinesAreErrors(line: String) {
        let (faqs, diagnostics) = Importer.faqs(Data(line.utf8), name: "f")
        #expect(faqs.isEmpty)
        #expect(diagnostics.count == 1)
    }

    @Test func faqQuestionsMayBeTextOrLists() {
        let line = #"{"id": "x.y", "topic": "labor", "question": {"zh-Hans": ["甲", "乙"], "en": "a"}, "answer": {"en": "b"}, "citations": [{"law": "某法", "article": 3}], "note": 1}"#
        let (faqs, diagnostics) = Importer.faqs(Data(line.utf8), name: "f.jsonl")
        #expect(diagnostics.isEmpty)
        #expect(faqs.first?.questions[.simplifiedChinese] == ["甲", "乙"])
        #expect(faqs.first?.citations == [StatuteReference(law: "某法", article: 3)])
    }
}

@Suite struct MatchExpressionTests {
    @Test func tokensAreQuotedAndQuotesDoubled() {
        #expect(MatchExpression(anyOf: ["a", "b\"c", "a", ""])?.text == #""a" OR "b""c""#)
        #expect(MatchExpression(anyOf: []) == nil)
    }
}

@Suite struct TranslationTests {
    @Test func translationsAddLanguagesToFAQsAndSayHowTheyWereChecked() {
        let dir = TemporaryDirectory()
        writeMiniSources(dir)
        dir.write("KnowledgeBase/translations/fr.txt", """
        faq: labor.wage-arrears
        checked: back-translated by an independent reviewer; meaning matches
        q.fr: Mon patron ne me paie pas
        a.fr: L'employeur doit payer le salaire chaque mois.

        faq: labor.wage-arrears
        checked: back-translated
        a.fr: Une deuxième réponse

        faq: no.such-faq
        checked: back-translated
        a.fr: x

        faq: labor.wage-arrears
        a.es: Sin comprobar
        """)
        let (sources, diagnostics) = SourceLoader.load(directory: dir.path + "/KnowledgeBase")
        let faq = sources.faqs.first { $0.id == "labor.wage-arrears" }
        #expect(faq?.answers[.french] == "L'employeur doit payer le salaire chaque mois.")
        #expect(faq?.questions[.french] == ["Mon patron ne me paie pas"])
        let messages = diagnostics.map(\.description)
        #expect(messages.contains { $0.contains("translations/fr.txt:8") && $0.contains("already has an answer in fr") })
        #expect(messages.contains { $0.contains("translations/fr.txt:10") && $0.contains("no FAQ `no.such-faq`") })
        #expect(messages.contains { $0.contains("translations/fr.txt:14") && $0.contains("checked:") })
    }
}
