import Foundation
import HotlineKnowledge
import HotlineText

/// What the engine decided to do with a question.
public enum Decision: String, Sendable, Codable {
    /// The top FAQ answers it, with its cited articles.
    case answer
    /// Two or three FAQs are close: the caller picks one.
    case clarify
    /// A legal question we cannot answer confidently (or an urgent one, or the caller asked for
    /// a person): a lawyer takes it.
    case escalate
    /// Not a legal question.
    case outOfScope = "out_of_scope"
}

/// Why a question goes to a person.
public enum EscalationReason: Sendable, Equatable {
    case lowConfidence
    case callerAskedForPerson
    case urgent(trigger: String, priority: String)
}

public struct FAQMatch: Sendable {
    public var faq: FAQRecord
    /// Calibrated confidence in [0, 1].
    public var confidence: Double
    /// BM25 relevance from the FTS5 index.
    public var relevance: Double
    /// The question variant most similar to the question (index into the file's variants).
    public var bestVariant: Int?
    /// What candidates are ordered by: the confidence plus the relative BM25 relevance.
    public var rankingScore: Double
}

public struct ArticleMatch: Sendable {
    public var article: ArticleRecord
    /// BM25 relevance, squashed into [0, 1).
    public var score: Double
}

/// Everything the engine knows about one question.
public struct EngineResult: Sendable {
    public var language: Language
    public var decision: Decision
    public var confidence: Double
    public var faqMatches: [FAQMatch]
    public var articleMatches: [ArticleMatch]
    /// Articles the answer relies on (decision `answer`).
    public var citations: [ArticleRecord]
    /// FAQs offered to choose from (decision `clarify`).
    public var choices: [FAQRecord]
    public var escalation: EscalationReason?

    public init(language: Language, decision: Decision, confidence: Double, faqMatches: [FAQMatch], articleMatches: [ArticleMatch],
                citations: [ArticleRecord], choices: [FAQRecord], escalation: EscalationReason?) {
        self.language = language
        self.decision = decision
        self.confidence = confidence
        self.faqMatches = faqMatches
        self.articleMatches = articleMatches
        self.citations = citations
        self.choices = choices
        self.escalation = escalation
    }
}

/// Turns a question into a decision: FAQ-first BM25 retrieval through FTS5, re-ranked by a
/// calibrated confidence, then statute retrieval over the rarest tokens.
///
/// One engine per thread (it owns a searcher, whose connection and analyser are single-threaded).
public final class AnswerEngine {
    public let searcher: KnowledgeBaseSearcher
    public let configuration: EngineConfiguration
    private let phrases: PhraseMatcher
    /// Each vocabulary token's weight (IDF over the FAQs, scaled by its kind).
    private let tokenWeights: [Double]
    /// Σ of the token weights of each FAQ variant: the norm of the similarity measure.
    private let variantNorms: [Double]
    /// Scratch space, one slot per vocabulary token: the weight of the tokens of the question
    /// being ranked, zero elsewhere (reset after each question).
    private var questionWeights: [Double]
    /// Each FAQ's question-variant tokens, merged (ids, sorted, distinct): evidence spread over
    /// several variants of one FAQ adds up here.
    private let questionTokensByFAQ: [[Int32]]
    /// The FAQs' variants laid out flat for the ranking loop, which touches thousands of them per
    /// question (copying a variant value would cost two reference-count operations each): FAQ
    /// i's variants are `faqVariants[faqVariantStart[i]..<faqVariantStart[i + 1]]`, variant v's
    /// tokens `variantTokens[variantTokenStart[v]..<variantTokenStart[v + 1]]`.
    private let faqVariantStart: [Int]
    private let faqVariants: [Int32]
    private let variantTokenStart: [Int]
    private let variantTokens: [Int32]
    private let variantIsQuestion: [Bool]
    /// Per-FAQ BM25 accumulators (zero between questions).
    private var relevanceScratch: [Double]
    /// The weight of a word no FAQ contains (the highest IDF).
    private let maximumWordWeight: Double
    private var analyzer: Analyzer { searcher.analyzer }

