import Foundation

/// Every threshold and limit of the answering engine, with documented defaults.
/// Loaded from a JSON file (`hotline ask --config FILE`); keys missing from the file keep their
/// defaults. The defaults were tuned on the dev sets in `Tests/DevSet` (see README).
public struct EngineConfiguration: Sendable, Equatable {
    /// FAQ candidates fetched from the FTS5 index before re-ranking.
    public var faqCandidates = 24
    /// Statute articles reported per question.
    public var statuteMatches = 5
    /// Confidence at or above which the top FAQ is given as the answer.
    public var answerThreshold = 0.22
    /// Lowest confidence of an FAQ offered as a choice when asking the caller to clarify.
    public var clarifyThreshold = 0.16
    /// Candidates within this much confidence of the best one make the question ambiguous.
    public var clarifyMargin = 0.0
    /// At most this many choices in a clarify reply (2–3).
    public var maxClarifyChoices = 3
    /// A question with no glossary concept is still legal when its best statute match scores at
    /// least this (BM25 squashed into [0, 1)).
    public var legalStatuteScore = 0.85
    /// A question that is not legal is answered only at or above this confidence; below it, it
    /// is out of scope.
    public var nonLegalAnswerThreshold = 0.7
    /// Statute search ignores tokens found in more than this share of articles (they cost time
    /// and say little).
    public var statuteMaxDocumentShare = 0.05
    /// Statute search uses at most this many of the question's rarest tokens.
    public var statuteQueryTokens = 8
    /// Statute search stops adding tokens when their posting lists would exceed this many rows.
    public var statutePostingBudget = 800
    /// FAQ search uses at most this many of the question's rarest tokens.
    public var faqQueryTokens = 32
    /// Weight of the best question variant's similarity in the confidence.
    public var variantWeight = 0.5
    /// Weight of the answer text's coverage of the question.
    public var answerWeight = 0.1
    /// Weight of how much of the question all of an FAQ's question variants together cover.
    public var questionsCoverageWeight = 0.15
    /// Weight of the BM25 relevance relative to the best candidate's.
    public var relevanceWeight = 0.4
    /// How a variant's similarity balances covering the question (1) against the question
    /// covering the variant (0); 0.5 is a cosine.
    public var questionCoverageExponent = 0.3
    /// Glossary concept tokens count this many times their IDF (they carry meaning across
    /// languages and spellings).
    public var conceptTokenWeight = 6.0
    /// Single-character tokens (one Chinese character, one letter) count this many times their
    /// IDF: they are often particles, and bigrams carry the same characters.
    public var singleCharacterWeight = 0.7
    /// A word no FAQ contains counts this share of the highest IDF in the question's weight.
    public var unknownWordWeight = 0.5
    /// BM25 column weights for FAQ question variants, answers and cited article summaries.
    public var faqQuestionWeight = 6.0
    public var faqAnswerWeight = 1.5
    public var faqCitedWeight = 0.5

    public init() {}

    /// The keys a configuration file may set: one table, so a new setting cannot be forgotten
    /// by the loader, and a misspelt key is an error instead of a silently ignored threshold.
    nonisolated(unsafe) static let integerKeys: [String: WritableKeyPath<EngineConfiguration, Int>] = [
        "faqCandidates": \.faqCandidates,
        "statuteMatches": \.statuteMatches,
        "maxClarifyChoices": \.maxClarifyChoices,
        "statuteQueryTokens": \.statuteQueryTokens,
        "statutePostingBudget": \.statutePostingBudget,
        "faqQueryTokens": \.faqQueryTokens,
    ]
    nonisolated(unsafe) static let realKeys: [String: WritableKeyPath<EngineConfiguration, Double>] = [
        "answerThreshold": \.answerThreshold,
        "clarifyThreshold": \.clarifyThreshold,
        "clarifyMargin": \.clarifyMargin,
        "legalStatuteScore": \.legalStatuteScore,
        "nonLegalAnswerThreshold": \.nonLegalAnswerThreshold,
        "statuteMaxDocumentShare": \.statuteMaxDocumentShare,
        "variantWeight": \.variantWeight,
        "answerWeight": \.answerWeight,
        "questionsCoverageWeight": \.questionsCoverageWeight,
        "relevanceWeight": \.relevanceWeight,
        "questionCoverageExponent": \.questionCoverageExponent,
        "conceptTokenWeight": \.conceptTokenWeight,
        "singleCharacterWeight": \.singleCharacterWeight,
        "unknownWordWeight": \.unknownWordWeight,
        "faqQuestionWeight": \.faqQuestionWeight,
        "faqAnswerWeight": \.faqAnswerWeight,
        "faqCitedWeight": \.faqCitedWeight,
    ]

    public struct InvalidValue: Error, CustomStringConvertible {
        public var description: String
    }

    /// Counts must be positive, and weights and thresholds not negative: a bad file is refused,
    /// not trapped on.
    public func validate() throws {
        for (name, path) in Self.integerKeys.sorted(by: { $0.key < $1.key }) where self[keyPath: path] < 1 {
            throw InvalidValue(description: "`\(name)` must be at least 1 (got \(self[keyPath: path]))")
        }
        for (name, path) in Self.realKeys.sorted(by: { $0.key < $1.key }) where !(self[keyPath: path] >= 0) {
            throw InvalidValue(description: "`\(name)` must not be negative")
        }
        guard (0...1).contains(questionCoverageExponent) else { throw InvalidValue(description: "`questionCoverageExponent` must be within 0...1") }
        guard variantWeight + answerWeight + questionsCoverageWeight > 0 else { throw InvalidValue(description: "the confidence weights must not all be 0") }
    }

    /// Reads a JSON object of settings; keys it leaves out keep their defaults.
    public static func load(path: String) throws -> EngineConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InvalidValue(description: "cannot read \(path)")
        }
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw InvalidValue(description: "expected a JSON object of settings")
        }
        var configuration = EngineConfiguration()
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            guard let number = value as? NSNumber, number.objCType.pointee != CChar(UInt8(ascii: "c")) else {
                throw InvalidValue(description: "`\(key)` must be a number")
            }
            if let path = integerKeys[key] {
                guard number.doubleValue == number.doubleValue.rounded() else { throw InvalidValue(description: "`\(key)` must be a whole number") }
                configuration[keyPath: path] = number.intValue
            } else if let path = realKeys[key] {
                configuration[keyPath: path] = number.doubleValue
            } else {
                throw InvalidValue(description: "unknown setting `\(key)`")
            }
        }
        try configuration.validate()
        return configuration
    }
}
