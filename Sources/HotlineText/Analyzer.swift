/// One token the analyser emits.
public struct AnalyzedToken: Hashable, Sendable {
    public enum Kind: UInt8, Sendable {
        /// A segmented (and, for European languages, stemmed) word. Occupies a position.
        case word
        /// A pair of adjacent CJK characters: recall for two-character terms ICU splits.
        case bigram
        /// A dictionary or glossary term matched as a whole.
        case term
        /// A glossary concept (`§wage`): the bridge between languages.
        case concept
    }

    public var text: String
    public var kind: Kind

    public init(_ text: String, kind: Kind) {
        self.text = text
        self.kind = kind
    }

    /// Whether FTS5 stores the token at the position of the previous one.
    public var isColocated: Bool { kind != .word }
}

/// The result of analysing one piece of text.
public struct Analysis: Sendable {
    public var language: Language
    public var tokens: [AnalyzedToken]

    /// The glossary concepts found in the text (without the `§` prefix).
    public var concepts: Set<String> {
        Set(tokens.lazy.filter { $0.kind == .concept }.map { String($0.text.dropFirst()) })
    }
}

/// What every analyser of one knowledge base shares: the Chinese script table and the lexicon.
/// Immutable and `Sendable`; build it once and give it to each thread's ``Analyzer``.
public struct AnalyzerResources: Sendable {
    public let chinese: ChineseScriptTable
    public let lexicon: TermLexicon
    /// Chinese function words in their folded (Simplified) form, as the analyser sees them:
    /// single characters and pairs packed as integers, longer ones as strings.
    let stopwordScalars: Set<UInt32>
    let stopwordPairs: Set<UInt64>
    let stopwordLonger: Set<String>

    public init(chinese: ChineseScriptTable, lexicon: TermLexicon) {
        self.chinese = chinese
        self.lexicon = lexicon
        var scalars = Set<UInt32>(), pairs = Set<UInt64>(), longer = Set<String>()
        for word in Stopwords.chinese.map({ chinese.fold($0) }) {
            let s = Array(word.unicodeScalars)
            switch s.count {
            case 1: scalars.insert(s[0].value)
            case 2: pairs.insert(Analyzer.pairKey(s[0], s[1]))
            default: longer.insert(word)
            }
        }
        stopwordScalars = scalars
        stopwordPairs = pairs
        stopwordLonger = longer
    }

    @inline(__always)
    func isChineseStopword(_ word: String) -> Bool {
        var iterator = word.unicodeScalars.makeIterator()
        guard let a = iterator.next() else { return false }
        guard let b = iterator.next() else { return stopwordScalars.contains(a.value) }
        guard iterator.next() != nil else { return stopwordPairs.contains(Analyzer.pairKey(a, b)) }
        return word.utf8.count <= 12 && stopwordLonger.contains(word)
    }

    /// The analyser's version, stored in every knowledge base: an index built by another version
    /// (or another ICU, whose dictionaries segment differently) must be rebuilt.
    public static var version: String { "hotline-analyzer/17 icu/\(ICU.version)" }
}

/// The one text-analysis pipeline, used for indexing (as the FTS5 tokenizer) and for questions.
///
/// NFKC case folding → Traditional→Simplified folding of Chinese (not Japanese) → ICU word
/// segmentation → per-word treatment (French elision, Korean particles, Snowball stemming) →
/// CJK bigrams, dictionary terms and glossary concepts as colocated tokens.
///
/// Not thread-safe (ICU iterators and stemmers are stateful): one analyser per thread or per
/// SQLite connection.
public final class Analyzer {
    public let resources: AnalyzerResources
    private let breaker = WordBreaker()
    private var stemmers: [Language: SnowballStemmer] = [:]
    private let detector: LanguageDetector

    /// In an indexed document, `⟦fr⟧` switches the language of the text that follows.

    public init(resources: AnalyzerResources) {
        self.resources = resources
        self.detector = LanguageDetector(chinese: resources.chinese)
    }

    /// Detects the language of raw text.
    public func detectLanguage(_ text: String) -> Language {
        detector.detect(ICU.nfkcCasefold(text))
    }

    /// Detects the language of raw text and says whether the text was clear enough to answer in
    /// it, or the caller should be asked.
    public func identifyLanguage(_ text: String) -> LanguageIdentification {
        detector.identify(ICU.nfkcCasefold(text))
    }

    /// Analyses a question or a piece of KB text in `language` (detected when `nil`).
    public func analyze(_ text: String, language: Language? = nil) -> Analysis {
        let normalized = ICU.nfkcCasefold(text)
        let language = language ?? detector.detect(normalized)
        let folded = fold(normalized, language: language)
        return Analysis(language: language, tokens: tokens(ofFolded: folded, language: language))
    }

