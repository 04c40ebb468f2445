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
        var patterns: [String]
    }

    private let compiled: [Compiled]

    public init(sets: [PhraseSet], analyzer: Analyzer) {
        compiled = sets.map { set in
            let patterns = set.phrases.flatMap { language, phrases in
                phrases.map { PhraseMatcher.canonical(analyzer.normalize($0, language: language)) }
            }.filter { !$0.trimmingCharacters(in: " ").isEmpty }
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
        let text = PhraseMatcher.canonical(analyzer.normalize(question, language: language))
        return compiled.filter { entry in
            entry.patterns.contains { pattern in
                let unspaced = pattern.unicodeScalars.contains { ScriptClass($0).isUnspaced }
                return unspaced ? text.contains(pattern.trimmingCharacters(in: " ")) : text.contains(pattern)
            }
        }.map(\.set).sorted { ($0.priority == "urgent" ? 0 : 1, $0.id) < ($1.priority == "urgent" ? 0 : 1, $1.id) }
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
