import Foundation
import HotlineText

/// A labelled question: the `hotline eval` input (`{"id", "text", "lang"?, "expected": [faq ids]}`).
public struct LabelledQuestion: Sendable, Codable {
    public var id: String
    public var text: String
    public var lang: String?
    /// FAQ ids that answer it; empty when the question should not be answered.
    public var expected: [String]

    public init(id: String, text: String, lang: String?, expected: [String]) {
        self.id = id
        self.text = text
        self.lang = lang
        self.expected = expected
    }
}

/// Retrieval quality over a labelled set: recall@1, recall@3, MRR per language and overall, and
/// how should-not-answer questions were handled.
public struct EvaluationReport: Sendable, Codable {
    public struct Row: Sendable, Codable {
        public var group: String
        public var answerable = 0
        public var hitsAt1 = 0
        public var hitsAt3 = 0
        public var reciprocalRankSum = 0.0
        /// Answerable questions the engine escalated.
        public var escalated = 0
        /// Answerable questions the engine took for not legal at all.
        public var answerableOutOfScope = 0
        /// Should-not-answer questions, and how many were out of scope / escalated.
        public var unanswerable = 0
        public var outOfScope = 0
        public var refusedEscalated = 0

        public var recallAt1: Double { answerable == 0 ? 0 : Double(hitsAt1) / Double(answerable) }
        public var recallAt3: Double { answerable == 0 ? 0 : Double(hitsAt3) / Double(answerable) }
        public var mrr: Double { answerable == 0 ? 0 : reciprocalRankSum / Double(answerable) }
        public var escalatedRate: Double { answerable == 0 ? 0 : Double(escalated) / Double(answerable) }
        public var answerableOutOfScopeRate: Double { answerable == 0 ? 0 : Double(answerableOutOfScope) / Double(answerable) }
        public var outOfScopeRate: Double { unanswerable == 0 ? 0 : Double(outOfScope) / Double(unanswerable) }
        /// Should-not-answer questions that got `out_of_scope` or `escalate`.
        public var notAnsweredRate: Double { unanswerable == 0 ? 0 : Double(outOfScope + refusedEscalated) / Double(unanswerable) }

        mutating func add(expected: [String], ranked: [String], decision: Decision) {
            if expected.isEmpty {
                unanswerable += 1
                if decision == .outOfScope { outOfScope += 1 }
                if decision == .escalate { refusedEscalated += 1 }
                return
            }
            answerable += 1
            if decision == .escalate { escalated += 1 }
            if decision == .outOfScope { answerableOutOfScope += 1 }
            let wanted = Set(expected)
            if let first = ranked.first, wanted.contains(first) { hitsAt1 += 1 }
            if ranked.prefix(3).contains(where: wanted.contains) { hitsAt3 += 1 }
            if let rank = ranked.firstIndex(where: wanted.contains) { reciprocalRankSum += 1.0 / Double(rank + 1) }
        }
    }

    public var rows: [Row]
    public var overall: Row
    /// Answerable questions whose expected FAQ was not first: for tuning, never for special-casing.
    public var misses: [Miss]

    public struct Miss: Sendable, Codable {
        public var id: String
        public var group: String
        public var text: String
        public var expected: [String]
        public var got: [String]
        public var decision: String
    }

    public func row(_ group: String) -> Row? { rows.first { $0.group == group } }

