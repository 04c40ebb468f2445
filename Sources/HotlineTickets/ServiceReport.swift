import Foundation
import HotlineKnowledge
import HotlineStore
import HotlineText

/// What the bureau reads about the hotline (`hotline report`): volumes, the self-service rate,
/// escalations and the promise clock, satisfaction, the knowledge-base backlog and the dispute
/// radar. Aggregated in SQL (a million consultations in seconds); every question text that
/// appears is redacted, and the radar shows only cells above a minimum count so that no person
/// can be singled out.
public struct ServiceReport: Sendable {
    public struct Count: Sendable, Hashable {
        public var key: String
        public var count: Int
    }

    public var from: String
    public var to: String
    public var consultations = 0
    public var byDecision: [Count] = []
    public var byDay: [Count] = []
    public var byHour: [Count] = []
    public var byLanguage: [Count] = []
    public var byChannel: [Count] = []
    public var byTopic: [Count] = []
    /// Questions the bot answered itself, of all questions (ratings and language prompts aside).
    public var selfServiceRate = 0.0
    public var escalationReasons: [Count] = []
    public var tickets = 0
    public var firstResponseP50Minutes: Double?
    public var firstResponseP90Minutes: Double?
    public var promiseBreaches = 0
    /// Per topic: answers rated, and the share marked helpful.
    public var helpfulByTopic: [(topic: String, rated: Int, helpful: Double)] = []
    public var ratingsByLawyer: [(lawyer: String, count: Int, mean: Double)] = []
    /// The most frequent questions the bot could not answer well (redacted, grouped).
    public var backlog: [Count] = []
    /// Topic × district cells whose count rose week over week, both weeks ≥ the minimum count.
    public var radar: [(topic: String, district: String, previous: Int, latest: Int)] = []
    public var radarWeeks: (previous: String, latest: String)?
    public var minimumCount: Int

