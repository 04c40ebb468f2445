import Foundation
import HotlineText

/// Why a knowledge-base file cannot be used.
public struct KnowledgeBaseError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable { case missing, unreadable, schemaMismatch, analyzerMismatch }
    public var code: Code
    public var message: String
    public var description: String { message }
}

/// A compiled FAQ as the answering layer needs it.
public struct FAQRecord: Sendable, Hashable {
    public var rowid: Int64
    public var id: String
    public var topic: String
    public var questions: [Language: [String]]
    public var answers: [Language: String]
    public var citations: [StatuteReference]
}

/// The current version of a statute article, with our summary and the official text when imported.
public struct ArticleRecord: Sendable, Hashable {
    public var rowid: Int64
    public var reference: StatuteReference
    public var lawEnglishTitle: String?
    public var label: String
    public var officialText: String?
    public var summaryChinese: String?
    public var summaryEnglish: String?
    public var effective: String?
    public var id: String { reference.id }
}

/// One question variant (or answer) of an FAQ with its analysed token set: the answering layer
/// compares a question with each variant to calibrate its confidence.
public struct FAQVariant: Sendable {
    public enum Kind: String, Sendable { case question = "q", answer = "a" }
    public var faq: Int
    public var kind: Kind
    public var language: Language
    public var text: String
    /// Distinct analysed tokens, as ids into ``KnowledgeBaseFile/vocabulary``.
    public var tokenIDs: [Int32]
}

/// A knowledge-base file opened for reading: the shared, immutable part (metadata, lexicon,
/// FAQs, variants). Each thread opens its own ``KnowledgeBaseSearcher`` from it.
public struct KnowledgeBaseFile: Sendable {
    public let path: String
    public let meta: [String: String]
    public let resources: AnalyzerResources
    public let faqs: [FAQRecord]
    public let faqIndexByRowid: [Int64: Int]
    public let variants: [FAQVariant]
    /// Indices into ``variants`` for each FAQ (by index in ``faqs``).
    public let variantsByFAQ: [[Int]]
    /// Every token of the FAQ variants and answers, interned: comparing integers instead of
    /// strings is what keeps FAQ matching within microseconds.
    public let vocabulary: [String: Int32]
    /// The token of each id.
    public let tokens: [String]
    /// In how many FAQs each token (by id) occurs, in questions or answers.
    public let documentFrequency: [Int32]
    /// Ids below this are tokens of question variants and answers (what confidence is built
    /// from); ids above occur only in cited article summaries (BM25 only).
    public let variantVocabularyCount: Int
    /// Per token id, the FAQs whose indexed text contains it, with per-column frequencies.
    public let termPostings: [[FAQPosting]]
    /// Each FAQ's indexed length in tokens (all columns), and the average: BM25's |D| and avgdl.
    public let faqLengths: [Double]
    public let averageFAQLength: Double
    public let phraseSets: [PhraseSet]
    /// Glossary concepts that are settings, not legal issues (see ``GlossaryConcept/isContext``).
    public let contextConcepts: Set<String>
    /// Dictionary terms (legal compounds) as the analyser emits them.
    public let dictionaryTerms: Set<String>
    public let laws: [String: (englishTitle: String, aliases: [String])]

    public var contentHash: String { meta["content_hash"] ?? "" }