    /// The report as a fixed-width table.
    public func table() -> String {
        func cell(_ value: Double, _ count: Int) -> String { count == 0 ? "-" : String(format: "%.3f", value) }
        func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
            let padding = String(repeating: " ", count: max(0, width - text.count))
            return left ? text + padding : padding + text
        }
        let header = ["lang", "answerable", "recall@1", "recall@3", "MRR", "escalated", "out_of_scope", "not-answerable", "out_of_scope", "oos+escalate"]
        var lines = [pad(header[0], 9, left: true) + header.dropFirst().map { pad($0, 15) }.joined()]
        for row in rows + [overall] {
            let cells = [String(row.answerable), cell(row.recallAt1, row.answerable), cell(row.recallAt3, row.answerable), cell(row.mrr, row.answerable),
                         cell(row.escalatedRate, row.answerable), cell(row.answerableOutOfScopeRate, row.answerable), String(row.unanswerable), cell(row.outOfScopeRate, row.unanswerable), cell(row.notAnsweredRate, row.unanswerable)]
            lines.append(pad(row.group, 9, left: true) + cells.map { pad($0, 15) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}

/// Runs a labelled set through the engine.
public struct Evaluator {
    public init() {}

    public func evaluate(_ questions: [LabelledQuestion], engine: AnswerEngine) throws -> EvaluationReport {
        var rows: [String: EvaluationReport.Row] = [:]
        var overall = EvaluationReport.Row(group: "overall")
        var misses: [EvaluationReport.Miss] = []
        for question in questions {
            let requested = question.lang.flatMap { Language(tag: $0) }
            let result = try engine.answer(question.text, language: requested)
            let group = requested?.tag ?? result.language.tag
            let ranked = result.faqMatches.map(\.faq.id)
            rows[group, default: EvaluationReport.Row(group: group)].add(expected: question.expected, ranked: ranked, decision: result.decision)
            overall.add(expected: question.expected, ranked: ranked, decision: result.decision)
            let wrong = question.expected.isEmpty ? (result.decision == .answer || result.decision == .clarify) : !(ranked.first.map(question.expected.contains) ?? false)
            if wrong {
                misses.append(.init(id: question.id, group: group, text: String(question.text.prefix(120)), expected: question.expected,
                                    got: Array(ranked.prefix(3)), decision: result.decision.rawValue))
            }
        }
        return EvaluationReport(rows: rows.values.sorted { $0.group < $1.group }, overall: overall, misses: misses)
    }

    /// Reads labelled questions from JSON Lines files or directories of them.
    public static func load(paths: [String]) throws -> [LabelledQuestion] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".jsonl") }.sorted()
                files += names.map { path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        var questions: [LabelledQuestion] = []
        let decoder = JSONDecoder()
        for file in files {
            let data: Data
            if file == "-" { data = FileHandle.standardInput.readDataToEndOfFile() } else {
                guard let contents = FileManager.default.contents(atPath: file) else { throw EvaluationError(message: "cannot read \(file)") }
                data = contents
            }
            for (index, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                do {
                    questions.append(try decoder.decode(LabelledQuestion.self, from: Data(line)))
                } catch {
                    throw EvaluationError(message: "\(file):\(index + 1): not a labelled question (\(error))")
                }
            }
        }
        return questions
    }
}

public struct EvaluationError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Language identification per labelled language (`hotline eval --language-id`): right, asked
/// (too little evidence: the daemon asks the caller which language), and wrong.
public struct LanguageIdentificationReport: Sendable {
    public struct Row: Sendable {
        public var language: Language
        public var long = 0, longCorrect = 0, longAsked = 0, short = 0, shortCorrect = 0, shortAsked = 0
        public var longWrong: Int { long - longCorrect - longAsked }
        public var shortWrong: Int { short - shortCorrect - shortAsked }
    }

    public var rows: [Row]

    public func table() -> String {
        func rate(_ count: Int, _ total: Int) -> String { total == 0 ? "-" : String(format: "%.3f", Double(count) / Double(total)) }
        func columns(_ row: Row) -> String {
            String(format: "%8d", row.long) + rate(row.longCorrect, row.long).leftPadded(9) + rate(row.longAsked, row.long).leftPadded(8) + rate(row.longWrong, row.long).leftPadded(8)
                + String(format: "%9d", row.short) + rate(row.shortCorrect, row.short).leftPadded(9) + rate(row.shortAsked, row.short).leftPadded(8) + rate(row.shortWrong, row.short).leftPadded(8)
        }
        var lines = ["lang        ≥20 cp    right   asked   wrong   <20 cp    right   asked   wrong"]
        var total = Row(language: .english)
        for row in rows {
            lines.append(row.language.tag.padding(toLength: 10, withPad: " ", startingAt: 0) + columns(row))
            total.long += row.long; total.longCorrect += row.longCorrect; total.longAsked += row.longAsked
            total.short += row.short; total.shortCorrect += row.shortCorrect; total.shortAsked += row.shortAsked
        }
        lines.append("overall   " + columns(total))
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}

extension Evaluator {
    /// Identifies each labelled question's language (as a gateway's `auto` would) and compares it
    /// with the label; a question too unclear to place counts as asked (the daemon asks the
    /// caller). Questions of at least 20 Unicode code points are counted apart from shorter ones.
    public static func languageIdentification(_ questions: [LabelledQuestion], analyzer: Analyzer) -> LanguageIdentificationReport {
        var rows: [Language: LanguageIdentificationReport.Row] = [:]
        for question in questions {
            guard let tag = question.lang, let expected = Language(tag: tag) else { continue }
            let identification = analyzer.identifyLanguage(question.text)
            let correct = identification.isCertain && identification.language == expected
            let asked = !identification.isCertain
            var row = rows[expected] ?? .init(language: expected)
            if question.text.unicodeScalars.count >= 20 {
                row.long += 1
                if correct { row.longCorrect += 1 } else if asked { row.longAsked += 1 }
            } else {
                row.short += 1
                if correct { row.shortCorrect += 1 } else if asked { row.shortAsked += 1 }
            }
            rows[expected] = row
        }
        return LanguageIdentificationReport(rows: rows.values.sorted { $0.language.rawValue < $1.language.rawValue })
    }
}
