import Foundation

/// Every threshold and limit of the answering engine, with documented defaults.
/// Loaded from a JSON file (`hotline ask --config FILE`); keys missing from the file keep their
/// defaults. The defaults were tuned on the dev sets in `Tests/DevSet` (see README).
public struct EngineConfiguration: Codable, Sendable, Equatable {
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

    public init(from decoder: Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func value<T: Decodable>(_ key: CodingKeys, _ current: T) throws -> T {
            try container.decodeIfPresent(T.self, forKey: key) ?? current
        }
        faqCandidates = try value(.faqCandidates, faqCandidates)
        statuteMatches = try value(.statuteMatches, statuteMatches)
        answerThreshold = try value(.answerThreshold, answerThreshold)
        clarifyThreshold = try value(.clarifyThreshold, clarifyThreshold)
        clarifyMargin = try value(.clarifyMargin, clarifyMargin)
        maxClarifyChoices = try value(.maxClarifyChoices, maxClarifyChoices)
        legalStatuteScore = try value(.legalStatuteScore, legalStatuteScore)
        nonLegalAnswerThreshold = try value(.nonLegalAnswerThreshold, nonLegalAnswerThreshold)
        statuteMaxDocumentShare = try value(.statuteMaxDocumentShare, statuteMaxDocumentShare)
        statuteQueryTokens = try value(.statuteQueryTokens, statuteQueryTokens)
        faqQueryTokens = try value(.faqQueryTokens, faqQueryTokens)
        statutePostingBudget = try value(.statutePostingBudget, statutePostingBudget)
        conceptTokenWeight = try value(.conceptTokenWeight, conceptTokenWeight)
        singleCharacterWeight = try value(.singleCharacterWeight, singleCharacterWeight)
        unknownWordWeight = try value(.unknownWordWeight, unknownWordWeight)
        variantWeight = try value(.variantWeight, variantWeight)
        answerWeight = try value(.answerWeight, answerWeight)
        questionsCoverageWeight = try value(.questionsCoverageWeight, questionsCoverageWeight)
        relevanceWeight = try value(.relevanceWeight, relevanceWeight)
        questionCoverageExponent = try value(.questionCoverageExponent, questionCoverageExponent)
        faqQuestionWeight = try value(.faqQuestionWeight, faqQuestionWeight)
        faqAnswerWeight = try value(.faqAnswerWeight, faqAnswerWeight)
        faqCitedWeight = try value(.faqCitedWeight, faqCitedWeight)
        try validate()
    }

    public struct InvalidValue: Error, CustomStringConvertible {
        public var description: String
    }

    /// Counts must be positive and weights not negative: a bad file is refused, not trapped on.
    public func validate() throws {
        for (name, count) in [("faqCandidates", faqCandidates), ("statuteMatches", statuteMatches), ("maxClarifyChoices", maxClarifyChoices),
                              ("statuteQueryTokens", statuteQueryTokens), ("faqQueryTokens", faqQueryTokens), ("statutePostingBudget", statutePostingBudget)] where count < 1 {
            throw InvalidValue(description: "`\(name)` must be at least 1 (got \(count))")
        }
        for (name, weight) in [("variantWeight", variantWeight), ("answerWeight", answerWeight), ("questionsCoverageWeight", questionsCoverageWeight),
                               ("relevanceWeight", relevanceWeight), ("conceptTokenWeight", conceptTokenWeight), ("singleCharacterWeight", singleCharacterWeight),
                               ("unknownWordWeight", unknownWordWeight), ("faqQuestionWeight", faqQuestionWeight), ("faqAnswerWeight", faqAnswerWeight),
                               ("faqCitedWeight", faqCitedWeight), ("statuteMaxDocumentShare", statuteMaxDocumentShare)] where !(weight >= 0) {
            throw InvalidValue(description: "`\(name)` must not be negative")
        }
        guard (0...1).contains(questionCoverageExponent) else { throw InvalidValue(description: "`questionCoverageExponent` must be within 0...1") }
        guard variantWeight + answerWeight + questionsCoverageWeight > 0 else { throw InvalidValue(description: "the confidence weights must not all be 0") }
    }

    public static func load(path: String) throws -> EngineConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        return try JSONDecoder().decode(EngineConfiguration.self, from: data)
    }
}
