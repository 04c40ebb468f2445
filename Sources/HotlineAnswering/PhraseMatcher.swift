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
        return compiled.filter { entry in
            entry.patterns.contains { PhraseMatcher.contains(text, $0) }
        }.map(\.set).sorted { ($0.priority == "urgent" ? 0 : 1, $0.id) < ($1.priority == "urgent" ? 0 : 1, $1.id) }
    }
}

extension PhraseMatcher {
    /// Byte-wise substring search on UTF-8 (valid UTF-8 cannot match in the middle of a
    /// character), far cheaper than Foundation's locale-aware `contains`.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return needle.isEmpty }
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var j = 1
                while j < needle.count && haystack[index + j] == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            index += 1
        }
        return false
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