    /// Opens and validates a compiled knowledge base (read-only).
    public init(path: String, chinese: ChineseScriptTable = ChineseScriptTable()) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw KnowledgeBaseError(code: .missing, message: "no knowledge base at \(path)")
        }
        let db: SQLiteConnection
        var meta: [String: String] = [:]
        do {
            db = try SQLiteConnection(path: path, mode: .readOnly)
            for row in try db.rows("SELECT key, value FROM meta") { meta[row[0] ?? ""] = row[1] ?? "" }
        } catch {
            throw KnowledgeBaseError(code: .unreadable, message: "\(path) is not a LegalHotline knowledge base (\(error))")
        }
        guard meta["schema_version"] == Schema.version else {
            throw KnowledgeBaseError(code: .schemaMismatch, message: "\(path) has schema \(meta["schema_version"] ?? "?"), this build reads \(Schema.version): rebuild it with `hotline kb build`")
        }
        guard meta["analyzer_version"] == AnalyzerResources.version else {
            throw KnowledgeBaseError(code: .analyzerMismatch, message: "\(path) was indexed by \(meta["analyzer_version"] ?? "?"), this build analyses with \(AnalyzerResources.version): rebuild it with `hotline kb build`")
        }
        self.path = path
        self.meta = meta
        do {
            var entries: [TermLexicon.Entry] = []
            for row in try db.rows("SELECT language, term, concept FROM lexicon ORDER BY rowid") {
                entries.append(.init(language: row[0].flatMap { Language(tag: $0) }, term: row[1] ?? "", concept: row[2]))
            }
            resources = AnalyzerResources(chinese: chinese, lexicon: TermLexicon(entries: entries, chinese: chinese))
            let plain = Analyzer(resources: resources)
            dictionaryTerms = Set(entries.filter { $0.concept == nil }.map { plain.normalize($0.term, language: .simplifiedChinese) })
            contextConcepts = Set(try db.rows("SELECT concept FROM context_concepts").compactMap { $0[0] })
            let decoder = JSONDecoder()
            var faqs: [FAQRecord] = []
            for row in try db.rows("SELECT id, faq_id, topic, questions, answers, citations FROM faqs ORDER BY id") {
                let questions = try decoder.decode([String: [String]].self, from: Data((row[3] ?? "{}").utf8))
                let answers = try decoder.decode([String: String].self, from: Data((row[4] ?? "{}").utf8))
                let citations = try decoder.decode([String].self, from: Data((row[5] ?? "[]").utf8))
                faqs.append(FAQRecord(
                    rowid: Int64(row[0] ?? "0") ?? 0, id: row[1] ?? "", topic: row[2] ?? "",
                    questions: Dictionary(uniqueKeysWithValues: questions.compactMap { k, v in Language(tag: k).map { ($0, v) } }),
                    answers: Dictionary(uniqueKeysWithValues: answers.compactMap { k, v in Language(tag: k).map { ($0, v) } }),
                    citations: citations.compactMap(StatuteReference.init(id:))
                ))
            }
            self.faqs = faqs
            let indexByRowid = Dictionary(uniqueKeysWithValues: faqs.enumerated().map { ($1.rowid, $0) })
            faqIndexByRowid = indexByRowid
            var vocabulary: [String: Int32] = [:]
            var tokens: [String] = []
            func intern(_ token: String) -> Int32 {
                if let id = vocabulary[token] { return id }
                let id = Int32(tokens.count)
                vocabulary[token] = id
                tokens.append(token)
                return id
            }
            variants = try db.rows("SELECT faq, kind, language, tokens, text FROM faq_variants ORDER BY rowid").compactMap { row in
                guard let rowid = Int64(row[0] ?? ""), let index = indexByRowid[rowid], let language = Language(tag: row[2] ?? "") else { return nil }
                let ids = (row[3] ?? "").split(separator: " ").map { intern(String($0)) }
                return FAQVariant(faq: index, kind: FAQVariant.Kind(rawValue: row[1] ?? "q") ?? .question, language: language, text: row[4] ?? "",
                                  tokenIDs: Array(Set(ids)).sorted())
            }
            var byFAQ = [[Int]](repeating: [], count: faqs.count)
            var perFAQTokens = [Set<Int32>](repeating: [], count: faqs.count)
            for (index, variant) in variants.enumerated() {
                byFAQ[variant.faq].append(index)
                perFAQTokens[variant.faq].formUnion(variant.tokenIDs)
            }
            var frequency = [Int32](repeating: 0, count: tokens.count)
            for set in perFAQTokens { for id in set { frequency[Int(id)] += 1 } }
            variantsByFAQ = byFAQ
            variantVocabularyCount = tokens.count
            var postings = [[FAQPosting]](repeating: [], count: tokens.count)
            for row in try db.rows("SELECT faq, token, questions, answers, cited FROM faq_terms ORDER BY faq") {
                guard let rowid = Int64(row[0] ?? ""), let index = indexByRowid[rowid] else { continue }
                let id = Int(intern(row[1] ?? ""))
                if id >= postings.count { postings.append([]) }
                postings[id].append(FAQPosting(faq: Int32(index), questions: Float(row[2] ?? "0") ?? 0,
                                               answers: Float(row[3] ?? "0") ?? 0, cited: Float(row[4] ?? "0") ?? 0))
            }
            termPostings = postings
            documentFrequency = frequency + [Int32](repeating: 0, count: tokens.count - frequency.count)
            var lengths = [Double](repeating: 0, count: faqs.count)
            for row in try db.rows("SELECT faq, length FROM faq_lengths") {
                guard let rowid = Int64(row[0] ?? ""), let index = indexByRowid[rowid] else { continue }
                lengths[index] = Double(row[1] ?? "0") ?? 0
            }
            faqLengths = lengths
            averageFAQLength = max(1, lengths.reduce(0, +) / Double(max(1, lengths.count)))
            self.vocabulary = vocabulary
            self.tokens = tokens
            var sets: [String: PhraseSet] = [:]
            for row in try db.rows("SELECT kind, set_id, priority, language, phrase FROM phrases ORDER BY rowid") {
                guard let kind = PhraseSet.Kind(rawValue: row[0] ?? ""), let language = Language(tag: row[3] ?? "") else { continue }
                let key = "\(kind.rawValue):\(row[1] ?? "")"
                var set = sets[key] ?? PhraseSet(kind: kind, id: row[1] ?? "", priority: row[2], phrases: [:], location: SourceLocation(file: path, line: 0))
                set.phrases[language, default: []].append(row[4] ?? "")
                sets[key] = set
            }
            phraseSets = sets.values.sorted { $0.id < $1.id }
            var laws: [String: (englishTitle: String, aliases: [String])] = [:]
            for row in try db.rows("SELECT title, title_en, aliases FROM laws") {
                laws[row[0] ?? ""] = (row[1] ?? "", (row[2] ?? "").split(separator: "\n").map(String.init))
            }
            self.laws = laws
        } catch let error as KnowledgeBaseError {
            throw error
        } catch {
            throw KnowledgeBaseError(code: .unreadable, message: "\(path) cannot be read: \(error)")
        }
    }

    /// BM25's inverse document frequency (always positive).
    public static func inverseDocumentFrequency(documents n: Double, containing df: Double) -> Double {
        log(1 + (n - df + 0.5) / (df + 0.5))
    }

    /// A searcher for the calling thread.
    public func searcher() throws -> KnowledgeBaseSearcher { try KnowledgeBaseSearcher(file: self) }
}

