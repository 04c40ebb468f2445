import Foundation

extension ServiceReport {
    private static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
    private static func minutes(_ value: Double?) -> String { value.map { String(format: "%.1f min", $0) } ?? "–" }

    /// The sections of the report as titled tables (rows of cells), shared by both formats.
    private var sections: [(title: String, header: [String], rows: [[String]], chart: [Count]?)] {
        var result: [(String, [String], [[String]], [Count]?)] = []
        func counts(_ title: String, _ name: String, _ data: [Count], chart: Bool = true) {
            result.append((title, [name, "count", "share"], data.map { [$0.key, "\($0.count)", Self.percent(Double($0.count) / Double(max(1, consultations)))] },
                           chart ? data : nil))
        }
        counts("Decisions", "decision", byDecision)
        counts("Volume by day", "day", byDay)
        counts("Volume by hour (UTC)", "hour", byHour)
        counts("Languages", "language", byLanguage)
        counts("Gateways and channels", "gateway / channel", byChannel)
        counts("Topics (questions matched to an FAQ)", "topic", byTopic)
        result.append(("Escalations to lawyers", ["reason", "tickets"], escalationReasons.map { [$0.key, "\($0.count)"] }, escalationReasons))
        result.append(("Satisfaction with the bot's answers", ["topic", "rated", "helpful"],
                       helpfulByTopic.map { [$0.topic, "\($0.rated)", Self.percent($0.helpful)] }, nil))
        result.append(("Lawyers' ratings (1–5)", ["lawyer", "ratings", "mean"],
                       ratingsByLawyer.map { [$0.lawyer, "\($0.count)", String(format: "%.2f", $0.mean)] }, nil))
        result.append(("Knowledge-base backlog (declined or low-confidence questions, redacted)", ["question", "times"],
                       backlog.map { [$0.key, "\($0.count)"] }, nil))
        let weeks = radarWeeks.map { "\($0.previous) → \($0.latest)" } ?? "fewer than two weeks of data"
        result.append(("Dispute radar: rises by topic and district, \(weeks) (cells under \(minimumCount) are not shown)",
                       ["topic", "district", "previous week", "latest week"],
                       radar.map { [$0.topic, $0.district, $0.previous < minimumCount ? "< \(minimumCount)" : "\($0.previous)", "\($0.latest)"] }, nil))
        return result
    }

    private var summaryLines: [String] {
        [
            "Consultations: \(consultations)",
            "Self-service rate (answered by the bot, of all questions): \(Self.percent(selfServiceRate))",
            "Tickets: \(tickets); first response p50 \(Self.minutes(firstResponseP50Minutes)), p90 \(Self.minutes(firstResponseP90Minutes)); promise-clock breaches: \(promiseBreaches)",
        ]
    }

    public func markdown() -> String {
        var lines = ["# LegalHotline report, \(from) to \(to)", ""]
        lines += summaryLines.map { "- \($0)" }
        for section in sections {
            lines += ["", "## \(section.title)", ""]
            if section.rows.isEmpty { lines.append("(none)"); continue }
            lines.append("| " + section.header.joined(separator: " | ") + " |")
            lines.append("|" + section.header.map { _ in "---" }.joined(separator: "|") + "|")
            for row in section.rows { lines.append("| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One self-contained page: inline SVG bar charts, no scripts, no network.
    public func html() -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var body = "<h1>LegalHotline report, \(escape(from)) to \(escape(to))</h1>\n<ul>"
        body += summaryLines.map { "<li>\(escape($0))</li>" }.joined() + "</ul>\n"
        for section in sections {
            body += "<section><h2>\(escape(section.title))</h2>\n"
            if let chart = section.chart, !chart.isEmpty { body += Self.barChart(chart, title: section.title, escape: escape) }
            if section.rows.isEmpty {
                body += "<p>(none)</p>"
            } else {
                body += "<table><thead><tr>" + section.header.map { "<th scope=\"col\">\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
                body += section.rows.map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }.joined()
                body += "</tbody></table>"
            }
            body += "</section>\n"
        }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <title>LegalHotline report \(escape(from)) – \(escape(to))</title>
        <style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
        table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}
        svg text{font-size:12px;fill:#1a1a1a}.bar{fill:#2b6cb0}</style></head>
        <body>
        \(body)</body></html>

        """
    }

    /// A horizontal bar chart (at most 40 bars), labelled, readable without colour.
    static func barChart(_ data: [Count], title: String, escape: (String) -> String) -> String {
        let bars = Array(data.prefix(40))
        let maximum = max(1, bars.map(\.count).max() ?? 1)
        let rowHeight = 20, labelWidth = 170, barWidth = 420
        var svg = "<svg role=\"img\" aria-label=\"\(escape(title))\" width=\"\(labelWidth + barWidth + 70)\" height=\"\(bars.count * rowHeight + 10)\" xmlns=\"http://www.w3.org/2000/svg\">"
        for (index, bar) in bars.enumerated() {
            let y = index * rowHeight + 5
            let width = max(1, bar.count * barWidth / maximum)
            svg += "<text x=\"0\" y=\"\(y + 14)\">\(escape(String(bar.key.prefix(24))))</text>"
            svg += "<rect class=\"bar\" x=\"\(labelWidth)\" y=\"\(y + 2)\" width=\"\(width)\" height=\"\(rowHeight - 6)\"/>"
            svg += "<text x=\"\(labelWidth + width + 4)\" y=\"\(y + 14)\">\(bar.count)</text>"
        }
        return svg + "</svg>\n"
    }
}