    public init(file: KnowledgeBaseFile, configuration: EngineConfiguration = EngineConfiguration()) throws {
        try configuration.validate()
        searcher = try file.searcher()
        searcher.faqColumnWeights = (configuration.faqQuestionWeight, configuration.faqAnswerWeight, configuration.faqCitedWeight)
        self.configuration = configuration
        phrases = PhraseMatcher(sets: file.phraseSets, analyzer: searcher.analyzer)
        let weights = file.tokens.indices.map { AnswerEngine.tokenWeight(id: $0, file: file, configuration: configuration) }
        tokenWeights = weights
        variantNorms = file.variants.map { variant in variant.tokenIDs.reduce(0.0) { $0 + weights[Int($1)] } }
        questionWeights = [Double](repeating: 0, count: file.tokens.count)
        relevanceScratch = [Double](repeating: 0, count: file.faqs.count)
        maximumWordWeight = KnowledgeBaseFile.inverseDocumentFrequency(documents: Double(file.faqs.count), containing: 0)
        faqVariantStart = file.variantsByFAQ.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        faqVariants = file.variantsByFAQ.flatMap { $0.map(Int32.init) }
        variantTokenStart = file.variants.reduce(into: [0]) { $0.append($0.last! + $1.tokenIDs.count) }
        variantTokens = file.variants.flatMap(\.tokenIDs)
        variantIsQuestion = file.variants.map { $0.kind == .question }
        questionTokensByFAQ = file.variantsByFAQ.map { indices in
            Array(Set(indices.filter { file.variants[$0].kind == .question }.flatMap { file.variants[$0].tokenIDs })).sorted()
        }
    }

    public func answer(_ question: String, language requested: Language? = nil) throws -> EngineResult {
        let analysis = analyzer.analyze(question, language: requested)
        let language = analysis.language
        var distinct: [String] = []
        var seen = Set<String>()
        for token in analysis.tokens where seen.insert(token.text).inserted { distinct.append(token.text) }

        let faqMatches = rankFAQs(analysis.tokens)
        let articleMatches = try searchArticles(distinct)
        let top = faqMatches.first?.confidence ?? 0
        // Legal evidence: a glossary concept that is a legal issue (not a mere setting such as a
        // restaurant or Hong Kong), or a legal compound from the dictionary.
        let file = searcher.file
        let hasLegalConcept = !analysis.concepts.subtracting(file.contextConcepts).isEmpty
            || analysis.tokens.contains { $0.kind == .term && file.dictionaryTerms.contains($0.text) }

        var result = EngineResult(language: language, decision: .outOfScope, confidence: top, faqMatches: faqMatches,
                                  articleMatches: articleMatches, citations: [], choices: [], escalation: nil)
        let matchedPhrases = phrases.matches(question, analyzer: analyzer, language: language)
        if let trigger = matchedPhrases.first(where: { $0.kind == .trigger }) {
            result.decision = .escalate
            result.escalation = .urgent(trigger: trigger.id, priority: trigger.priority ?? "high")
            return result
        }
        if matchedPhrases.contains(where: { $0.kind == .handoff }) {
            result.decision = .escalate
            result.escalation = .callerAskedForPerson
            return result
        }
        let c = configuration
        // A question is legal when it names a legal concept or reads like statute text; only
        // then can a weak match become an escalation instead of "not a legal question".
        let isLegal = hasLegalConcept || (articleMatches.first?.score ?? 0) >= c.legalStatuteScore
        if !isLegal && top < c.nonLegalAnswerThreshold {
            result.decision = .outOfScope
            return result
        }
        let close = faqMatches.prefix(c.maxClarifyChoices).filter { $0.confidence >= max(c.clarifyThreshold, top - c.clarifyMargin) }
        if let best = faqMatches.first, top >= c.answerThreshold && close.count < 2 {
            result.decision = .answer
            result.citations = try best.faq.citations.compactMap { try searcher.article($0) }
        } else if close.count >= 2 {
            result.decision = .clarify
            result.choices = close.map(\.faq)
        } else if isLegal {
            result.decision = .escalate
            result.escalation = .lowConfidence
        } else {
            result.decision = .outOfScope
        }
        return result
    }

    /// The answer for an FAQ the caller picked from a clarify prompt: that FAQ with its cited
    /// articles, as confident as a pick by the caller is.
    public func answer(picked faq: FAQRecord, language: Language) throws -> EngineResult {
        let match = FAQMatch(faq: faq, confidence: 1, relevance: 0, bestVariant: nil, rankingScore: 1)
        return EngineResult(language: language, decision: .answer, confidence: 1, faqMatches: [match], articleMatches: [],
                            citations: try faq.citations.compactMap { try searcher.article($0) }, choices: [], escalation: nil)
    }

    /// Only the FAQ ranking of a question (no statutes, no decision): what the FAQ-matching
    /// benchmark measures.
    public func matchFAQs(_ question: String, language: Language? = nil) -> [FAQMatch] {
        rankFAQs(analyzer.analyze(question, language: language).tokens)
    }

