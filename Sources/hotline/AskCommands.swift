import ArgumentParser
import Foundation
import HotlineAnswering
import HotlineKnowledge
import HotlineText

/// Options shared by the commands that answer questions.
struct EngineOptions: ParsableArguments {
    @Option(help: "Knowledge base file (default: .hotline/kb.sqlite, rebuilt from the shipped sources when stale).")
    var kb: String?
    @Option(help: "Engine configuration JSON (thresholds and limits; defaults documented in EngineConfiguration).")
    var config: String?

    func engine() throws -> (AnswerEngine, ProjectResources) {
        let resources = try ProjectResources.locate()
        let file = try resources.knowledgeBase(kb)
        return (try AnswerEngine(file: file, configuration: try loadConfiguration(config)), resources)
    }
}

struct Ask: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask the knowledge base a question (interactively when no question is given).",
        discussion: """
        --jsonl reads lines {"id": "...", "text": "...", "lang": "..."} on standard input and writes one
        line per question: {"id", "decision", "lang", "matches": [{"id", "kind", "score"}], "citations": [{"law", "article"}]}.
        """
    )

    @OptionGroup var engineOptions: EngineOptions
    @Option(help: "The asker's language (BCP 47, e.g. zh-Hans, zh-Hant-HK, en, fr); detected when omitted.")
    var lang: String?
    @Flag(help: "Print one JSON object.")
    var json = false
    @Flag(help: "Answer JSON Lines questions from standard input.")
    var jsonl = false
    @Flag(help: "Show the analysed tokens and, for the best FAQs, the closest question variant and the tokens they share (for tuning the knowledge base).")
    var explain = false
    @Argument(help: "The question.")
    var question: [String] = []

    func run() throws {
        let (engine, resources) = try engineOptions.engine()
        let language = lang.flatMap { Language(tag: $0) }
        if jsonl {
            try answerLines(engine)
            return
        }
        let renderer = AnswerRenderer(catalog: try resources.catalog())
        if question.isEmpty {
            try interactive(engine, renderer, language)
            return
        }
        let text = question.joined(separator: " ")
        let result = try engine.answer(text, language: language)
        if explain {
            let analysis = engine.searcher.analyzer.analyze(text, language: language)
            print("language: \(analysis.language.tag)")
            print("tokens: " + analysis.tokens.map { $0.kind == .word ? $0.text : "[\($0.text)]" }.joined(separator: " "))
            let file = engine.searcher.file
            let questionTokens = Set(analysis.tokens.map(\.text))
            for match in result.faqMatches.prefix(5) {
                print(String(format: "%.3f  %@  (bm25 %.2f)", match.confidence, match.faq.id, match.relevance))
                if let index = match.bestVariant {
                    let variant = file.variants[index]
                    print("       ~ \(variant.text)")
                    let shared = variant.tokenIDs.map { file.tokens[Int($0)] }.filter(questionTokens.contains)
                    print("       shared: " + shared.sorted().joined(separator: " "))
                }
            }
            print("decision: \(result.decision.rawValue)")
        } else if json {
            print(JSONOutput.line(JSONOutput.object(id: nil, result: result)))
        } else {
            print(renderer.render(result))
        }
    }

    private func interactive(_ engine: AnswerEngine, _ renderer: AnswerRenderer, _ language: Language?) throws {
        let promptLanguages: [Language] = language.map { [$0] } ?? [.simplifiedChinese, .english]
        let terminal = isatty(0) == 1
        print(promptLanguages.map { renderer.catalog.text("cli.welcome", $0) }.joined(separator: "\n"))
        while true {
            if terminal {
                print("> ", terminator: "")
                fflush(nil)
            }
            guard let line = readLine() else { break }
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            do {
                print(renderer.render(try engine.answer(text, language: language)))
            } catch {
                // The session goes on: one failed question must not end a caller's console.
                printError("\(error)")
            }
            print("")
            fflush(nil)
        }
    }

    private func answerLines(_ engine: AnswerEngine) throws {
        var number = 0
        while let line = readLine(strippingNewline: true) {
            number += 1
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                  let text = object["text"] as? String else {
                print(JSONOutput.line(["line": number, "error": "expected a JSON object with a text field"]))
                continue
            }
            let language = (object["lang"] as? String).flatMap { Language(tag: $0) }
            do {
                let result = try engine.answer(text, language: language)
                print(JSONOutput.line(JSONOutput.object(id: object["id"], result: result)))
            } catch {
                // One failing question must not end the stream: report it on its own line.
                print(JSONOutput.line(["line": number, "id": object["id"] ?? NSNull(), "error": "\(error)"]))
            }
        }
    }
}

