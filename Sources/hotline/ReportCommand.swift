import ArgumentParser
import Foundation
import HotlineAnswering
import HotlineStore
import HotlineText
import HotlineTickets

/// The bureau's report on the hotline: volumes, self-service, the promise clock, satisfaction,
/// the knowledge-base backlog and the dispute radar, as Markdown or a self-contained HTML page.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report on the service's data: volumes, self-service rate, escalations and response times, satisfaction, backlog, dispute radar."
    )
    @OptionGroup var data: DataDirectoryOption
    @Option(help: "First day (YYYY-MM-DD, UTC; default: 30 days ago).") var from: String?
    @Option(help: "Last day, inclusive (default: today).") var to: String?
    @Option(help: "md or html.") var format = "md"
    @Option(help: "Write to this file (default: standard output).") var out: String?
    @Option(help: "Knowledge base whose FAQ topics name the rows (default: the shipped one).") var kb: String?
    @Option(help: "Dispute-radar cells under this count are not shown.") var minCount = 5

    func run() throws {
        guard ["md", "html"].contains(format) else { throw ValidationError("--format takes md or html") }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        let to = self.to ?? formatter.string(from: Date())
        let from = self.from ?? formatter.string(from: Date().addingTimeInterval(-29 * 86_400))
        let resources = try ProjectResources.locate()
        let file = try resources.knowledgeBase(kb)
        let topics = Dictionary(file.faqs.map { ($0.id, $0.topic) }, uniquingKeysWith: { first, _ in first })
        // Backlog questions with the same analysed words (stems, glossary concepts) are one cluster:
        // "老板拖欠工资怎么办" and "老板拖欠工资，怎么办？" are one entry.
        let analyzer = try file.searcher().analyzer
        let report = try ServiceReport.build(service: try data.existingStore(), tickets: try data.existingTicketStore(),
                                             topics: topics, from: from, to: to, minimumCount: minCount) { text in
            Set(analyzer.analyze(text).tokens.map(\.text)).sorted().joined(separator: " ")
        }
        _ = try operatorText("report.none")  // the sentences load, or the command says why
        let texts: ServiceReport.Texts = { key, values in (try? operatorText(key, values)) ?? key }
        let text = format == "html" ? report.html(texts) : report.markdown(texts)
        if let out { try text.write(toFile: out, atomically: true, encoding: .utf8) } else { print(text, terminator: "") }
    }
}