    /// A token's weight: its inverse document frequency over the FAQs, scaled by its kind.
    static func tokenWeight(id: Int, file: KnowledgeBaseFile, configuration: EngineConfiguration) -> Double {
        let token = file.tokens[id]
        let idf = KnowledgeBaseFile.inverseDocumentFrequency(documents: Double(file.faqs.count), containing: Double(file.documentFrequency[id]))
        if token.hasPrefix("§") { return idf * configuration.conceptTokenWeight }
        if token.unicodeScalars.count == 1 { return idf * configuration.singleCharacterWeight }
        return idf
    }

    /// BM25 (``bm25Candidates(_:)``) picks the candidates; each is then scored by how well the
    /// question matches its best question variant, all its variants together and its answer
    /// (IDF-weighted token overlap), which is the calibrated confidence.
    private func rankFAQs(_ tokens: [AnalyzedToken]) -> [FAQMatch] {
        let file = searcher.file
        var ids: [Int32] = []
        var unknownWords = Set<String>()
        for token in tokens {
            if let id = file.vocabulary[token.text], Int(id) < file.variantVocabularyCount {
                if questionWeights[Int(id)] == 0 { questionWeights[Int(id)] = 1; ids.append(id) }
            } else if token.kind == .word {
                unknownWords.insert(token.text)
            }
        }
        defer { for id in ids { questionWeights[Int(id)] = 0 } }
        guard !ids.isEmpty else { return [] }
        ids.sort { tokenWeights[Int($0)] > tokenWeights[Int($1)] }
        for (rank, id) in ids.enumerated() { questionWeights[Int(id)] = rank < configuration.faqQueryTokens ? tokenWeights[Int(id)] : 0 }
        let queryIDs = ids.prefix(configuration.faqQueryTokens)
        // Words no FAQ contains still belong to the question: they lower every coverage, which is
        // what tells "天气怎么样" (nothing of it known) from a real question.
        let unknownWeight = Double(unknownWords.count) * maximumWordWeight * configuration.unknownWordWeight
        let queryWeight = queryIDs.reduce(0) { $0 + tokenWeights[Int($1)] } + unknownWeight
        let hits = bm25Candidates(queryIDs)
        let c = configuration
        let topRelevance = max(1e-9, hits.map(\.score).max() ?? 1)
        var matches: [FAQMatch] = []
        matches.reserveCapacity(hits.count)
        for hit in hits {
            guard let index = file.faqIndexByRowid[hit.rowid] else { continue }
            var bestVariant = 0.0
            var bestVariantIndex: Int? = nil
            var answerCoverage = 0.0
            faqVariants.withUnsafeBufferPointer { variants in
                variantTokens.withUnsafeBufferPointer { tokens in
                    questionWeights.withUnsafeBufferPointer { weights in
                        for slot in faqVariantStart[index]..<faqVariantStart[index + 1] {
                            let variant = Int(variants[slot])
                            var overlap = 0.0
                            for position in variantTokenStart[variant]..<variantTokenStart[variant + 1] { overlap += weights[Int(tokens[position])] }
                            let questionCoverage = overlap / max(1e-9, queryWeight)
                            if variantIsQuestion[variant] {
                                // Most variants (those in other languages) share nothing with the
                                // question: their similarity is 0, so skip the two `pow` calls.
                                if overlap == 0 {
                                    if bestVariantIndex == nil { bestVariantIndex = variant }
                                    continue
                                }
                                let variantCoverage = overlap / max(1e-9, variantNorms[variant])
                                let similarity = pow(questionCoverage, c.questionCoverageExponent) * pow(variantCoverage, 1 - c.questionCoverageExponent)
                                if similarity > bestVariant || bestVariantIndex == nil {
                                    bestVariant = similarity
                                    bestVariantIndex = variant
                                }
                            } else {
                                answerCoverage = max(answerCoverage, questionCoverage)
                            }
                        }
                    }
                }
            }
            // Confidence: how well the question is matched by the FAQ's wording, in [0, 1] and
            // comparable across questions. BM25 relevance relative to the best candidate only
            // orders the candidates (it says nothing absolute: some FAQ is always the best).
            var unionOverlap = 0.0
            for id in questionTokensByFAQ[index] { unionOverlap += questionWeights[Int(id)] }
            let unionCoverage = unionOverlap / max(1e-9, queryWeight)
            let confidence = (c.variantWeight * bestVariant + c.answerWeight * answerCoverage + c.questionsCoverageWeight * unionCoverage)
                / max(1e-9, c.variantWeight + c.answerWeight + c.questionsCoverageWeight)
            matches.append(FAQMatch(faq: file.faqs[index], confidence: min(1, confidence), relevance: hit.score, bestVariant: bestVariantIndex,
                                    rankingScore: confidence + c.relevanceWeight * hit.score / topRelevance))
        }
        return matches.sorted { ($0.rankingScore, $0.confidence) > ($1.rankingScore, $1.confidence) }
    }

