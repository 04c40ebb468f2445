import HotlineKnowledge
import HotlineText

/// Writes an engine result as a person reads it, in the caller's language, from ``LocaleCatalog``
/// sentences and the knowledge base's content.
public final class AnswerRenderer {
    public let catalog: LocaleCatalog
    public let hotlinePhone: String
    private let traditional = TraditionalChineseConverter()
    /// Texts already converted to Traditional Chinese: the same answers and citations come back
    /// again and again, and ICU transliteration is the costliest step of rendering. Bounded.
    private var traditionalCache: [String: String] = [:]

    private func toTraditional(_ text: String) -> String {
        if let cached = traditionalCache[text] { return cached }
        let converted = traditional.convert(text)
        if traditionalCache.count >= 4096 { traditionalCache.removeAll(keepingCapacity: true) }
        traditionalCache[text] = converted
        return converted
    }

    public init(catalog: LocaleCatalog, hotlinePhone: String = "12348") {
        self.catalog = catalog
        self.hotlinePhone = hotlinePhone
    }

    /// The FAQ's answer in `language` where the KB has it; Traditional Chinese converted from
    /// Simplified; otherwise English, and `true` to say it is a fallback.
    public func answerText(_ faq: FAQRecord, _ language: Language) -> (text: String, fallback: Bool) {
        if let text = faq.answers[language] { return (text, false) }
        if language == .traditionalChinese, let simplified = faq.answers[.simplifiedChinese] { return (toTraditional(simplified), false) }
        if language == .simplifiedChinese, let text = faq.answers[.traditionalChinese] { return (text, false) }
        if let english = faq.answers[.english] { return (english, true) }
        return (faq.answers.values.first ?? "", true)
    }

    /// The FAQ's title question in `language` (for clarify choices).
    public func questionText(_ faq: FAQRecord, _ language: Language) -> String {
        if let first = faq.questions[language]?.first { return first }
        if language == .traditionalChinese, let simplified = faq.questions[.simplifiedChinese]?.first { return toTraditional(simplified) }
        return faq.questions[.english]?.first ?? faq.questions.values.first?.first ?? faq.id
    }

    /// One citation line: law, article label, and the official text or our marked summary.
    public func citationText(_ article: ArticleRecord, _ language: Language) -> String {
        let chinese = language.isChinese
        var law = article.reference.law
        if !chinese, let english = article.lawEnglishTitle, !english.isEmpty { law = "\(english) (\(law))" }
        let number = "\(article.reference.article)" + (article.reference.sub.map { "-\($0)" } ?? "")
        var label = chinese ? article.label : "\(article.label), " + catalog.text("citation.article-number", language, ["number": number])
        if language == .traditionalChinese {
            law = toTraditional(law)
            label = toTraditional(label)
        }
        if let official = article.officialText, chinese || article.summaryEnglish == nil {
            let text = language == .traditionalChinese ? toTraditional(official) : official
            return catalog.text("citation.official", language, ["law": law, "article": label, "text": text])
        }
        var summary = chinese ? (article.summaryChinese ?? article.summaryEnglish ?? "") : (article.summaryEnglish ?? article.summaryChinese ?? "")
        if language == .traditionalChinese { summary = toTraditional(summary) }
        let key = article.officialText == nil ? "citation.summary" : "citation.summary-of-official"
        return catalog.text(key, language, ["law": law, "article": label, "text": summary])
    }

    /// The whole reply for a person, ending with the not-legal-advice notice.
    public func render(_ result: EngineResult) -> String {
        let language = result.language
        var lines: [String] = []
        switch result.decision {
        case .answer:
            let faq = result.faqMatches[0].faq
            let (text, fallback) = answerText(faq, language)
            if fallback { lines.append(catalog.text("answer.language-fallback", language)) }
            lines.append(text)
            if !result.citations.isEmpty {
                lines.append("")
                lines.append(catalog.text("answer.legal-basis", language))
                for article in result.citations { lines.append("• " + citationText(article, language)) }
            }
        case .clarify:
            lines.append(catalog.text("clarify.prompt", language))
            for (index, faq) in result.choices.enumerated() { lines.append("\(index + 1). " + questionText(faq, language)) }
        case .escalate:
            switch result.escalation {
            case .urgent?: lines.append(catalog.text("escalate.urgent", language, ["phone": hotlinePhone]))
            case .callerAskedForPerson?: lines.append(catalog.text("escalate.person", language, ["phone": hotlinePhone]))
            default: lines.append(catalog.text("escalate.low-confidence", language, ["phone": hotlinePhone]))
            }
        case .outOfScope:
            lines.append(catalog.text("out-of-scope", language, ["phone": hotlinePhone]))
        }
        lines.append("")
        lines.append(catalog.text("notice.not-legal-advice", language, ["phone": hotlinePhone]))
        return lines.joined(separator: "\n")
    }
}
