import Foundation
import HotlineText

/// Cross-record rules of KnowledgeBase/FORMAT.md: unique ids, required languages, citations that
/// resolve. Record-level rules are checked while loading (``SourceLoader``).
public enum SourceChecker {
    /// - Parameter statutesReplaced: the bureau's own statutes replaced ours, so a shipped FAQ's
    ///   citation they lack is reported, not fatal (as it always is for imported FAQs).
    ///   - today: `YYYY-MM-DD`; an FAQ citing an article repealed by then is flagged.
    public static func check(_ sources: KnowledgeSources, statutesReplaced: Bool = false, today: String = SourceChecker.today()) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var faqIDs: [String: SourceLocation] = [:]
        for faq in sources.faqs where !faq.id.isEmpty {
            if let first = faqIDs[faq.id] {
                diagnostics.append(.error(faq.location, "duplicate FAQ id `\(faq.id)` (first at \(first))"))
            } else {
                faqIDs[faq.id] = faq.location
            }
            if faq.imported { continue }
            for language in [Language.simplifiedChinese, .english] {
                if faq.questions[language]?.isEmpty ?? true {
                    diagnostics.append(.error(faq.location, "FAQ `\(faq.id)` has no question in \(language.tag)"))
                }
                if faq.answers[language] == nil {
                    diagnostics.append(.error(faq.location, "FAQ `\(faq.id)` has no answer in \(language.tag)"))
                }
            }
        }
        var shippedArticles: [String: SourceLocation] = [:]
        for article in sources.articles where article.officialText == nil {
            if let first = shippedArticles[article.id] {
                diagnostics.append(.error(article.location, "duplicate article `\(article.id)` (first at \(first))"))
            } else {
                shippedArticles[article.id] = article.location
            }
        }
        let known = Set(sources.articles.map(\.id))
        // An article is in force when some version of it is in force and not repealed today.
        let inForce = Set(sources.articles.filter { ($0.effective ?? "") <= today && ($0.repealed.map { $0 > today } ?? true) }.map(\.id))
        for faq in sources.faqs {
            for citation in faq.citations {
                if !known.contains(citation.id) {
                    let message = "citation `\(citation.id)` of FAQ `\(faq.id)` resolves to no article"
                    diagnostics.append(faq.imported || statutesReplaced ? .warning(faq.location, message) : .error(faq.location, message))
                } else if !inForce.contains(citation.id) {
                    let repealed = sources.articles.filter { $0.id == citation.id }.compactMap(\.repealed).max()
                    let when = repealed.map { "was repealed on \($0)" } ?? "is not in force yet"
                    diagnostics.append(.warning(faq.location, "FAQ `\(faq.id)` cites `\(citation.id)`, which \(when): review the answer"))
                }
            }
        }
        var triggerIDs: Set<String> = []
        for set in sources.phraseSets where !set.id.isEmpty {
            if !triggerIDs.insert("\(set.kind.rawValue):\(set.id)").inserted {
                diagnostics.append(.error(set.location, "duplicate \(set.kind.rawValue) id `\(set.id)`"))
            }
        }
        return diagnostics
    }

    /// Today's date, `YYYY-MM-DD` in UTC (what the builder uses to pick current versions).
    public static func today() -> String {
        ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
    }
}