/// One FAQ's occurrences of a token, per indexed column (questions, answers, cited articles).
public struct FAQPosting: Sendable {
    public var faq: Int32
    public var questions: Float
    public var answers: Float
    public var cited: Float
}

/// A scored search hit: the row and its BM25 relevance (higher is better).
public struct SearchHit: Sendable, Hashable {
    public var rowid: Int64
    public var score: Double
    public init(rowid: Int64, score: Double) {
        self.rowid = rowid
        self.score = score
    }
}

/// Per-thread access to a knowledge base: its own read-only connection, tokenizer and analyser.
/// Not thread-safe; cheap enough to keep one per worker thread.
public final class KnowledgeBaseSearcher {
    public let file: KnowledgeBaseFile
    public let analyzer: Analyzer
    private let db: SQLiteConnection
    private let faqQuery: SQLiteStatement
    private let articleQuery: SQLiteStatement
    private let articleByID: SQLiteStatement
    private let articleByRowid: SQLiteStatement
    private let articleVocab: SQLiteStatement
    private var articleFrequencies: [String: Int] = [:]
    public let faqCount: Int
    public let articleCount: Int

    /// Column weights of BM25: question variants count most, then answers, then cited articles.
    public var faqColumnWeights: (questions: Double, answers: Double, cited: Double) = (6, 1.5, 0.5)

    init(file: KnowledgeBaseFile) throws {
        self.file = file
        analyzer = Analyzer(resources: file.resources)
        db = try SQLiteConnection(path: file.path, mode: .immutable)
        // The file may have been replaced (by renaming a new build over it) since `file` was
        // read: a searcher must never pair one file's index with another's vocabulary.
        let hash = try db.rows("SELECT value FROM meta WHERE key = 'content_hash'").first?.first ?? nil
        guard hash == file.meta["content_hash"] else {
            throw KnowledgeBaseError(code: .unreadable, message: "\(file.path) changed since it was loaded: reload the knowledge base")
        }
        try HotlineTokenizer.register(on: db, resources: file.resources)
        faqQuery = try db.prepare("SELECT rowid, -bm25(faq_index, ?2, ?3, ?4) AS score FROM faq_index WHERE faq_index MATCH ?1 ORDER BY score DESC LIMIT ?5")
        articleQuery = try db.prepare("SELECT rowid, -bm25(article_index, 1.0, 2.0) AS score FROM article_index WHERE article_index MATCH ?1 ORDER BY score DESC LIMIT ?2")
        articleByID = try db.prepare("""
            SELECT a.id, a.statute_id, a.law_en, a.label, a.official_text, s.zh, s.en, a.effective
            FROM articles a LEFT JOIN summaries s ON s.statute_id = a.statute_id
            WHERE a.statute_id = ?1 AND a.is_current = 1 LIMIT 1
            """)
        articleByRowid = try db.prepare("""
            SELECT a.id, a.statute_id, a.law_en, a.label, a.official_text, s.zh, s.en, a.effective
            FROM articles a LEFT JOIN summaries s ON s.statute_id = a.statute_id WHERE a.id = ?1
            """)
        articleVocab = try db.prepare("SELECT doc FROM article_vocab WHERE term = ?1")
        faqCount = file.faqs.count
        articleCount = Int(file.meta["article_count"] ?? "0") ?? 0
    }

