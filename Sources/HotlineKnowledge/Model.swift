import HotlineText

/// Where a piece of knowledge-base source came from: reported with every problem.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }
    public var description: String { "\(file):\(line)" }
}

/// A problem found in the sources or an import.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public init(severity: Severity, location: SourceLocation, message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }
    public enum Severity: String, Sendable { case error, warning }
    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    public var description: String { "\(location): \(severity.rawValue): \(message)" }

    static func error(_ location: SourceLocation, _ message: String) -> Diagnostic {
        Diagnostic(severity: .error, location: location, message: message)
    }
    static func warning(_ location: SourceLocation, _ message: String) -> Diagnostic {
        Diagnostic(severity: .warning, location: location, message: message)
    }
}

/// A statute article reference: `<law>#<article>[-<sub>]`.
public struct StatuteReference: Sendable, Hashable, Codable, CustomStringConvertible {
    public var law: String
    public var article: Int
    public var sub: Int?

    public init(law: String, article: Int, sub: Int? = nil) {
        self.law = law
        self.article = article
        self.sub = sub
    }

    /// Parses `中华人民共和国刑法#133-1`.
    public init?(id: String) {
        guard let hash = id.lastIndex(of: "#") else { return nil }
        let law = String(id[..<hash])
        let number = id[id.index(after: hash)...]
        let parts = number.split(separator: "-", omittingEmptySubsequences: false)
        guard !law.isEmpty, parts.count <= 2, let article = Int(parts[0]), article > 0 else { return nil }
        var sub: Int? = nil
        if parts.count == 2 {
            guard let s = Int(parts[1]), s > 0 else { return nil }
            sub = s
        }
        self.init(law: law, article: article, sub: sub)
    }

    public var id: String { "\(law)#\(article)" + (sub.map { "-\($0)" } ?? "") }
    public var description: String { id }
}

/// A law's title and the dates of the version the shipped summaries describe.
public struct LawHeader: Sendable, Hashable {
    public var title: String
    public var englishTitle: String
    public var aliases: [String]
    public var effective: String?
    public var version: String?
    /// `YYYY-MM-DD` the whole law was repealed (its articles stop being current that day).
    public var repealed: String? = nil
    public var location: SourceLocation
}

/// One version of one article: a shipped summary, an imported official text, or both.
public struct StatuteArticle: Sendable, Hashable {
    public var reference: StatuteReference
    public var label: String
    public var englishLawTitle: String?
    /// Our own short summaries (shipped sources); never shown as official wording.
    public var summaryChinese: String?
    public var summaryEnglish: String?
    /// Official wording (imports only).
    public var officialText: String?
    public var effective: String?
    public var version: String?
    public var repealed: String?
    public var location: SourceLocation

    public var id: String { reference.id }
    /// The date that orders versions: effective, else version, for imported official texts. A
    /// shipped summary describes the version adopted on its law's `version` date, so an imported
    /// text of that same version (dated by adoption or by entry into force) replaces it, while
    /// an older imported text (e.g. a law since revised and renumbered) does not.
    var orderingDate: String? { officialText == nil ? (version ?? effective) : (effective ?? version) }
}

/// A frequently asked question with its answer in several languages.
public struct FAQ: Sendable, Hashable {
    public var id: String
    public var topic: String
    /// Question variants per language, in source order.
    public var questions: [Language: [String]]
    public var answers: [Language: String]
    public var citations: [StatuteReference]
    public var location: SourceLocation
    /// Whether it came from an import (unresolved citations are then warnings).
    public var imported: Bool
    /// Languages whose answer came from `translations/`: shown to callers, but not indexed for
    /// matching. Only some FAQs have translated answers, and their long extra text would pull
    /// every question in that language towards them. Question variants from `translations/` are
    /// indexed: they are short, and every FAQ has them in every served language, so none is favoured.
    public var displayOnlyLanguages: Set<Language> = []
}

/// A glossary concept: one legal idea, in many languages and words.
public struct GlossaryConcept: Sendable, Hashable {
    public var id: String
    public var terms: [Language: [String]]
    public var location: SourceLocation
    /// A setting rather than a legal issue (a restaurant, being from Hong Kong): it helps rank
    /// FAQs but does not by itself make a question a legal one.
    public var isContext: Bool = false
}

/// Phrases that send a question to a person: urgent triggers and requests for a human.
public struct PhraseSet: Sendable, Hashable {
    public enum Kind: String, Sendable { case trigger, handoff }
    public var kind: Kind
    public var id: String
    /// `urgent` or `high` for triggers; `nil` for handoff phrases.
    public var priority: String?
    public var phrases: [Language: [String]]
    public var location: SourceLocation
}

/// Everything a knowledge base is compiled from.
public struct KnowledgeSources: Sendable {
    public var laws: [String: LawHeader] = [:]
    public var articles: [StatuteArticle] = []
    public var faqs: [FAQ] = []
    public var glossary: [GlossaryConcept] = []
    public var dictionary: [String] = []
    public var phraseSets: [PhraseSet] = []
    /// Bytes that identify the content (file names and contents), hashed into the KB version.
    public var fingerprintParts: [(String, [UInt8])] = []

    public init() {}

    /// The lexicon the analyser uses for this content: glossary terms and dictionary terms.
    public var lexiconEntries: [TermLexicon.Entry] {
        var entries: [TermLexicon.Entry] = []
        for concept in glossary {
            for (language, terms) in concept.terms.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                for term in terms { entries.append(.init(language: language, term: term, concept: concept.id)) }
            }
        }
        for term in dictionary { entries.append(.init(language: nil, term: term, concept: nil)) }
        return entries
    }
}

/// The topics an FAQ may have (KnowledgeBase/FORMAT.md).
public let faqTopics: Set<String> = [
    "labor", "family", "inheritance", "traffic", "consumer", "tenancy", "lending", "neighbors", "property",
    "personal-info", "legal-aid", "notary", "appraisal", "mediation", "arbitration", "administrative",
    "public-security", "criminal", "minors", "elderly", "foreigners", "hk-macau", "services",
]
