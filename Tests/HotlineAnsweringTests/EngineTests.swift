import Foundation
@testable import HotlineAnswering
import HotlineKnowledge
import HotlineText
import Testing

@Suite struct DecisionTests {
    @Test func aPlainWageQuestionIsAnsweredWithItsArticles() throws {
        let result = try makeEngine().answer("老板拖欠了我三个月工资，我该怎么办？")
        #expect(result.decision == .answer)
        #expect(result.faqMatches.first?.faq.id == "labor.wage-arrears")
        #expect(!result.citations.isEmpty)
        #expect(result.language == .simplifiedChinese)
    }

    @Test func cantoneseMeetsTheMandarinFAQ() throws {
        let result = try makeEngine().answer("老細拖咗我兩個月人工，點算好？")
        #expect(result.language == .traditionalChinese)
        #expect(result.faqMatches.first?.faq.id == "labor.wage-arrears")
    }

    @Test(arguments: [
        ("Mon employeur ne m'a pas payé mon salaire depuis trois mois, que faire ?", "fr"),
        ("Mi empleador no me ha pagado el salario desde hace tres meses", "es"),
        ("Работодатель не платит мне зарплату уже три месяца", "ru"),
    ])
    func otherLanguagesFindTheFAQThroughTheGlossary(text: String, tag: String) throws {
        let result = try makeEngine().answer(text, language: Language(tag: tag))
        #expect(result.faqMatches.prefix(3).contains { $0.faq.id.hasPrefix("labor.") && $0.faq.id.contains("wage") })
    }

    @Test(arguments: ["转人工", "我要找律师", "真人回答", "I want to talk to a lawyer", "human please", "Je veux parler à un avocat", "担当者に代わってください"])
    func askingForAPersonEscalates(text: String) throws {
        let result = try makeEngine().answer(text)
        #expect(result.decision == .escalate)
        #expect(result.escalation == .callerAskedForPerson)
    }

    @Test(arguments: ["老细拖欠人工怎么办", "How do I find a lawyer?", "请律师要多少钱", "人工智能会取代律师吗"])
    func wordsAloneDoNotAskForAPerson(text: String) throws {
        let result = try makeEngine().answer(text)
        #expect(result.escalation != .callerAskedForPerson)
    }