    /// Builds the report over `[from, to]` (dates, UTC, inclusive). `topics` maps FAQ ids to topics;
    /// `clusterKey` puts backlog questions that say the same thing in one entry (the CLI passes the
    /// analyser's distinct tokens; by default, the redacted text with case, spacing and final
    /// punctuation ignored).
    public static func build(service: ServiceStore, tickets: SQLiteTicketStore, topics: [String: String],
                             from: String, to: String, minimumCount: Int = 5,
                             clusterKey: (String) -> String = { ServiceReport.normalized($0) }) throws -> ServiceReport {
        var report = ServiceReport(from: from, to: to, minimumCount: minimumCount)
        let start = try milliseconds(from), end = try milliseconds(to) + 86_400_000
        let range: [SQLiteValue] = [.integer(start), .integer(end)]
        try service.read { db in
            func counts(_ sql: String) throws -> [Count] {
                try db.rows(sql, range).map { Count(key: $0[0] ?? "-", count: Int($0[1] ?? "0") ?? 0) }
            }
            let window = "asked_at >= ? AND asked_at < ?"
            report.byDecision = try counts("SELECT kind, count(*) FROM consultations WHERE \(window) GROUP BY kind ORDER BY 2 DESC")
            report.consultations = report.byDecision.reduce(0) { $0 + $1.count }
            report.byDay = try counts("SELECT date(asked_at / 1000, 'unixepoch'), count(*) FROM consultations WHERE \(window) GROUP BY 1 ORDER BY 1")
            report.byHour = try counts("SELECT strftime('%H', asked_at / 1000, 'unixepoch'), count(*) FROM consultations WHERE \(window) GROUP BY 1 ORDER BY 1")
            report.byLanguage = try counts("SELECT language, count(*) FROM consultations WHERE \(window) GROUP BY 1 ORDER BY 2 DESC")
            report.byChannel = try counts("""
                SELECT c.gateway || ' / ' || COALESCE(a.value, '-'), count(*) FROM consultations c
                LEFT JOIN session_attributes a ON a.gateway = c.gateway AND a.session = c.session AND a.key = 'channel'
                WHERE c.\(window) GROUP BY 1 ORDER BY 2 DESC
                """)
            var topicCounts: [String: Int] = [:]
            for row in try counts("SELECT COALESCE(faq, '-'), count(*) FROM consultations WHERE \(window) AND faq IS NOT NULL GROUP BY 1") {
                topicCounts[topics[row.key] ?? "other", default: 0] += row.count
            }
            report.byTopic = topicCounts.map { Count(key: $0.key, count: $0.value) }.sorted { ($0.count, $1.key) > ($1.count, $0.key) }
            let decided = report.byDecision.filter { !["RATED", "LANGUAGE"].contains($0.key) }.reduce(0) { $0 + $1.count }
            let answered = report.byDecision.first { $0.key == "ANSWER" }?.count ?? 0
            report.selfServiceRate = decided == 0 ? 0 : Double(answered) / Double(decided)
            var helpful: [String: (rated: Int, helpful: Int)] = [:]
            for row in try db.rows("""
                SELECT c.faq, f.value, count(*) FROM feedback f JOIN consultations c ON c.id = f.consultation
                WHERE c.\(window) AND c.faq IS NOT NULL GROUP BY 1, 2
                """, range) {
                let topic = topics[row[0] ?? ""] ?? "other"
                let n = Int(row[2] ?? "0") ?? 0
                helpful[topic, default: (0, 0)].rated += n
                if row[1] == "helpful" { helpful[topic, default: (0, 0)].helpful += n }
            }
            report.helpfulByTopic = helpful.map { ($0.key, $0.value.rated, Double($0.value.helpful) / Double(max(1, $0.value.rated))) }
                .sorted { $0.rated > $1.rated }
            // The backlog: what the bot declined or escalated for want of confidence (not the
            // caller's request for a person), most frequent first, redacted and grouped.
            var clusters: [String: (count: Int, texts: [String: Int])] = [:]
            for row in try db.rows("""
                SELECT question, count(*) FROM consultations
                WHERE \(window) AND question <> '' AND (kind = 'OUT_OF_SCOPE' OR (kind IN ('ANSWER', 'CLARIFY', 'ESCALATED') AND confidence < 0.3))
                GROUP BY question ORDER BY 2 DESC LIMIT 5000
                """, range) {
                let text = ServiceReport.normalized(Redaction.redact(row[0] ?? ""))
                let count = Int(row[1] ?? "0") ?? 0
                let key = clusterKey(text)
                clusters[key, default: (0, [:])].count += count
                clusters[key, default: (0, [:])].texts[text, default: 0] += count
            }
            // Each cluster is shown by its most frequent wording.
            report.backlog = clusters.values.map { cluster in
                Count(key: cluster.texts.max { ($0.value, $1.key) < ($1.value, $0.key) }!.key, count: cluster.count)
            }.sorted { ($0.count, $1.key) > ($1.count, $0.key) }.prefix(30).map { $0 }
            // The dispute radar: the last two full weeks of the window, by topic and district.
            var cells: [String: [String: [String: Int]]] = [:]  // week → district → topic → count
            for row in try db.rows("""
                SELECT strftime('%Y-W%W', c.asked_at / 1000, 'unixepoch'), a.value, c.faq, count(*) FROM consultations c
                JOIN session_attributes a ON a.gateway = c.gateway AND a.session = c.session AND a.key = 'district'
                WHERE c.\(window) AND c.faq IS NOT NULL GROUP BY 1, 2, 3
                """, range) {
                let topic = topics[row[2] ?? ""] ?? "other"
                cells[row[0] ?? "", default: [:]][row[1] ?? "", default: [:]][topic, default: 0] += Int(row[3] ?? "0") ?? 0
            }
            let weeks = cells.keys.sorted()
            if weeks.count >= 2 {
                let previous = weeks[weeks.count - 2], latest = weeks[weeks.count - 1]
                report.radarWeeks = (previous, latest)
                for (district, byTopic) in cells[latest] ?? [:] {
                    for (topic, count) in byTopic {
                        let before = cells[previous]?[district]?[topic] ?? 0
                        // Shown only when this week's count reaches the minimum (the previous
                        // week's, when smaller, is printed as "< minimum").
                        if count > before, count >= minimumCount {
                            report.radar.append((topic, district, before, count))
                        }
                    }
                }
                report.radar.sort { Double($0.latest) / Double(max(1, $0.previous)) > Double($1.latest) / Double(max(1, $1.previous)) }
            }
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try tickets.read { db in
            let window = "created_at >= ? AND created_at < ?"
            report.escalationReasons = try db.rows("""
                SELECT CASE WHEN reason LIKE 'urgent%' THEN 'urgent' ELSE reason END, count(*) FROM tickets WHERE \(window) GROUP BY 1 ORDER BY 2 DESC
                """, range).map { Count(key: $0[0] ?? "-", count: Int($0[1] ?? "0") ?? 0) }
            report.tickets = report.escalationReasons.reduce(0) { $0 + $1.count }
            let responses = try db.rows("SELECT first_response_at - created_at FROM tickets WHERE \(window) AND first_response_at IS NOT NULL ORDER BY 1", range)
                .compactMap { $0[0].flatMap(Double.init) }
            if !responses.isEmpty {
                report.firstResponseP50Minutes = responses[(responses.count - 1) / 2] / 60_000
                report.firstResponseP90Minutes = responses[min(responses.count - 1, Int(Double(responses.count) * 0.9))] / 60_000
            }
            report.promiseBreaches = Int(try db.rows("""
                SELECT count(*) FROM tickets WHERE \(window) AND reason <> 'complaint'
                AND (first_response_at > deadline_at OR (first_response_at IS NULL AND deadline_at < ?))
                """, range + [.integer(now)]).first?.first??.description ?? "0") ?? 0
            report.ratingsByLawyer = try db.rows("""
                SELECT r.lawyer, count(*), avg(r.score) FROM ratings r JOIN tickets t ON t.id = r.ticket
                WHERE t.\(window) AND r.lawyer IS NOT NULL GROUP BY 1 ORDER BY 1
                """, range).map { ($0[0] ?? "", Int($0[1] ?? "0") ?? 0, Double($0[2] ?? "0") ?? 0) }
        }
        return report
    }

    /// Backlog grouping: case, spacing and trailing punctuation do not make a new question.
    public static func normalized(_ text: String) -> String {
        let collapsed = text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return String(collapsed.trimmingCharacters(in: CharacterSet(charactersIn: "?？!！。.，, ")).prefix(200))
    }

    static func milliseconds(_ date: String) throws -> Int64 {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        guard let parsed = formatter.date(from: date) else { throw StoreError("not a date (YYYY-MM-DD): \(date)") }
        return Int64(parsed.timeIntervalSince1970 * 1000)
    }
}