    /// The FAQ candidates of a question by the in-memory BM25 and by FTS5's `bm25()` over the
    /// same tokens and weights: the two must rank alike (checked by the tests and available to
    /// an administrator who suspects the index).
    public func compareRelevance(_ question: String, language: Language? = nil) throws -> (inMemory: [SearchHit], fts5: [SearchHit]) {
        let file = searcher.file
        var seen = Set<Int32>()
        var ids: [Int32] = []
        for token in analyzer.analyze(question, language: language).tokens {
            if let id = file.vocabulary[token.text], Int(id) < file.variantVocabularyCount, seen.insert(id).inserted { ids.append(id) }
        }
        ids.sort { tokenWeights[Int($0)] > tokenWeights[Int($1)] }
        let query = ids.prefix(configuration.faqQueryTokens)
        return (bm25Candidates(query), try searcher.searchFAQs(query.map { file.tokens[Int($0)] }, limit: configuration.faqCandidates))
    }

    /// The best FAQs by BM25 over questions, answers and cited articles, computed in memory from
    /// the per-column term frequencies the builder stored: FTS5's `bm25()` formula and weights
    /// over `faq_index` (a test holds the two within 10% and to the same best FAQ; FTS5 counts some colocated repeats differently),
    /// without an SQLite query per question: the FAQ set is small, and this is the hot path
    /// (≈ 80 µs instead of ≈ 450 µs per question).
    private func bm25Candidates(_ ids: ArraySlice<Int32>) -> [SearchHit] {
        let file = searcher.file
        let n = Double(file.faqs.count)
        let (k1, b) = (1.2, 0.75)
        let c = configuration
        var touched: [Int] = []
        for id in ids {
            let postings = file.termPostings[Int(id)]
            guard !postings.isEmpty else { continue }
            let hitCount = Double(postings.count)
            var idf = log((n - hitCount + 0.5) / (hitCount + 0.5))
            if idf <= 0 { idf = 1e-6 }
            for posting in postings {
                let frequency = c.faqQuestionWeight * Double(posting.questions) + c.faqAnswerWeight * Double(posting.answers) + c.faqCitedWeight * Double(posting.cited)
                guard frequency > 0 else { continue }
                let faq = Int(posting.faq)
                let lengthRatio = file.faqLengths[faq] / file.averageFAQLength
                if relevanceScratch[faq] == 0 { touched.append(faq) }
                relevanceScratch[faq] += idf * frequency * (k1 + 1) / (frequency + k1 * (1 - b + b * lengthRatio))
            }
        }
        var hits = touched.map { SearchHit(rowid: file.faqs[$0].rowid, score: relevanceScratch[$0]) }
        for faq in touched { relevanceScratch[faq] = 0 }
        hits.sort { ($0.score, $1.rowid) > ($1.score, $0.rowid) }
        return Array(hits.prefix(c.faqCandidates))
    }

    /// Statute articles by BM25 over the question's rarest tokens only: FTS5 scores every OR
    /// match, so common tokens would make the query slow and add nothing.
    private func searchArticles(_ tokens: [String]) throws -> [ArticleMatch] {
        let total = max(1, searcher.articleCount)
        let ceiling = max(1, Int(Double(total) * configuration.statuteMaxDocumentShare))
        var rare: [String] = []
        var postings = 0
        for (token, frequency) in tokens.map({ ($0, searcher.articleDocumentFrequency($0)) }).filter({ $0.1 > 0 && $0.1 <= ceiling }).sorted(by: { $0.1 < $1.1 }) {
            // Bound the work FTS5 does (it scores every matching row): the rarest tokens first,
            // until the posting lists to merge reach the budget.
            if rare.count >= configuration.statuteQueryTokens || (postings + frequency > configuration.statutePostingBudget && !rare.isEmpty) { break }
            rare.append(token)
            postings += frequency
        }
        let hits = try searcher.searchArticles(rare, limit: configuration.statuteMatches)
        return try hits.compactMap { hit in
            try searcher.article(rowid: hit.rowid).map { ArticleMatch(article: $0, score: hit.score / (hit.score + 10)) }
        }
    }
}
