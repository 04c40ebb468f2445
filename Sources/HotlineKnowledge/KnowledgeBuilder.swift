import Crypto
import Foundation
import HotlineText

/// Compiles ``KnowledgeSources`` into one SQLite file.
///
/// The file is written beside the target under a temporary name and renamed over it only when
/// complete: a failed build never replaces the previous knowledge base.
public struct KnowledgeBuilder: Sendable {
    public struct Summary: Sendable {
        public var faqs: Int
        public var articles: Int
        public var currentArticles: Int
        public var concepts: Int
        public var contentHash: String
        public var seconds: Double
    }

    public enum Progress: Sendable {
        case phase(String)
        case articles(done: Int, total: Int)
    }

    public var sources: KnowledgeSources

    public init(sources: KnowledgeSources) { self.sources = sources }

    /// The content hash a build of these sources gets: SHA-256 over the schema and analyser
    /// versions and every source and import byte.
    public static func contentHash(of sources: KnowledgeSources) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("schema:\(Schema.version)\nanalyzer:\(AnalyzerResources.version)\n".utf8))
        for (name, bytes) in sources.fingerprintParts {
            hasher.update(data: Array("\(name)\n\(bytes.count)\n".utf8))
            hasher.update(data: bytes)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Picks, for each article id, the current version: the newest `effective` (else `version`)
    /// date, the later input when dates tie or are missing. Returns versions in input order
    /// with a flag.
    static func resolveVersions(_ articles: [StatuteArticle], today: String) -> [(StatuteArticle, Bool)] {
        var best: [String: Int] = [:]
        for (index, article) in articles.enumerated() {
            // A version not yet in force is kept as history until its day comes (rebuild then).
            if let effective = article.effective, effective > today { continue }
            guard let current = best[article.id] else { best[article.id] = index; continue }
            let a = articles[current].orderingDate ?? ""
            let b = article.orderingDate ?? ""
            if b >= a { best[article.id] = index }
        }
        return articles.enumerated().map { index, article in
            var isCurrent = best[article.id] == index
            if isCurrent, let repealed = article.repealed, repealed <= today { isCurrent = false }
            return (article, isCurrent)
        }
    }

    @discardableResult
    public func build(to path: String, progress: (Progress) -> Void = { _ in }) throws -> Summary {
        let started = Date()
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let temporary = path + ".building-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            let summary = try write(to: temporary, started: started, progress: progress)
            if rename(temporary, path) != 0 { throw SQLiteError(code: 0, message: "cannot move \(temporary) to \(path)") }
            return summary
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    private func write(to path: String, started: Date, progress: (Progress) -> Void) throws -> Summary {
        progress(.phase("lexicon"))
        let chinese = ChineseScriptTable()
        let lexicon = TermLexicon(entries: sources.lexiconEntries, chinese: chinese)
        let resources = AnalyzerResources(chinese: chinese, lexicon: lexicon)
        let analyzer = Analyzer(resources: resources)
        let db = try SQLiteConnection(path: path, mode: .readWriteCreate)
        try HotlineTokenizer.register(on: db, resources: resources)
        try db.execute("PRAGMA journal_mode=OFF; PRAGMA synchronous=FULL; PRAGMA page_size=8192; PRAGMA cache_size=-262144;")
        try db.execute(Schema.create)
        // Bulk load: no incremental segment merges while inserting; one 'optimize' at the end.
        try db.execute("INSERT INTO article_index(article_index, rank) VALUES('automerge', 0); INSERT INTO article_index(article_index, rank) VALUES('crisismerge', 64);")
        let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        let hash = Self.contentHash(of: sources)
        let versions = Self.resolveVersions(sources.articles, today: today)
        let summaries = Dictionary(sources.articles.filter { $0.summaryChinese != nil || $0.summaryEnglish != nil }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var currentCount = 0
        try db.transaction {
            let insertMeta = try db.prepare("INSERT INTO meta(key, value) VALUES (?, ?)")
            for (key, value) in [
                ("schema_version", Schema.version), ("analyzer_version", AnalyzerResources.version),
                ("content_hash", hash), ("built_at", ISO8601DateFormatter().string(from: Date())),
            ] {
                try insertMeta.run([.text(key), .text(value)])
            }
            let insertLaw = try db.prepare("INSERT INTO laws(title, title_en, aliases, effective, version) VALUES (?, ?, ?, ?, ?)")
            for law in sources.laws.values.sorted(by: { $0.title < $1.title }) {
                try insertLaw.run([.text(law.title), .text(law.englishTitle), .text(law.aliases.joined(separator: "\n")), law.effective.map(SQLiteValue.text) ?? .null, law.version.map(SQLiteValue.text) ?? .null])
            }
            let insertSummary = try db.prepare("INSERT INTO summaries(statute_id, zh, en) VALUES (?, ?, ?)")
            for (id, article) in summaries.sorted(by: { $0.key < $1.key }) {
                try insertSummary.run([.text(id), article.summaryChinese.map(SQLiteValue.text) ?? .null, article.summaryEnglish.map(SQLiteValue.text) ?? .null])
            }
            progress(.phase("statutes"))
            let insertArticle = try db.prepare("""
                INSERT INTO articles(statute_id, law, law_en, article, sub, label, official_text, effective, version, repealed, is_current, origin)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """)
            let insertSearch = try db.prepare("INSERT INTO article_search(id, title, body) VALUES (?, ?, ?)")
            let insertIndex = try db.prepare("INSERT INTO article_index(rowid, title, body) VALUES (?, ?, ?)")
            for (done, (article, isCurrent)) in versions.enumerated() {
                let reference = article.reference
                try insertArticle.bind([
                    .text(article.id), .text(reference.law), article.englishLawTitle.map(SQLiteValue.text) ?? .null,
                    .integer(Int64(reference.article)), reference.sub.map { .integer(Int64($0)) } ?? .null, .text(article.label),
                    article.officialText.map(SQLiteValue.text) ?? .null, article.effective.map(SQLiteValue.text) ?? .null,
                    article.version.map(SQLiteValue.text) ?? .null, article.repealed.map(SQLiteValue.text) ?? .null,
                    .integer(isCurrent ? 1 : 0), .text(article.officialText == nil ? "summary" : "official"),
                ])
                guard try insertArticle.step() else { throw db.lastError }
                let rowid = insertArticle.int(0)
                insertArticle.reset()
                if isCurrent {
                    currentCount += 1
                    let law = sources.laws[reference.law]
                    let title = ([reference.law] + (law?.aliases ?? [])).joined(separator: " ")
                    var body: String
                    if let text = article.officialText {
                        body = "⟦zh-Hans⟧" + text
                        if let en = summaries[article.id]?.summaryEnglish { body += "\n⟦en⟧" + en }
                    } else {
                        body = "⟦zh-Hans⟧" + (article.summaryChinese ?? "") + "\n⟦en⟧" + (article.summaryEnglish ?? "")
                    }
                    try insertSearch.run([.integer(rowid), .text(title), .text(body)])
                    try insertIndex.run([.integer(rowid), .text(title), .text(body)])
                }
                if done % 2000 == 0 { progress(.articles(done: done, total: versions.count)) }
            }
            progress(.articles(done: versions.count, total: versions.count))
            progress(.phase("faqs"))
            try writeFAQs(db: db, analyzer: analyzer, summaries: summaries)
            progress(.phase("lexicon"))
            let insertLexicon = try db.prepare("INSERT INTO lexicon(language, term, concept) VALUES (?, ?, ?)")
            for entry in sources.lexiconEntries {
                try insertLexicon.run([entry.language.map { .text($0.tag) } ?? .null, .text(entry.term), entry.concept.map(SQLiteValue.text) ?? .null])
            }
            let insertContext = try db.prepare("INSERT OR IGNORE INTO context_concepts(concept) VALUES (?)")
            for concept in sources.glossary where concept.isContext { try insertContext.run([.text(concept.id)]) }
            let insertPhrase = try db.prepare("INSERT INTO phrases(kind, set_id, priority, language, phrase) VALUES (?, ?, ?, ?, ?)")
            for set in sources.phraseSets {
                for (language, phrases) in set.phrases.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                    for phrase in phrases {
                        try insertPhrase.run([.text(set.kind.rawValue), .text(set.id), set.priority.map(SQLiteValue.text) ?? .null, .text(language.tag), .text(phrase)])
                    }
                }
            }
            progress(.phase("optimize"))
            try db.execute("INSERT INTO article_index(article_index) VALUES('optimize'); INSERT INTO faq_index(faq_index) VALUES('optimize');")
            try insertMeta.run([.text("faq_count"), .text(String(sources.faqs.count))])
            try insertMeta.run([.text("article_count"), .text(String(currentCount))])
        }
        return Summary(faqs: sources.faqs.count, articles: versions.count, currentArticles: currentCount,
                       concepts: Set(sources.glossary.map(\.id)).count, contentHash: hash, seconds: Date().timeIntervalSince(started))
    }

    private func writeFAQs(db: SQLiteConnection, analyzer: Analyzer, summaries: [String: StatuteArticle]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let insertFAQ = try db.prepare("INSERT INTO faqs(faq_id, topic, questions, answers, citations, origin) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")
        let insertSearch = try db.prepare("INSERT INTO faq_search(id, questions, answers, cited) VALUES (?, ?, ?, ?)")
        let insertVariant = try db.prepare("INSERT INTO faq_variants(faq, kind, language, text, tokens) VALUES (?, ?, ?, ?, ?)")
        let insertTerm = try db.prepare("INSERT INTO faq_terms(faq, token, questions, answers, cited) VALUES (?, ?, ?, ?, ?)")
        let insertLength = try db.prepare("INSERT INTO faq_lengths(faq, length) VALUES (?, ?)")
        for faq in sources.faqs {
            let questions = Dictionary(uniqueKeysWithValues: faq.questions.map { ($0.key.tag, $0.value) })
            let answers = Dictionary(uniqueKeysWithValues: faq.answers.map { ($0.key.tag, $0.value) })
            try insertFAQ.bind([
                .text(faq.id), .text(faq.topic),
                .text(String(decoding: try encoder.encode(questions), as: UTF8.self)),
                .text(String(decoding: try encoder.encode(answers), as: UTF8.self)),
                .text(String(decoding: try encoder.encode(faq.citations.map(\.id)), as: UTF8.self)),
                .text(faq.imported ? "import" : "shipped"),
            ])
            guard try insertFAQ.step() else { throw db.lastError }
            let rowid = insertFAQ.int(0)
            insertFAQ.reset()
            // Translated answers are for reading only (see ``FAQ/displayOnlyLanguages``).
            let orderedQuestions = faq.questions.sorted { $0.key.rawValue < $1.key.rawValue }
            let indexedAnswers = faq.answers.filter { !faq.displayOnlyLanguages.contains($0.key) }
            let questionText = orderedQuestions.flatMap { language, texts in texts.map { "⟦\(language.tag)⟧\($0)" } }.joined(separator: "\n")
            let answerText = indexedAnswers.sorted { $0.key.rawValue < $1.key.rawValue }.map { "⟦\($0.key.tag)⟧\($0.value)" }.joined(separator: "\n")
            let citedText = faq.citations.compactMap { citation -> String? in
                guard let article = summaries[citation.id] else { return nil }
                return "⟦zh-Hans⟧\(article.summaryChinese ?? "")\n⟦en⟧\(article.summaryEnglish ?? "")"
            }.joined(separator: "\n")
            try insertSearch.run([.integer(rowid), .text(questionText), .text(answerText), .text(citedText)])
            // The same per-column term frequencies and row length the FTS5 index holds, so the
            // engine can score FAQs by BM25 in memory (see ``FAQTermIndex``).
            var frequencies: [String: [Int64]] = [:]
            var length: Int64 = 0
            for (column, text) in [questionText, answerText, citedText].enumerated() {
                // FTS5 keeps one instance of a token per position: colocated repeats count once.
                var atPosition = Set<String>()
                analyzer.forEachIndexedToken(text) { token, colocated in
                    if !colocated {
                        length += 1
                        atPosition.removeAll(keepingCapacity: true)
                    }
                    if atPosition.insert(token.text).inserted { frequencies[token.text, default: [0, 0, 0]][column] += 1 }
                    return true
                }
            }
            for (token, counts) in frequencies.sorted(by: { $0.key < $1.key }) {
                try insertTerm.run([.integer(rowid), .text(token), .integer(counts[0]), .integer(counts[1]), .integer(counts[2])])
            }
            try insertLength.run([.integer(rowid), .integer(length)])
            for (language, texts) in orderedQuestions {
                for text in texts {
                    let tokens = Set(analyzer.analyze(text, language: language).tokens.map(\.text)).sorted()
                    try insertVariant.run([.integer(rowid), .text("q"), .text(language.tag), .text(text), .text(tokens.joined(separator: " "))])
                }
            }
            for (language, text) in indexedAnswers {
                let tokens = Set(analyzer.analyze(text, language: language).tokens.map(\.text)).sorted()
                try insertVariant.run([.integer(rowid), .text("a"), .text(language.tag), .text(text), .text(tokens.joined(separator: " "))])
            }
        }
        try db.execute("INSERT INTO faq_index(faq_index) VALUES('rebuild')")
    }
}