    /// In how many current articles a token occurs. Cached: the vocabulary does not change while
    /// the file is open; the cache is bounded so a stream of novel words cannot grow it forever.
    public func articleDocumentFrequency(_ token: String) -> Int {
        if let cached = articleFrequencies[token] { return cached }
        let value = (try? frequency(articleVocab, token)) ?? 0
        if articleFrequencies.count > 200_000 { articleFrequencies.removeAll(keepingCapacity: true) }
        articleFrequencies[token] = value
        return value
    }

    private func frequency(_ statement: SQLiteStatement, _ token: String) throws -> Int {
        try statement.bind([.text(token)])
        defer { statement.reset() }
        return try statement.step() ? Int(statement.int(0)) : 0
    }

    /// FAQs matching any of `tokens`, best first.
    public func searchFAQs(_ tokens: [String], limit: Int) throws -> [SearchHit] {
        guard let pattern = MatchExpression(anyOf: tokens) else { return [] }
        let w = faqColumnWeights
        try faqQuery.bind([.text(pattern.text), .real(w.questions), .real(w.answers), .real(w.cited), .integer(Int64(limit))])
        defer { faqQuery.reset() }
        var hits: [SearchHit] = []
        while try faqQuery.step() { hits.append(SearchHit(rowid: faqQuery.int(0), score: faqQuery.double(1))) }
        return hits
    }

    /// Current articles matching any of `tokens`, best first.
    public func searchArticles(_ tokens: [String], limit: Int) throws -> [SearchHit] {
        guard let pattern = MatchExpression(anyOf: tokens) else { return [] }
        try articleQuery.bind([.text(pattern.text), .integer(Int64(limit))])
        defer { articleQuery.reset() }
        var hits: [SearchHit] = []
        while try articleQuery.step() { hits.append(SearchHit(rowid: articleQuery.int(0), score: articleQuery.double(1))) }
        return hits
    }

    /// The current version of an article.
    public func article(_ reference: StatuteReference) throws -> ArticleRecord? {
        try articleByID.bind([.text(reference.id)])
        defer { articleByID.reset() }
        return try articleByID.step() ? articleRow(articleByID) : nil
    }

    public func article(rowid: Int64) throws -> ArticleRecord? {
        try articleByRowid.bind([.integer(rowid)])
        defer { articleByRowid.reset() }
        return try articleByRowid.step() ? articleRow(articleByRowid) : nil
    }

    private func articleRow(_ s: SQLiteStatement) -> ArticleRecord? {
        guard let reference = StatuteReference(id: s.string(1) ?? "") else { return nil }
        return ArticleRecord(rowid: s.int(0), reference: reference, lawEnglishTitle: s.string(2), label: s.string(3) ?? "",
                             officialText: s.string(4), summaryChinese: s.string(5), summaryEnglish: s.string(6), effective: s.string(7))
    }
}

/// An FTS5 MATCH expression built only from analysed tokens: each token is one quoted string
/// (a `"` inside doubled), joined with OR. User text never reaches FTS5's query syntax, so
/// `NEAR(`, `AND`, `*` and stray quotes are just words.
public struct MatchExpression: Sendable, Hashable {
    public let text: String

    public init?(anyOf tokens: [String]) {
        var seen = Set<String>()
        var parts: [String] = []
        for token in tokens where !token.isEmpty && seen.insert(token).inserted {
            parts.append("\"" + (token.utf8.contains(UInt8(ascii: "\"")) ? token.replacing("\"", with: "\"\"") : token) + "\"")
        }
        guard !parts.isEmpty else { return nil }
        text = parts.joined(separator: " OR ")
    }
}