    /// Analyses an indexed document, whose segments may carry `⟦lang⟧` markers.
    public func analyzeDocument(_ text: String) -> [AnalyzedToken] {
        let scalars = text.unicodeScalars
        guard scalars.contains("⟦") else { return analyze(text, language: nil).tokens }
        var result: [AnalyzedToken] = []
        var language: Language? = nil
        var start = scalars.startIndex
        var index = scalars.startIndex
        // Scalars, not Characters: documents are long and markers are single scalars.
        while index < scalars.endIndex {
            if scalars[index] == "⟦", let (tagged, after) = Self.marker(at: index, in: scalars) {
                if start < index { result.append(contentsOf: analyze(String(text[start..<index]), language: language).tokens) }
                language = tagged
                start = after
                index = after
            } else {
                index = scalars.index(after: index)
            }
        }
        if start < scalars.endIndex { result.append(contentsOf: analyze(String(text[start...]), language: language).tokens) }
        return result
    }

    /// The language of a `⟦tag⟧` marker at `index` and the index after it; `nil` when the
    /// bracket does not hold a tag we know (then it is ordinary text).
    private static func marker(at index: String.UnicodeScalarView.Index, in scalars: String.UnicodeScalarView) -> (Language, String.UnicodeScalarView.Index)? {
        let tagStart = scalars.index(after: index)
        var end = tagStart
        while end < scalars.endIndex, scalars[end] != "⟧" {
            if scalars.distance(from: tagStart, to: end) > 16 { return nil }
            end = scalars.index(after: end)
        }
        guard end < scalars.endIndex, let language = Language(tag: String(scalars[tagStart..<end])) else { return nil }
        return (language, scalars.index(after: end))
    }

    /// Calls `body` with each token of an indexed document and whether FTS5 stores it at the
    /// previous token's position. The one rule for positions, shared by the FTS5 tokenizer and
    /// the builder's stored term frequencies, so the two cannot drift apart.
    public func forEachIndexedToken(_ text: String, _ body: (AnalyzedToken, _ colocated: Bool) -> Bool) {
        var emittedWord = false
        for token in analyzeDocument(text) {
            guard body(token, token.isColocated && emittedWord) else { return }
            emittedWord = true
        }
    }

    /// The folded form of a term (NFKC case folding, and Traditional→Simplified unless Japanese).
    public func normalize(_ text: String, language: Language?) -> String {
        let normalized = ICU.nfkcCasefold(text)
        return fold(normalized, language: language ?? detector.detect(normalized)).trimmingWhitespace()
    }

    /// Only the word tokens of `text`, as the lexicon needs them for multi-word terms.
    func wordTokens(_ text: String, language: Language) -> [String] {
        let folded = normalize(text, language: language)
        let segments = segments(folded, language: language)
        // A term made only of stopwords ("will") would fire everywhere.
        guard segments.contains(where: { $0.token != nil }) else { return [] }
        return segments.map(\.stem)
    }

    // MARK: - Pipeline

    private func fold(_ normalized: String, language: Language) -> String {
        var text = normalized
        // One pass over the scalars (not Characters: grapheme breaking costs) to see whether
        // any repair is needed at all.
        var hasCurlyApostrophe = false, hasNikhahit = false
        for scalar in text.unicodeScalars where scalar.value >= 0x0E4D {
            if scalar == "\u{2019}" { hasCurlyApostrophe = true } else if scalar == "\u{0E4D}" { hasNikhahit = true }
        }
        if hasCurlyApostrophe { text = text.replacing("\u{2019}", with: "'") }
        // NFKC decomposes Thai SARA AM (ำ) into NIKHAHIT + SARA AA, which ICU's Thai dictionary
        // does not know: put it back.
        if hasNikhahit { text = text.replacing("\u{0E4D}\u{0E32}", with: "\u{0E33}") }
        if language == .japanese { return text }
        return resources.chinese.fold(text)
    }

    /// One ICU word segment of the folded text.
    private struct Segment {
        /// The word stemmed (particles and elisions removed), stopwords included: glossary
        /// phrases are matched on these, so "no will" stays a phrase and never becomes "no".
        var stem: String
        /// The token it becomes: its stem, or `nil` for a stopword.
        var token: String?
        var script: ScriptClass
        /// Both scalars packed, for a two-character word: bigrams equal to a word are not repeated.
        var pairKey: UInt64?
    }

