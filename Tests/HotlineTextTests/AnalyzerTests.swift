import Testing
@testable import HotlineText

/// One Chinese table per test process: building it costs ~20 ms.
let sharedChinese = ChineseScriptTable()

func analyzer(glossary: [TermLexicon.Entry] = []) -> Analyzer {
    Analyzer(resources: AnalyzerResources(chinese: sharedChinese, lexicon: TermLexicon(entries: glossary, chinese: sharedChinese)))
}

func texts(_ analysis: Analysis, _ kind: AnalyzedToken.Kind? = nil) -> Set<String> {
    Set(analysis.tokens.filter { kind == nil || $0.kind == kind }.map(\.text))
}

@Suite struct ChineseFoldingTests {
    @Test(arguments: [("老闆", "老板"), ("工資", "工资"), ("炒魷魚", "炒鱿鱼"), ("離婚", "离婚"), ("勞動仲裁", "劳动仲裁"), ("押金", "押金")])
    func traditionalFoldsToSimplified(traditional: String, simplified: String) {
        #expect(sharedChinese.fold(traditional) == simplified)
    }

    @Test func japaneseKanjiIsNotFolded() {
        let analysis = analyzer().analyze("離婚したいです", language: .japanese)
        #expect(texts(analysis).contains { $0.contains("離") })
    }

    @Test func simplifiedTextIsLeftAlone() {
        let text = "老板拖欠工资怎么办"
        #expect(sharedChinese.fold(text) == text)
    }
}

@Suite struct SegmentationTests {
    @Test(arguments: ["工伤", "欠薪", "离婚", "押金"])
    func twoCharacterTermsSurviveSegmentation(term: String) {
        let sentence = "请问\(term)的问题怎么处理"
        let tokens = texts(analyzer().analyze(sentence, language: .simplifiedChinese))
        #expect(tokens.contains(term))
    }

    @Test func dictionaryCompoundsAreKeptWhole() {
        let a = analyzer(glossary: [.init(language: nil, term: "经济补偿金", concept: nil), .init(language: nil, term: "劳动仲裁", concept: nil)])
        let tokens = texts(a.analyze("公司不给经济补偿金，我要申请劳动仲裁", language: .simplifiedChinese))
        #expect(tokens.contains("经济补偿金"))
        #expect(tokens.contains("劳动仲裁"))
    }

    @Test func cantoneseMeetsMandarinThroughTheGlossary() {
        let glossary: [TermLexicon.Entry] = [
            .init(language: .simplifiedChinese, term: "老板", concept: "employer"),
            .init(language: .traditionalChinese, term: "老細", concept: "employer"),
            .init(language: .simplifiedChinese, term: "工资", concept: "wage"),
            .init(language: .traditionalChinese, term: "人工", concept: "wage"),
            .init(language: .simplifiedChinese, term: "解雇", concept: "dismissal"),
            .init(language: .traditionalChinese, term: "炒魷魚", concept: "dismissal"),
            .init(language: .simplifiedChinese, term: "警察", concept: "police"),
            .init(language: .traditionalChinese, term: "差佬", concept: "police"),
        ]
        let a = analyzer(glossary: glossary)
        let cantonese = a.analyze("老細唔出人工仲炒咗我魷魚，要唔要搵差佬", language: .traditionalChinese).concepts
        #expect(cantonese.isSuperset(of: ["employer", "wage", "police"]))
        let mandarin = a.analyze("老板不发工资还把我解雇了", language: .simplifiedChinese).concepts
        #expect(mandarin.isSuperset(of: ["employer", "wage", "dismissal"]))
    }

    @Test(arguments: [("我有Q1签证", "family-visa"), ("未满18岁可以结婚吗", "minor")])
    func mixedScriptTermsMatch(text: String, concept: String) {
        let a = analyzer(glossary: [.init(language: .simplifiedChinese, term: "Q1签证", concept: "family-visa"),
                                    .init(language: .simplifiedChinese, term: "未满18岁", concept: "minor")])
        #expect(a.analyze(text, language: .simplifiedChinese).concepts.contains(concept))
    }