    @Test(arguments: ["救命，他正在打我", "Help, he is hitting me right now"])
    func urgentSituationsEscalateAtOnce(text: String) throws {
        let result = try makeEngine().answer(text)
        #expect(result.decision == .escalate)
        if case .urgent(_, let priority)? = result.escalation { #expect(priority == "urgent") } else { Issue.record("not urgent: \(String(describing: result.escalation))") }
    }

    @Test(arguments: ["今天广州天气怎么样", "Tell me a joke", "😀😀😀", "", "NEAR(", "\"", "*", "AND", "a\"b\"c OR NEAR(x y) *", String(repeating: "lorem ipsum ", count: 900), "\u{0}\u{7}\u{1B}[31m"])
    func nonLegalAndHostileInputGetsADecisionNotAnError(text: String) throws {
        let result = try makeEngine().answer(text)
        #expect(result.decision == .outOfScope || result.decision == .escalate)
    }
}

@Suite struct RelevanceTests {
    /// The in-memory BM25 of FAQs uses FTS5's formula over the frequencies the builder stored:
    /// scores agree within 10% (FTS5 counts some colocated repeats differently from our stored frequencies) and the
    /// FAQs ranked first agree.
    @Test func inMemoryBM25AgreesWithFTS5() throws {
        let engine = try makeEngine()
        let questions = try Evaluator.load(paths: [repositoryRoot + "/Tests/DevSet"]).prefix(150)
        var compared = 0, sameFirst = 0
        for question in questions {
            let (memory, fts) = try engine.compareRelevance(question.text, language: question.lang.flatMap { Language(tag: $0) })
            guard let best = fts.first else { #expect(memory.isEmpty); continue }
            compared += 1
            let fastScores = Dictionary(uniqueKeysWithValues: memory.map { ($0.rowid, $0.score) })
            if let fast = fastScores[best.rowid] { #expect(abs(fast - best.score) <= 0.1 * best.score, "\(question.id)") }
            if memory.first?.rowid == best.rowid || abs((memory.first?.score ?? 0) - best.score) <= 0.1 * best.score { sameFirst += 1 }
        }
        #expect(compared > 120)
        #expect(Double(sameFirst) >= 0.95 * Double(compared))
    }
}

@Suite struct RenderingTests {
    @Test func answersEndWithTheNoticeAndMarkSummaries() throws {
        let engine = try makeEngine()
        let renderer = AnswerRenderer(catalog: shippedCatalog)
        let text = renderer.render(try engine.answer("老板拖欠工资怎么办"))
        #expect(text.contains("非官方文本"))
        #expect(text.hasSuffix(shippedCatalog.text("notice.not-legal-advice", .simplifiedChinese, ["phone": "12348"])))
    }

    @Test func traditionalChineseCallersReadTraditional() throws {
        let renderer = AnswerRenderer(catalog: shippedCatalog)
        let text = renderer.render(try makeEngine().answer("老闆拖欠工資點算", language: .traditionalChinese))
        #expect(text.contains("資") || text.contains("勞"))
        #expect(!text.contains("工资"))
    }

    @Test func aLanguageWithoutTheAnswerSaysSoAndFallsBackToEnglish() throws {
        let renderer = AnswerRenderer(catalog: shippedCatalog)
        // German: no FAQ is translated into it.
        let result = try makeEngine().answer("Mein Vermieter gibt mir die Kaution nicht zurück", language: .german)
        let text = renderer.render(result)
        if result.decision == .answer { #expect(text.contains(shippedCatalog.text("answer.language-fallback", .german))) }
        #expect(text.contains("Anwalt") || text.contains("Rechts"))
    }

    @Test func everyLocaleHasEveryKey() {
        #expect(shippedCatalog.missingKeys().isEmpty)
        // Every language served has its own file, and every sentence the same placeholders.
        #expect(Set(shippedCatalog.languages) == Set(Language.allCases))
        #expect(shippedCatalog.placeholderMismatches().map { "\($0.0.tag) \($0.1)" } == [])
        #expect(shippedCatalog.languages.count == Language.allCases.count)
    }

    /// Question variants in other languages are indexed, which is fair only if every FAQ has them
    /// in every language served (zh-Hant reads the zh-Hans ones through the analyser's folding;
    /// German is not served); the 60 FAQs foreigners need most also have the answer itself.
    @Test func everyFAQHasAQuestionInEveryServedLanguage() {
        let (sources, _) = SourceLoader.load(directory: repositoryRoot + "/KnowledgeBase")
        let served = Language.allCases.filter { $0 != .german && $0 != .traditionalChinese }
        var missing: [String] = []
        for faq in sources.faqs {
            for language in served where faq.questions[language]?.isEmpty ?? true { missing.append("\(faq.id) \(language.tag)") }
        }
        #expect(missing == [])
        let translatedAnswers = served.map { language in sources.faqs.filter { $0.answers[language] != nil }.count }
        #expect(translatedAnswers.allSatisfy { $0 >= 60 }, "\(zip(served.map(\.tag), translatedAnswers).map { "\($0) \($1)" })")
    }
}

@Suite(.enabled(if: corpusAvailable, "needs ../shared/corpus")) struct OfficialTextTests {
    @Test func importedOfficialTextIsQuotedInsteadOfTheSummary() throws {
        let directory = TemporaryDirectory()
        var (sources, _) = SourceLoader.load(directory: repositoryRoot + "/KnowledgeBase")
        let data = try Data(contentsOf: URL(fileURLWithPath: corpusDirectory + "/statutes.jsonl"))
        let (articles, diagnostics) = Importer.statutes(data, name: "statutes.jsonl")
        #expect(diagnostics.isEmpty)
        sources.articles += articles
        let path = directory.path + "/kb.sqlite"
        try KnowledgeBuilder(sources: sources).build(to: path)
        let searcher = try KnowledgeBaseFile(path: path).searcher()
        let article = try #require(try searcher.article(StatuteReference(law: "中华人民共和国劳动合同法", article: 30)))
        #expect(article.officialText?.contains("劳动报酬") == true)
        #expect(article.summaryEnglish != nil)
        let renderer = AnswerRenderer(catalog: shippedCatalog)
        #expect(renderer.citationText(article, .simplifiedChinese).contains("官方文本"))
        #expect(renderer.citationText(article, .english).contains("summary of the official"))
        // The revised Public Security Administration Punishments Law (2026) renumbered articles:
        // the corpus's 2012 text must not replace our current summary of the new article.
        let revised = try #require(try searcher.article(StatuteReference(law: "中华人民共和国治安管理处罚法", article: 9)))
        #expect(revised.officialText == nil)
        #expect(revised.effective == "2026-01-01")
    }
}

@Suite struct DevSetTests {
    /// Floors from the issue, asserted on our own labelled dev sets (Tests/DevSet).
    @Test func devSetMeetsTheFloors() throws {
        let questions = try Evaluator.load(paths: [repositoryRoot + "/Tests/DevSet"])
        #expect(questions.count >= 300)
        let report = try Evaluator().evaluate(questions, engine: try makeEngine())
        print(report.table())
        #expect((report.row("zh-Hans")?.recallAt1 ?? 0) >= DevSetFloors.simplifiedChineseRecallAt1)
        for row in report.rows where row.group != "zh-Hans" && row.answerable >= 20 {
            #expect(row.recallAt1 >= DevSetFloors.otherLanguageRecallAt1, "\(row.group) recall@1 \(row.recallAt1)")
        }
        #expect(report.overall.notAnsweredRate >= DevSetFloors.notAnsweredRate)
        #expect(report.overall.escalatedRate <= DevSetFloors.answerableEscalatedRate)
    }

    /// The per-language sets (Tests/DevSet/languages: 30 answerable questions per language as
    /// people type them, and code-switched ones): floors at what we reach today, on the way to
    /// the 0.85 target of the languages issue.
    @Test func languageDevSetMeetsItsFloors() throws {
        let questions = try Evaluator.load(paths: [repositoryRoot + "/Tests/DevSet/languages"])
        let report = try Evaluator().evaluate(questions, engine: try makeEngine())
        print(report.table())
        for (language, floor) in DevSetFloors.languageRecallAt1 {
            #expect((report.row(language)?.recallAt1 ?? 0) >= floor, "\(language) recall@1 \(report.row(language)?.recallAt1 ?? 0) < \(floor)")
        }
        #expect(report.overall.notAnsweredRate >= DevSetFloors.notAnsweredRate)
    }

    /// Language identification ≥ 95% per language on questions of ≥ 20 code points; shorter ones
    /// are identified or asked about ("unknown → ask the caller"), never wrongly identified.
    @Test func languageIdentificationMeetsTheTarget() throws {
        let questions = try Evaluator.load(paths: [repositoryRoot + "/Tests/DevSet", repositoryRoot + "/Tests/DevSet/languages"])
        let report = Evaluator.languageIdentification(questions, analyzer: try makeEngine().searcher.analyzer)
        print(report.table())
        for row in report.rows where row.long >= 20 {
            #expect(Double(row.longCorrect) / Double(row.long) >= 0.95, "\(row.language.tag): \(row.longCorrect)/\(row.long)")
        }
        for row in report.rows { #expect(row.shortWrong == 0, "\(row.language.tag): \(row.shortWrong) short questions identified wrongly") }
    }
}

@Suite struct ConfigurationTests {
    @Test func everySettingCanBeSetFromAFile() {
        let properties = Set(Mirror(reflecting: EngineConfiguration()).children.compactMap(\.label))
        #expect(properties == Set(EngineConfiguration.integerKeys.keys).union(EngineConfiguration.realKeys.keys))
    }

    @Test(arguments: [#"{"answerTreshold": 0.3}"#, #"{"faqCandidates": 0}"#, #"{"faqCandidates": 2.5}"#, #"{"answerThreshold": "high"}"#, #"{"clarifyMargin": -1}"#, "[1]"])
    func badFilesAreRefusedWithAReason(json: String) throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/engine.json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: EngineConfiguration.InvalidValue.self) { try EngineConfiguration.load(path: path) }
    }

    @Test func aFileOverridesOnlyWhatItNames() throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/engine.json"
        try #"{"answerThreshold": 0.4, "faqCandidates": 10}"#.write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = try EngineConfiguration.load(path: path)
        var expected = EngineConfiguration()
        expected.answerThreshold = 0.4
        expected.faqCandidates = 10
        #expect(loaded == expected)
    }
}
