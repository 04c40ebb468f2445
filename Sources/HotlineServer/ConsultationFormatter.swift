import Foundation
import HotlineAnswering
import HotlineKnowledge
import HotlineProtocol
import HotlineText

/// A caller message answered, before the transcript line is stored (the reference comes from
/// the store).
struct ConsultationOutcome: Sendable {
    var kind: ConsultationKind
    var language: Language
    var fields: [ReplyField]
    var text: String
    var faq: String?
    var confidence: Double
    var citations: [String]
    /// FAQ ids offered (CLARIFY).
    var choices: [String]
    /// ESCALATED: why, and what the ticket needs (the best FAQ's topic, the bot's candidates).
    var escalation: EscalationReason? = nil
    var topic: String? = nil
    var candidates: [String] = []
    /// ESCALATED: the ticket's wire id once opened.
    var ticket: String? = nil
}

/// Turns an engine result into the reply's kind, machine-readable fields and text (PROTOCOL.md,
/// "Consultation replies"). All sentences come from the renderer, i.e. from `Locales`.
enum ConsultationFormatter {
    static func outcome(_ result: EngineResult, renderer: AnswerRenderer, hotlinePhone: String, prefix: String? = nil) -> ConsultationOutcome {
        let language = result.language
        var fields = [ReplyField("lang", language.tag)]
        var kind: ConsultationKind
        var faq: String?
        var citations: [String] = []
        var choices: [String] = []
        switch result.decision {
        case .answer:
            kind = .answer
            let best = result.faqMatches[0].faq
            faq = best.id
            fields.append(ReplyField("faq", best.id))
            fields.append(ReplyField("confidence", String(format: "%.2f", result.confidence)))
            if renderer.answerText(best, language).fallback { fields.append(ReplyField("fallback", Language.english.tag)) }
            for article in result.citations {
                let reference = article.reference
                let cite = reference.law.replacingOccurrences(of: ":", with: "%3A") + ":\(reference.article)" + (reference.sub.map { "-\($0)" } ?? "")
                citations.append(cite)
                fields.append(ReplyField("cite", cite))
            }
        case .clarify:
            kind = .clarify
            for faq in result.choices {
                choices.append(faq.id)
                fields.append(ReplyField("choice", faq.id + ":" + renderer.questionText(faq, language)))
            }
        case .escalate:
            kind = .escalated
            switch result.escalation {
            case .urgent(_, let priority)?:
                fields.append(ReplyField("reason", "urgent"))
                fields.append(ReplyField("priority", priority))
            case .callerAskedForPerson?:
                fields.append(ReplyField("reason", "caller-request"))
            default:
                fields.append(ReplyField("reason", "low-confidence"))
            }
            fields.append(ReplyField("phone", hotlinePhone))
        case .outOfScope:
            kind = .outOfScope
            fields.append(ReplyField("phone", hotlinePhone))
        }
        var text = renderer.render(result)
        if let prefix { text = prefix + "\n" + text }
        var outcome = ConsultationOutcome(kind: kind, language: language, fields: fields, text: text, faq: faq,
                                          confidence: result.confidence, citations: citations, choices: choices)
        if kind == .escalated {
            outcome.escalation = result.escalation ?? .lowConfidence
            outcome.topic = result.faqMatches.first?.faq.topic
            outcome.candidates = result.faqMatches.prefix(3).map(\.faq.id)
        }
        return outcome
    }

    /// `LANGUAGE`: the caller's message was too short to tell its language. The request is
    /// written in the best guess (and in English when that is not the guess), and each choice
    /// is the language's own name, so a caller can find theirs whichever it is. No legal text,
    /// so no not-legal-advice notice.
    static func languagePrompt(_ candidates: [Language], renderer: AnswerRenderer, prefix: String? = nil) -> ConsultationOutcome {
        let catalog = renderer.catalog
        let guess = candidates[0]
        var lines = [catalog.text("language.ask", guess)]
        if guess != .english { lines.append(catalog.text("language.ask", .english)) }
        var fields = [ReplyField("lang", guess.tag)]
        for (number, language) in candidates.enumerated() {
            let name = catalog.text("language.name", language)
            fields.append(ReplyField("choice", language.tag + ":" + name))
            lines.append("\(number + 1). \(name)")
        }
        if let prefix { lines.insert(prefix, at: 0) }
        return ConsultationOutcome(kind: .language, language: guess, fields: fields, text: lines.joined(separator: "\n"),
                                   faq: nil, confidence: 0, citations: [], choices: candidates.map(\.tag))
    }
}
