import ArgumentParser
import Foundation
import HotlineAnswering
import HotlineKnowledge
import HotlineText

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure question latency (analysis, FAQ matching, whole answer), analysis throughput and peak memory.",
        discussion: "Build in release mode for meaningful figures: swift build -c release; .build/release/hotline kb bench."
    )

    @OptionGroup var engineOptions: EngineOptions
    @Option(name: .customLong("questions"), help: "Questions (JSON Lines with a text field; file or directory; default: Tests/DevSet).")
    var questionPaths: [String] = []
    @Option(help: "How many times each question is asked.")
    var rounds = 20
    @Option(help: "A JSON Lines file whose `text` fields are analysed to measure throughput (e.g. ../shared/corpus/statutes.jsonl).")
    var analysisCorpus: String?

    func validate() throws {
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
    }

    func run() throws {
        let (engine, resources) = try engineOptions.engine()
        let paths = questionPaths.isEmpty ? [resources.root + "/Tests/DevSet"] : questionPaths
        let questions = try Evaluator.load(paths: paths).map { ($0.text, $0.lang.flatMap { Language(tag: $0) }) }
        guard !questions.isEmpty else { throw CLIError("no questions") }
        // Warm the caches once, as a running service would be.
        for (text, language) in questions { _ = try engine.answer(text, language: language) }
        var analysis: [Double] = [], faq: [Double] = [], whole: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<rounds {
            for (text, language) in questions {
                analysis.append(microseconds(clock.measure { _ = engine.searcher.analyzer.analyze(text, language: language) }))
                faq.append(microseconds(clock.measure { _ = engine.matchFAQs(text, language: language) }))
                whole.append(microseconds(try clock.measure { _ = try engine.answer(text, language: language) }))
            }
        }
        print("\(questions.count) questions × \(rounds) rounds; KB: \(engine.searcher.faqCount) FAQs, \(engine.searcher.articleCount) current articles")
        print("stage                 p50 µs     p90 µs     p99 µs     max µs")
        for (name, samples) in [("analysis", analysis), ("faq matching", faq), ("whole question", whole)] {
            let sorted = samples.sorted()
            print(String(format: "%-16@ %10.1f %10.1f %10.1f %10.1f", name as NSString, percentile(sorted, 0.5), percentile(sorted, 0.9), percentile(sorted, 0.99), sorted.last ?? 0))
        }
        if let analysisCorpus {
            let texts = try corpusTexts(analysisCorpus)
            let bytes = texts.reduce(0) { $0 + $1.utf8.count }
            let analyzer = engine.searcher.analyzer
            var tokens = 0
            let elapsed = clock.measure { for text in texts { tokens += analyzer.analyze(text, language: .simplifiedChinese).tokens.count } }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print(String(format: "analysis throughput: %.1f MB/s (%d bytes, %d tokens, %.2f s)", Double(bytes) / seconds / 1e6, bytes, tokens, seconds))
        }
        print("peak RSS: \(peakResidentKilobytes() / 1024) MB")
    }

    private func corpusTexts(_ path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
        return data.split(separator: 0x0A).compactMap { line in
            ((try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any])?["text"] as? String
        }
    }
}

func microseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

/// Peak resident set size of this process (VmHWM), in KiB.
func peakResidentKilobytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return 0
}
