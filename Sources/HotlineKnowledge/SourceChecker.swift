import HotlineText

/// Cross-record rules of KnowledgeBase/FORMAT.md: unique ids, required languages, citations that
/// resolve. Record-level rules are checked while loading (``SourceLoader``).
public enum SourceChecker {
    /// - Parameter statutesReplaced: the bureau's own statutes replaced ours, so a shipped FAQ's
    ///   citation they lack is reported, not fatal (as it always is for imported FAQs).
    public static func check(_ sources: KnowledgeSources, statutesReplaced: Bool = false) -> [Diagnostic] {
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
        for faq in sources.faqs {
            for citation in faq.citations where !known.contains(citation.id) {
                let message = "citation `\(citation.id)` of FAQ `\(faq.id)` resolves to no article"
                diagnostics.append(faq.imported || statutesReplaced ? .warning(faq.location, message) : .error(faq.location, message))
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
}