    @Test func koreanPhrasesMatchAcrossSpaces() {
        let a = analyzer(glossary: [.init(language: .korean, term: "자동차 사고", concept: "traffic-accident")])
        #expect(a.analyze("자동차 사고가 났어요", language: .korean).concepts.contains("traffic-accident"))
        #expect(a.analyze("자동차사고", language: .korean).concepts.contains("traffic-accident"))
    }

    @Test func glossaryPhrasesKeepTheirStopwords() {
        let a = analyzer(glossary: [.init(language: .english, term: "no will", concept: "intestacy")])
        #expect(!a.analyze("There is no problem", language: .english).concepts.contains("intestacy"))
        #expect(a.analyze("He died with no will", language: .english).concepts.contains("intestacy"))
    }

    @Test func frenchElisionIsRemoved() {
        let tokens = texts(analyzer().analyze("L'employeur ne paie pas l'indemnité", language: .french))
        #expect(tokens.contains { $0.hasPrefix("employeur") || $0.hasPrefix("emploi") })
        #expect(!tokens.contains { $0.hasPrefix("l'") })
    }

    @Test func frenchPluralsMeetTheGlossaryThroughStemming() {
        let a = analyzer(glossary: [.init(language: .french, term: "salaire", concept: "wage")])
        #expect(a.analyze("Mes salaires ne sont pas payés", language: .french).concepts.contains("wage"))
    }

    @Test func koreanParticlesAreStripped() {
        let tokens = texts(analyzer().analyze("비자가 만료되었어요", language: .korean))
        #expect(tokens.contains("비자"))
    }

    @Test func englishIsStemmed() {
        let tokens = texts(analyzer().analyze("My employer is not paying wages", language: .english))
        #expect(tokens.contains("wage"))
    }
}

@Suite struct LanguageDetectionTests {
    @Test(arguments: [
        ("老板拖欠工资怎么办", Language.simplifiedChinese),
        ("老闆唔出人工點算", .traditionalChinese),
        ("My landlord will not return my deposit", .english),
        ("Mon employeur ne me paie pas depuis deux mois", .french),
        ("Mi jefe no me paga el salario", .spanish),
        ("Mein Arbeitgeber zahlt meinen Lohn nicht", .german),
        ("Meu patrão não paga o meu salário", .portuguese),
        ("Работодатель не платит зарплату", .russian),
        ("صاحب العمل لا يدفع راتبي", .arabic),
        ("ビザの期限が切れました", .japanese),
        ("비자가 만료되었어요", .korean),
        ("Chủ lao động không trả lương cho tôi", .vietnamese),
        ("นายจ้างไม่จ่ายเงินเดือน", .thai),
    ])
    func detectsTheLanguage(text: String, expected: Language) {
        #expect(analyzer().detectLanguage(text) == expected)
    }

    @Test(arguments: ["zh-Hant-HK", "zh-TW", "yue", "zh-Hant"])
    func traditionalTags(tag: String) { #expect(Language(tag: tag) == .traditionalChinese) }

    @Test(arguments: ["zh-CN", "zh", "zh-Hans-CN"])
    func simplifiedTags(tag: String) { #expect(Language(tag: tag) == .simplifiedChinese) }

    @Test(arguments: ["auto", "", "xx", "tlh"])
    func unsupportedTags(tag: String) { #expect(Language(tag: tag) == nil) }
}

@Suite struct HostileTextTests {
    @Test(arguments: ["", "   ", "😀😀😀", "NEAR(", "\"", "*", "AND OR NOT", "\u{0}\u{1}", String(repeating: "欠薪", count: 5000), "a'b'c'd", "⟦fr⟧"])
    func anyTextAnalysesWithoutCrashing(text: String) {
        let analysis = analyzer().analyze(text)
        #expect(analysis.tokens.allSatisfy { !$0.text.isEmpty })
    }

    @Test func languageMarkersSwitchTheStemmer() {
        let tokens = analyzer().analyzeDocument("⟦en⟧wages\n⟦fr⟧salaires").map(\.text)
        #expect(tokens.contains("wage"))
        #expect(tokens.contains("salair"))
    }
}
