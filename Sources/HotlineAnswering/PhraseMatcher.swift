import HotlineKnowledge
import HotlineText

/// Finds the knowledge base's urgent triggers and requests for a person in a question.
///
/// A phrase matches as a whole: in spaced languages on word boundaries of the normalised text
/// (`talk to a lawyer`), in Chinese, Japanese and Thai as a substring of the folded text
/// (`转人工`, so 轉人工 matches too). Single words never stand for a phrase: `人工` alone is
/// Cantonese for wages.
public struct PhraseMatcher: Sendable {
    struct Compiled: Sendable {
        var set: PhraseSet
        /// UTF-8 of each phrase: padded with spaces for spaced scripts, bare for unspaced ones.
        var patterns: [[UInt8]]
    }

    private let compiled: [Compiled]
    /// (set, pattern) pairs by the pattern's first two bytes: the text is scanned once and only
    /// the phrases that can start at a position are compared there.
    private let byPrefix: [UInt16: [(set: Int, pattern: Int)]]

    public init(sets: [PhraseSet], analyzer: Analyzer) {
        compiled = sets.map { set in
            let patterns = set.phrases.flatMap { language, phrases in
                phrases.map { PhraseMatcher.canonical(analyzer.normalize($0, language: language)) }
            }.filter { !$0.trimmingCharacters(in: " ").isEmpty }.map { pattern -> [UInt8] in
                let unspaced = pattern.unicodeScalars.contains { ScriptClass($0).isUnspaced }
                return Array((unspaced ? pattern.trimmingCharacters(in: " ") : pattern).utf8)
            }
            return Compiled(set: set, patterns: patterns)
        }
        var index: [UInt16: [(set: Int, pattern: Int)]] = [:]
        for (setIndex, entry) in compiled.enumerated() {
            for (patternIndex, pattern) in entry.patterns.enumerated() where pattern.count >= 2 {
                index[UInt16(pattern[0]) << 8 | UInt16(pattern[1]), default: []].append((setIndex, patternIndex))
            }
        }
        byPrefix = index
    }

    /// Lower-cased words separated by single spaces, padded, so containment respects word edges.
    static func canonical(_ normalized: String) -> String {
        var result = " "
        var lastWasSpace = true
        for character in normalized {
            if character.isLetter || character.isNumber || character == "'" {
                result.append(character)
                lastWasSpace = false
            } else if !lastWasSpace {
                result.append(" ")
                lastWasSpace = true
            }
        }
        if !lastWasSpace { result.append(" ") }
        return result
    }

    /// The matching phrase sets of a question, urgent triggers first.
    public func matches(_ question: String, analyzer: Analyzer, language: Language) -> [PhraseSet] {
        let text = Array(PhraseMatcher.canonical(analyzer.normalize(question, language: language)).utf8)
        var found = Set<Int>()
        if text.count >= 2 {
            for start in 0..<(text.count - 1) {
                guard let candidates = byPrefix[UInt16(text[start]) << 8 | UInt16(text[start + 1])] else { continue }
                for (set, pattern) in candidates where !found.contains(set) {
                    let bytes = compiled[set].patterns[pattern]
                    if start + bytes.count <= text.count && text[start..<(start + bytes.count)].elementsEqual(bytes) { found.insert(set) }
                }
            }
        }
        return found.map { compiled[$0].set }
            .sorted { ($0.priority == "urgent" ? 0 : 1, $0.id) < ($1.priority == "urgent" ? 0 : 1, $1.id) }
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
