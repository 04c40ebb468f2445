/// Terms the analyser recognises as units: legal compounds from the dictionary (kept as one
/// token besides their pieces) and glossary terms (each also yields its concept's token).
///
/// Unspaced scripts (Chinese, Japanese, Thai, and Korean with its attached particles) are
/// matched character by character in a trie, because ICU's segmentation of the same term changes
/// with its context (`租房` → `租|房`). Spaced scripts are matched on analysed (stemmed) token
/// sequences, so `salaires` meets the glossary's `salaire`.
public struct TermLexicon: Sendable {
    /// What a matched term adds to the token stream.
    struct Output: Sendable, Hashable {
        var term: String?
        var concepts: [String]
    }

    struct Node: Sendable {
        var children: [UInt32: Int32] = [:]
        var output: Int32 = -1
    }

    struct Sequence: Sendable {
        var first: String
        var rest: [String]
        var output: Int32
        /// The language the term was written in: a stemmed English term must not fire on a
        /// French word that happens to stem alike (`injury` / `injure`).
        var language: Language?
    }

    private(set) var nodes: [Node] = [Node()]
    private(set) var outputs: [Output] = []
    /// Keyed by a hash of the first word's UTF-8 bytes: Swift's own `String` hashing normalises
    /// Unicode first, and this lookup runs for every word of every text.
    private(set) var sequences: [UInt64: [Sequence]] = [:]

    @inline(__always)
    static func wordKey(_ word: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in word.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    /// The token a concept adds: a prefix no analysed word can carry.
    public static func conceptToken(_ concept: String) -> String { "§" + concept }

    public static let empty = TermLexicon()

    public var isEmpty: Bool { outputs.isEmpty }

    /// Entries that can never match: one Chinese character, or words that are all stopwords.
    /// `hotline kb check` reports them so authors do not rely on them.
    public private(set) var inert: [Entry] = []

    init() {}

    /// One source line of the lexicon: a term in a language, and the concept it stands for
    /// (`nil` for a plain dictionary term).
    public struct Entry: Sendable, Hashable {
        public var language: Language?
        public var term: String
        public var concept: String?
        public init(language: Language?, term: String, concept: String?) {
            self.language = language
            self.term = term
            self.concept = concept
        }
    }

    /// Builds the lexicon, analysing every term with `analyzer` (which must have no lexicon of its
    /// own) so that terms and text are folded, segmented and stemmed alike.
    public init(entries: [Entry], chinese: ChineseScriptTable) {
        let plain = Analyzer(resources: AnalyzerResources(chinese: chinese, lexicon: .empty))
        var characterOutputs: [[UInt32]: Output] = [:]
        var sequenceOutputs: [SequenceKey: Output] = [:]
        for entry in entries {
            let normalized = plain.normalize(entry.term, language: entry.language)
            var scalars = Array(normalized.unicodeScalars)
            // Korean phrases are keyed without their spaces (the analyser skips spaces inside
            // Korean runs), so "자동차 사고" matches "자동차 사고가" and "자동차사고".
            if scalars.contains(where: { ScriptClass($0) == .hangul }) { scalars.removeAll { $0 == " " } }
            let unspaced = !scalars.isEmpty && scalars.allSatisfy { ScriptClass($0).isUnspaced }
            if unspaced {
                guard scalars.count >= 2 else { inert.append(entry); continue }
                let key = scalars.map(\.value)
                var output = characterOutputs[key] ?? Output(term: String(String.UnicodeScalarView(scalars)), concepts: [])
                if let concept = entry.concept, !output.concepts.contains(TermLexicon.conceptToken(concept)) {
                    output.concepts.append(TermLexicon.conceptToken(concept))
                }
                characterOutputs[key] = output
            } else {
                let words = plain.wordTokens(entry.term, language: entry.language ?? .english)
                guard !words.isEmpty, let concept = entry.concept else {
                    if entry.concept != nil { inert.append(entry) }
                    continue
                }
                let key = SequenceKey(words: words, language: entry.language)
                var output = sequenceOutputs[key] ?? Output(term: nil, concepts: [])
                if !output.concepts.contains(TermLexicon.conceptToken(concept)) {
                    output.concepts.append(TermLexicon.conceptToken(concept))
                }
                sequenceOutputs[key] = output
            }
        }
        for (key, output) in characterOutputs.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            var node = 0
            for value in key {
                if let next = nodes[node].children[value] {
                    node = Int(next)
                } else {
                    nodes.append(Node())
                    nodes[node].children[value] = Int32(nodes.count - 1)
                    node = nodes.count - 1
                }
            }
            outputs.append(output)
            nodes[node].output = Int32(outputs.count - 1)
        }
        // A stable order (the outputs' indices must not depend on hashing), with each sort key
        // computed once: this runs at every knowledge-base open.
        let orderedSequences = sequenceOutputs.map { (sortKey: $0.key.words.joined(separator: " ") + "\u{1}" + ($0.key.language?.tag ?? ""), key: $0.key, output: $0.value) }
            .sorted { $0.sortKey < $1.sortKey }
        for (_, key, output) in orderedSequences {
            outputs.append(output)
            sequences[Self.wordKey(key.words[0]), default: []].append(Sequence(first: key.words[0], rest: Array(key.words.dropFirst()), output: Int32(outputs.count - 1), language: key.language))
        }
        for key in sequences.keys {
            sequences[key]?.sort { $0.rest.count > $1.rest.count }
        }
    }

    /// Every term that starts at `start` in `scalars` (longest first is not required: all count).
    @inline(__always)
    func forEachMatch(in scalars: [Unicode.Scalar], from start: Int, _ body: (Output, Int) -> Void) {
        var node = 0
        var index = start
        while index < scalars.count, let next = nodes[node].children[scalars[index].value] {
            node = Int(next)
            index += 1
            let output = nodes[node].output
            if output >= 0 { body(outputs[Int(output)], index - start) }
        }
    }

    struct SequenceKey: Hashable {
        var words: [String]
        var language: Language?
    }

    /// Outputs of the token sequences that start at `start` in `words`, for text in `language`.
    @inline(__always)
    /// A match must cover at least one word that is not a stopword in the text: "wills" must
    /// not fire on the verb "will".
    func forEachSequenceMatch(in words: [String], stopwords: [Bool], from start: Int, language: Language, _ body: (Output) -> Void) {
        guard let candidates = sequences[Self.wordKey(words[start])] else { return }
        for candidate in candidates where (candidate.language == nil || candidate.language == language) && candidate.first == words[start] {
            let end = start + 1 + candidate.rest.count
            guard end <= words.count, stopwords[start..<end].contains(false) else { continue }
            if candidate.rest.isEmpty || Array(words[(start + 1)..<end]) == candidate.rest {
                body(outputs[Int(candidate.output)])
            }
        }
    }
}