    @inline(__always)
    static func pairKey(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> UInt64 { UInt64(a.value) << 32 | UInt64(b.value) }

    private func tokens(ofFolded text: String, language: Language) -> [AnalyzedToken] {
        let segments = self.segments(text, language: language)
        let words = segments.compactMap(\.token)
        // Compared as packed integers: hashing Swift strings (with their Unicode normalisation)
        // was the analyser's largest cost.
        let wordPairs = Set(segments.lazy.compactMap { $0.token == nil ? nil : $0.pairKey })
        lazy var wordSet = Set(words)
        var extras: [AnalyzedToken] = []
        func addBigram(_ a: Unicode.Scalar, _ b: Unicode.Scalar) {
            let key = Self.pairKey(a, b)
            guard !wordPairs.contains(key), !resources.stopwordPairs.contains(key) else { return }
            var bigram = String.UnicodeScalarView()
            bigram.append(a)
            bigram.append(b)
            extras.append(AnalyzedToken(String(bigram), kind: .bigram))
        }
        // Bigrams over every run of CJK characters, across ICU's word boundaries too: ICU splits
        // colloquial and misspelt text unpredictably (租|房, 工资|拖了), and adjacent pairs still
        // meet the FAQ's wording.
        let scalars = Array(text.unicodeScalars)
        if scalars.count > 1 {
            for i in 0..<(scalars.count - 1) where Self.takesBigrams(ScriptClass(scalars[i]), language) && Self.takesBigrams(ScriptClass(scalars[i + 1]), language) {
                addBigram(scalars[i], scalars[i + 1])
            }
        }
        let lexicon = resources.lexicon
        if !lexicon.isEmpty {
            // Unspaced runs: character-level lexicon matches, whatever ICU's segmentation.
            // Korean words are separated by spaces, so a Korean run goes on across single spaces
            // between Hangul, which are left out (the lexicon keys Korean terms without them).
            var index = 0
            while index < scalars.count {
                guard ScriptClass(scalars[index]).isUnspaced else { index += 1; continue }
                var run: [Unicode.Scalar] = []
                var end = index
                while end < scalars.count {
                    let scriptClass = ScriptClass(scalars[end])
                    if scriptClass.isUnspaced {
                        run.append(scalars[end])
                    } else if scalars[end] == " ", scriptClass != .hangul, let last = run.last, ScriptClass(last) == .hangul,
                              end + 1 < scalars.count, ScriptClass(scalars[end + 1]) == .hangul {
                        // skip the space inside Korean text
                    } else {
                        break
                    }
                    end += 1
                }
                // Every term found in the run, except one lying wholly inside a longer term found
                // there (想离 inside 想离职, 养老 inside 养老保险): the longer term decides.
                var found: [(start: Int, length: Int, output: TermLexicon.Output)] = []
                for start in run.indices {
                    lexicon.forEachMatch(in: run, from: start) { output, length in found.append((start, length, output)) }
                }
                var coveredUntil = -1
                for match in found.sorted(by: { ($0.start, -$0.length) < ($1.start, -$1.length) }) {
                    let matchEnd = match.start + match.length
                    if matchEnd <= coveredUntil { continue }
                    coveredUntil = matchEnd
                    if let term = match.output.term, !wordSet.contains(term) { extras.append(AnalyzedToken(term, kind: .term)) }
                    for concept in match.output.concepts { extras.append(AnalyzedToken(concept, kind: .concept)) }
                }
                index = end
            }
            // All words, CJK ones included: mixed-script terms (Q1签证, 未满18岁, 4대보험) are
            // word sequences too.
            let spacedWords = segments.map(\.stem)
            let stopwords = segments.map { $0.token == nil }
            for start in spacedWords.indices {
                lexicon.forEachSequenceMatch(in: spacedWords, stopwords: stopwords, from: start, language: language) { output in
                    for concept in output.concepts { extras.append(AnalyzedToken(concept, kind: .concept)) }
                }
            }
        }
        var result = words.map { AnalyzedToken($0, kind: .word) }
        result.reserveCapacity(result.count + extras.count)
        result.append(contentsOf: extras)
        return result
    }

    private static func takesBigrams(_ script: ScriptClass, _ language: Language) -> Bool {
        switch script {
        case .han: true
        case .kana: language == .japanese
        default: false
        }
    }

    /// Segments `text` with ICU and gives each word its per-script treatment.
    private func segments(_ text: String, language: Language) -> [Segment] {
        var text = text
        var result: [Segment] = []
        text.withUTF8 { utf8 in
            breaker.forEachWord(in: utf8) { range in
                let word = String(decoding: UnsafeBufferPointer(rebasing: utf8[range]), as: UTF8.self)
                guard let first = word.unicodeScalars.first else { return }
                let script = ScriptClass(first)
                var stem = word
                var isStopword = false
                switch script {
                case .latin:
                    // Vietnamese has no stemmer and no stopword list of ours; Latin words in a
                    // Chinese (or other) question are treated as English.
                    let wordLanguage: Language = language == .vietnamese ? .vietnamese
                        : (language.snowballAlgorithm != nil && language != .russian && language != .arabic ? language : .english)
                    let bare = wordLanguage == .french || wordLanguage == .english ? Self.stripElision(word) : word
                    isStopword = Stopwords.contains(bare, language: wordLanguage)
                    if Self.accentFoldedLanguages.contains(wordLanguage) {
                        // People type without accents ("indemnizacion", "salario minimo", "pais"):
                        // KB text and questions alike are stemmed without them, so both spellings meet.
                        let folded = Self.foldAccents(bare)
                        isStopword = isStopword || Stopwords.contains(folded, language: wordLanguage)
                        stem = self.stem(folded, language: wordLanguage)
                    } else {
                        stem = self.stem(bare, language: wordLanguage)
                    }
                case .cyrillic:
                    isStopword = Stopwords.contains(word, language: .russian)
                    stem = self.stem(word, language: .russian)
                case .arabic:
                    stem = self.stem(word, language: .arabic)
                case .hangul:
                    stem = Self.stripKoreanParticle(word)
                case .han:
                    isStopword = language != .japanese && resources.isChineseStopword(word)
                default:
                    break
                }
                let token: String? = isStopword ? nil : stem
                var pair: UInt64? = nil
                var iterator = word.unicodeScalars.makeIterator()
                if let a = iterator.next(), let b = iterator.next(), iterator.next() == nil { pair = Self.pairKey(a, b) }
                result.append(Segment(stem: stem, token: token, script: script, pairKey: pair))
            }
        }
        return result
    }

    /// Latin-script languages whose words are compared without accents. Vietnamese too: its marks
    /// tell words apart, but callers type it without them on phones ("het han visa") as often as
    /// with; folded, KB text and both spellings meet (the glossary's concepts keep the senses
    /// apart where it matters). Not French (its Snowball stemmer relies on them: folding cost
    /// French questions on the dev sets, while Spanish gained).
    static let accentFoldedLanguages: Set<Language> = [.spanish, .portuguese, .german, .indonesian, .english, .vietnamese]

    /// The word without combining marks (é → e, ñ → n, ç → c, and Vietnamese đ → d, which has no
    /// decomposition); ASCII words are returned as they are.
    static func foldAccents(_ word: String) -> String {
        guard word.utf8.contains(where: { $0 >= 0x80 }) else { return word }
        var result = String.UnicodeScalarView()
        for scalar in word.decomposedStringWithCanonicalMapping.unicodeScalars where !(0x0300...0x036F).contains(scalar.value) {
            result.append(scalar == "đ" ? "d" : scalar)
        }
        return String(result)
    }

    private func stem(_ word: String, language: Language) -> String {
        if let stemmer = stemmers[language] { return stemmer.stem(word) }
        guard let algorithm = language.snowballAlgorithm, let stemmer = SnowballStemmer(algorithm: algorithm) else { return word }
        stemmers[language] = stemmer
        return stemmer.stem(word)
    }

    private static let elisionPrefixes = ["jusqu'", "lorsqu'", "puisqu'", "quoiqu'", "qu'", "l'", "d'", "j'", "m'", "n'", "s'", "t'", "c'"]

    /// `l'employeur` → `employeur`: ICU keeps French elisions attached.
    static func stripElision(_ word: String) -> String {
        guard word.contains("'") else { return word }
        for prefix in elisionPrefixes where word.hasPrefix(prefix) && word.count > prefix.count + 1 {
            return String(word.dropFirst(prefix.count))
        }
        return word
    }

    private static let koreanParticles = [
        "에서는", "으로는", "에게서", "한테서", "이라고", "에서", "에게", "한테", "으로", "까지", "부터", "처럼", "보다",
        "이나", "이랑", "은", "는", "이", "가", "을", "를", "에", "의", "도", "로", "와", "과", "만", "랑",
    ]

    /// `비자가` → `비자`: Korean particles stay attached after ICU segmentation.
    static func stripKoreanParticle(_ word: String) -> String {
        for particle in koreanParticles where word.hasSuffix(particle) && word.count >= particle.count + 2 {
            return String(word.dropLast(particle.count))
        }
        return word
    }
}

extension String {
    /// The string without leading and trailing whitespace (no Foundation needed).
    public func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
