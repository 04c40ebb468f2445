import Foundation
import HotlineText
import Testing
@testable import HotlineKnowledge

@Suite struct BuildTests {
    @Test func buildsAndSearchesWithTheSameAnalyser() throws {
        let dir = TemporaryDirectory()
        writeMiniSources(dir)
        let (sources, _) = SourceLoader.load(directory: dir.path + "/KnowledgeBase")
        let path = dir.path + "/kb.sqlite"
        let summary = try KnowledgeBuilder(sources: sources).build(to: path)
        #expect(summary.faqs == 2)
        let file = try KnowledgeBaseFile(path: path)
        #expect(file.contentHash == KnowledgeBuilder.contentHash(of: sources))
        let searcher = try file.searcher()
        let tokens = searcher.analyzer.analyze("老細唔出人工", language: .traditionalChinese).tokens.map(\.text)
        let hits = try searcher.searchFAQs(tokens, limit: 5)
        #expect(hits.first.flatMap { file.faqIndexByRowid[$0.rowid] }.map { file.faqs[$0].id } == "labor.wage-arrears")
        let article = try searcher.article(StatuteReference(law: "中华人民共和国劳动合同法", article: 30))
        #expect(article?.summaryEnglish?.contains("wages") == true)
        #expect(article?.officialText == nil)
    }

    @Test func importedOfficialTextBecomesCurrentAndKeepsOurEnglishSummary() throws {
        let dir = TemporaryDirectory()
        writeMiniSources(dir)
        var (sources, _) = SourceLoader.load(directory: dir.path + "/KnowledgeBase")
        let line = #"{"law": "中华人民共和国劳动合同法", "article": 30, "label": "第三十条", "text": "用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。", "version": "2013-07-01"}"#
        sources.articles += Importer.statutes(Data(line.utf8), name: "s").0
        let path = dir.path + "/kb.sqlite"
        try KnowledgeBuilder(sources: sources).build(to: path)
        let article = try KnowledgeBaseFile(path: path).searcher().article(StatuteReference(law: "中华人民共和国劳动合同法", article: 30))
        #expect(article?.officialText?.hasPrefix("用人单位应当按照") == true)
        #expect(article?.summaryEnglish != nil)
    }

    @Test func bracketsAndNULsInImportedTextAreKeptAndIndexed() throws {
        let dir = TemporaryDirectory()
        writeMiniSources(dir)
        var (sources, _) = SourceLoader.load(directory: dir.path + "/KnowledgeBase")
        let line = #"{"law": "某条例", "article": 7, "text": "甲条文⟦注 这里有押金条款⟧结尾\u0000后半段讲违约金"}"#
        sources.articles += Importer.statutes(Data(line.utf8), name: "s").0
        let path = dir.path + "/kb.sqlite"
        try KnowledgeBuilder(sources: sources).build(to: path)
        let searcher = try KnowledgeBaseFile(path: path).searcher()
        let article = try searcher.article(StatuteReference(law: "某条例", article: 7))
        #expect(article?.officialText?.hasSuffix("后半段讲违约金") == true)
        for question in ["押金条款", "违约金"] {
            let tokens = searcher.analyzer.analyze(question, language: .simplifiedChinese).tokens.map(\.text)
            #expect(try searcher.searchArticles(tokens, limit: 3).contains { $0.rowid == article?.rowid }, "\(question)")
        }
    }

    @Test func theCheapFingerprintHashesLikeTheFullLoad() {
        let dir = TemporaryDirectory()
        writeMiniSources(dir)
        dir.write("KnowledgeBase/dictionary.txt", "经济补偿金\n")
        let (loaded, _) = SourceLoader.load(directory: dir.path + "/KnowledgeBase")
        #expect(KnowledgeBuilder.contentHash(of: SourceLoader.fingerprint(directory: dir.path + "/KnowledgeBase")) == KnowledgeBuilder.contentHash(of: loaded))
    }

    @Test func aFailedBuildLeavesThePreviousFileInPlace() throws {
        let dir = TemporaryDirectory()
        writeMiniSources(dir)
        let (sources, _) = SourceLoader.load(directory: dir.path + "/KnowledgeBase")
        let path = dir.path + "/kb.sqlite"
        try KnowledgeBuilder(sources: sources).build(to: path)
        let before = try KnowledgeBaseFile(path: path).contentHash
        var broken = sources
        broken.faqs.append(broken.faqs[0]) // duplicate faq_id violates the UNIQUE constraint mid-build
        broken.fingerprintParts.append(("x", [1]))
        #expect(throws: (any Error).self) { try KnowledgeBuilder(sources: broken).build(to: path) }
        #expect(try KnowledgeBaseFile(path: path).contentHash == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("building") }
        #expect(leftovers.isEmpty)
    }

    @Test func aFileFromAnotherAnalyserIsRefused() throws {
        let dir = TemporaryDirectory()
        writeMiniSources(dir)
        let (sources, _) = SourceLoader.load(directory: dir.path + "/KnowledgeBase")
        let path = dir.path + "/kb.sqlite"
        try KnowledgeBuilder(sources: sources).build(to: path)
        let db = try SQLiteConnection(path: path, mode: .readWriteCreate)
        try db.execute("UPDATE meta SET value = 'hotline-analyzer/0' WHERE key = 'analyzer_version'")
        #expect { try KnowledgeBaseFile(path: path) } throws: { ($0 as? KnowledgeBaseError)?.code == .analyzerMismatch }
    }

    @Test(arguments: ["NEAR(", "\"", "*", "AND", "a AND b OR NOT c", "^", "列:值", "😀", String(repeating: "x", count: 10_000)])
    func hostileQueriesNeverReachFTSSyntax(text: String) throws {
        let dir = TemporaryDirectory()
        writeMiniSources(dir)
        let (sources, _) = SourceLoader.load(directory: dir.path + "/KnowledgeBase")
        let path = dir.path + "/kb.sqlite"
        try KnowledgeBuilder(sources: sources).build(to: path)
        let searcher = try KnowledgeBaseFile(path: path).searcher()
        let tokens = searcher.analyzer.analyze(text).tokens.map(\.text)
        _ = try searcher.searchFAQs(tokens, limit: 5)
        _ = try searcher.searchArticles(tokens, limit: 5)
        _ = try searcher.searchFAQs([text], limit: 5)
    }
}