/// The JSON shapes of `ask --json` and `ask --jsonl`.
enum JSONOutput {
    static func object(id: Any?, result: EngineResult) -> [String: Any] {
        // FAQs in the engine's order (best first), then statutes in theirs: the two kinds' scores
        // are on different scales, so they are not interleaved.
        var matches: [[String: Any]] = result.faqMatches.prefix(10).map { ["id": $0.faq.id, "kind": "faq", "score": rounded($0.confidence)] }
        matches += result.articleMatches.map { ["id": $0.article.id, "kind": "statute", "score": rounded($0.score)] }
        var object: [String: Any] = [
            "decision": result.decision.rawValue,
            "lang": result.language.tag,
            "confidence": rounded(result.confidence),
            "matches": matches,
            "citations": result.citations.map(citation),
        ]
        if let id { object["id"] = id }
        if result.decision == .clarify { object["choices"] = result.choices.map(\.id) }
        switch result.escalation {
        case .urgent(let trigger, let priority)?: object["escalation"] = ["reason": "urgent", "trigger": trigger, "priority": priority]
        case .callerAskedForPerson?: object["escalation"] = ["reason": "caller_asked_for_person"]
        case .lowConfidence?: object["escalation"] = ["reason": "low_confidence"]
        case nil: break
        }
        return object
    }

    static func citation(_ article: ArticleRecord) -> [String: Any] {
        var value: [String: Any] = ["law": article.reference.law, "article": article.reference.article, "label": article.label]
        if let sub = article.reference.sub { value["sub"] = sub }
        return value
    }

    static func rounded(_ value: Double) -> Double { (value * 10000).rounded() / 10000 }

    static func line(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure retrieval quality on labelled questions: recall@1, recall@3, MRR, out-of-scope rates.",
        discussion: "Questions are JSON Lines {\"id\", \"text\", \"lang\"?, \"expected\": [faq ids]}; [] means should-not-answer. A directory means every .jsonl file in it."
    )

    @OptionGroup var engineOptions: EngineOptions
    @Option(name: .customLong("questions"), help: "Labelled questions (file or directory; repeatable; default: Tests/DevSet).")
    var questionPaths: [String] = []
    @Flag(help: "Print the report as JSON.")
    var json = false
    @Flag(help: "Also list the questions whose expected FAQ was not ranked first.")
    var misses = false
    @Flag(help: "Instead: language identification accuracy per labelled language, on questions of ≥ 20 code points and on shorter ones.")
    var languageId = false

    func run() throws {
        let (engine, resources) = try engineOptions.engine()
        let paths = questionPaths.isEmpty ? [resources.root + "/Tests/DevSet"] : questionPaths
        let questions = try Evaluator.load(paths: paths)
        if languageId {
            print(Evaluator.languageIdentification(questions, analyzer: engine.searcher.analyzer).table())
            if misses {
                for question in questions {
                    guard let tag = question.lang, let expected = Language(tag: tag) else { continue }
                    let detected = engine.searcher.analyzer.detectLanguage(question.text)
                    if detected != expected { print("\(question.id) [\(expected.tag) → \(detected.tag)] \(question.text)") }
                }
            }
            return
        }
        let report = try Evaluator().evaluate(questions, engine: engine)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print(report.table())
        if misses {
            for miss in report.misses {
                print("\(miss.id) [\(miss.group)] \(miss.decision) expected \(miss.expected) got \(miss.got): \(miss.text)")
            }
        }
    }
}
