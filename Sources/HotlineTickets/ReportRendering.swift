import Foundation

extension ServiceReport {
    private static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
    private static func minutes(_ value: Double?) -> String { value.map { String(format: "%.1f min", $0) } ?? "–" }

    /// The report's sentences (section titles, column names, summary lines) by key, with
    /// `{name}` values: `Locales/operator` in the CLI, so no sentence lives in code.
    public typealias Texts = (_ key: String, _ values: [String: String]) -> String

    /// The sections of the report as titled tables (rows of cells), shared by both formats.
    private func sections(_ t: Texts) -> [(title: String, header: [String], rows: [[String]], chart: [Count]?)] {
        func column(_ name: String) -> String { t("report.column-" + name, [:]) }
        var result: [(String, [String], [[String]], [Count]?)] = []
        func counts(_ title: String, _ name: String, _ data: [Count]) {
            result.append((t(title, [:]), [column(name), column("count"), column("share")],
                           data.map { [$0.key, "\($0.count)", Self.percent(Double($0.count) / Double(max(1, consultations)))] }, data))
        }
        counts("report.decisions", "decision", byDecision)
        counts("report.by-day", "day", byDay)
        counts("report.by-hour", "hour", byHour)
        counts("report.languages", "language", byLanguage)
        counts("report.channels", "channel", byChannel)
        counts("report.topics", "topic", byTopic)
        result.append((t("report.escalations", [:]), [column("reason"), column("tickets")], escalationReasons.map { [$0.key, "\($0.count)"] }, escalationReasons))
        result.append((t("report.satisfaction", [:]), [column("topic"), column("rated"), column("helpful")],
                       helpfulByTopic.map { [$0.topic, "\($0.rated)", Self.percent($0.helpful)] }, nil))
        result.append((t("report.lawyers", [:]), [column("lawyer"), column("ratings"), column("mean")],
                       ratingsByLawyer.map { [$0.lawyer, "\($0.count)", String(format: "%.2f", $0.mean)] }, nil))
        result.append((t("report.backlog", [:]), [column("question"), column("times")], backlog.map { [$0.key, "\($0.count)"] }, nil))
        let weeks = radarWeeks.map { "\($0.previous) → \($0.latest)" } ?? t("report.radar-no-weeks", [:])
        result.append((t("report.radar", ["weeks": weeks, "min": "\(minimumCount)"]),
                       [column("topic"), column("district"), column("previous-week"), column("latest-week")],
                       radar.map { [$0.topic, $0.district, $0.previous < minimumCount ? "< \(minimumCount)" : "\($0.previous)", "\($0.latest)"] }, nil))
        return result
    }

    private func summaryLines(_ t: Texts) -> [String] {
        [
            t("report.consultations", ["count": "\(consultations)"]),
            t("report.self-service", ["rate": Self.percent(selfServiceRate)]),
            t("report.tickets", ["count": "\(tickets)", "p50": Self.minutes(firstResponseP50Minutes), "p90": Self.minutes(firstResponseP90Minutes),
                                 "breaches": "\(promiseBreaches)"]),
        ]
    }

    public func markdown(_ t: Texts) -> String {
        var lines = ["# " + t("report.title", ["from": from, "to": to]), ""]
        lines += summaryLines(t).map { "- \($0)" }
        for section in sections(t) {
            lines += ["", "## \(section.title)", ""]
            if section.rows.isEmpty { lines.append(t("report.none", [:])); continue }
            lines.append("| " + section.header.joined(separator: " | ") + " |")
            lines.append("|" + section.header.map { _ in "---" }.joined(separator: "|") + "|")
            for row in section.rows { lines.append("| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One self-contained page: inline SVG bar charts, no scripts, no network.
    public func html(_ t: Texts) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let title = escape(t("report.title", ["from": from, "to": to]))
        var body = "<h1>\(title)</h1>\n<ul>"
        body += summaryLines(t).map { "<li>\(escape($0))</li>" }.joined() + "</ul>\n"
        for section in sections(t) {
            body += "<section><h2>\(escape(section.title))</h2>\n"
            if let chart = section.chart, !chart.isEmpty { body += Self.barChart(chart, title: section.title, escape: escape) }
            if section.rows.isEmpty {
                body += "<p>\(escape(t("report.none", [:])))</p>"
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
        <title>\(title)</title>
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
